// Finding F15 (arm-smmu-v3 invalidation as in v6.18, with the v7.0 reset hooks): an unmap's ATC
// invalidation batch is built under devices_lock and submitted after the lock is dropped. A reset
// whose prepare runs in between (parks the RID, disables ATS, takes the master off the domain's
// list) and starts the FLR: the stale batch then reaches the function in reset and times out.
import { iommuScenario } from '../build.js';

export const iommuSmmuv3UnmapVsReset = iommuScenario({
  name: 'iommu-smmuv3-unmap-vs-reset',
  summary: 'finding F15: arm-smmu-v3, an unmap\'s ATC_INV batch built before prepare is submitted after the FLR started',
  description:
    'An ATS function owned by iommufd on arm-smmu-v3, domain D attached with one page mapped. ' +
    'iommufd unmaps the page while the function is reset (FLR). arm_smmu_atc_inv_domain() collects ' +
    'ATC_INV commands for the ATS masters under devices_lock and submits them after dropping it; if ' +
    'pci_dev_reset_iommu_prepare() runs in between, and the FLR starts, the ATC_INV reaches a function in reset: ' +
    'no completion, CERROR_ATC_INV_SYNC (I9 and H16). The reset hooks were merged to prevent exactly this.',
  topology: {
    iommus: [{ name: 'smmu0', driver: 'smmuv3' }],
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
    { op: 'attach', dev: 'ep0', domain: 'D' },
    { op: 'map', domain: 'D', iova: 0x100000, paddr: 0x200000, size: 0x1000 },
  ],
  threads: [
    { name: 'iommufd', ops: [{ op: 'unmap', domain: 'D', iova: 0x100000, size: 0x1000 }] },
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
  ],
  // the ATC_INV to the function in reset: H16 (an invalidation timeout; I9 with the hooks in force)
  expect: { violations: ['invalidation-timeout'] },
});
