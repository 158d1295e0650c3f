// Finding (intel-iommu): a RID attach that fails leaves the device blocked, not on its old domain.
// intel_iommu_attach_device() tears the RID_PASID entry down first (device_block_translation())
// and, when the new domain cannot be set up, blocks the device again; the core assumes a failing
// device was left untouched, so group->domain still names the old domain while the hardware
// faults every DMA.
import { iommuScenario } from '../build.js';

export const iommuVtdFailedReplace = iommuScenario({
  name: 'iommu-vtd-failed-replace',
  summary: 'finding (VT-d): a failed replace leaves the RID blocked while group->domain keeps the old domain',
  description:
    'One PCI function on an Intel VT-d unit, owned by iommufd and attached to paging domain A with a group handle. ' +
    'iommufd replaces A by B under the fail_nth sweep. When an allocation of B\'s attach fails (its DID ' +
    'bookkeeping, a cache tag), intel_iommu_attach_device() has already torn the RID_PASID entry down and returns ' +
    'the error with the device blocked; the core keeps group->domain = A and does not revert a failing device, so ' +
    'the check at the group\'s unlock reports I3 (the RID aborts, the core says A). The mock keeps the old ' +
    'programming on failure, so only the real driver shows it.',
  topology: {
    iommus: [{ name: 'dmar0', driver: 'vtd' }],
    pci: [{ name: 'ep0', bus: 0, slot: 2, ats: true, pasids: 16 }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'A' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'B' },
    { op: 'attach', dev: 'ep0', domain: 'A', api: 'handle', handle: 'h0' },
  ],
  threads: [{ name: 'iommufd', ops: [{ op: 'replace', dev: 'ep0', domain: 'B', handle: 'h0' }] }],
  faults: { mode: 'nth', nth: 1 },
  expect: { violations: ['invariant'] },
});
