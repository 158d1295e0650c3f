// Finding (intel-iommu, [uncertain] until checked against the source): pci_dev_reset_iommu_done()
// re-installs each PASID with old = the group's blocking domain. intel_iommu_set_dev_pasid()
// reads any non-NULL old as "replace a present entry" and asks iommu_domain_did(old): the static
// blocking domain is no dmar_domain, so to_dmar_domain() reads memory that is not one (the model:
// a NULL iommu_domain_info). Had it read a DID, the replace would find the entry torn down by
// prepare and fail with -EINVAL, which done WARNs about.
import { iommuScenario } from '../build.js';

export const iommuVtdResetPasid = iommuScenario({
  name: 'iommu-vtd-reset-pasid',
  summary: 'finding (VT-d): reset done re-installs a PASID with old = blocking domain; iommu_domain_did() of it oopses',
  description:
    'One ATS/PASID function on an Intel VT-d unit, owned by iommufd, with paging domain A on its RID and P on ' +
    'PASID 1. An FLR runs the reset hooks: prepare blocks the RID and removes PASID 1 from the hardware; done ' +
    're-attaches A (old = blocking domain: the RID path ignores old) and then calls set_dev_pasid(P, ep0, 1, ' +
    'old = blocking domain). The driver takes the replace branch and computes iommu_domain_did(old) on the ' +
    'static blocking domain, which is not a dmar_domain: a NULL dereference of its iommu_domain_info in the ' +
    'model (garbage memory in the kernel). The mock ignores old, so only the real driver shows it.',
  topology: {
    iommus: [{ name: 'dmar0', driver: 'vtd' }],
    pci: [{ name: 'ep0', bus: 0, slot: 2, ats: true, pasids: 16 }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'A', pasid: true },
    { op: 'attach', dev: 'ep0', domain: 'A', api: 'handle', handle: 'h0' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
    { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1, handle: 'p1' },
  ],
  threads: [{ name: 'reset', ops: [{ op: 'reset', dev: 'ep0' }] }],
  expect: { violations: ['null-deref'] },
});
