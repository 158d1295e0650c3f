// Not a finding (withdrawn by the audit, see docs/FINDINGS.md F6): a caller bug the kernel
// WARNs about. iommu_replace_device_pasid() with the handle that is already attached:
// iommu_make_pasid_array_entry() sets handle->domain to the new domain before the "same entry"
// check rejects the call, so the attached handle now names a domain the hardware is not using.
import { EINVAL } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuPasidReplaceHandle = iommuScenario({
  name: 'iommu-pasid-replace-same-handle',
  summary: 'caller bug (WARN), not a finding: a rejected PASID replace has already retargeted the handle',
  description:
    'iommu_replace_device_pasid(T, dev, pasid, h) where h is the handle attached with S: the entry is made with ' +
    'iommu_make_pasid_array_entry(T, h), which writes h->domain = T, then the xa_cmpxchg() result equals the new ' +
    'entry, so the call WARNs and returns -EINVAL without touching the hardware. pasid_array[pasid] (and ' +
    'iommu_attach_handle_get() users such as the I/O page-fault path) now see T while the PASID translates ' +
    'through S (I7). The caller broke the contract (iommufd never reuses a handle); the WARN is the kernel ' +
    'reporting it. See docs/FINDINGS.md (F6, withdrawn).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 12, pasids: 16 }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'S', pasid: true },
    { op: 'domainAlloc', dev: 'ep0', domain: 'T', pasid: true },
    { op: 'pasidAttach', dev: 'ep0', domain: 'S', pasid: 1, handle: 'h' },
  ],
  threads: [{ name: 'iommufd', ops: [{ op: 'pasidReplace', dev: 'ep0', domain: 'T', pasid: 1, handle: 'h', expect: -EINVAL }] }],
  expect: { violations: ['warn', 'invariant'] },
});
