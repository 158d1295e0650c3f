// Finding F13 (found by iommulab fuzz): a driver binds inside phase 1 of bus_iommu_probe(), while
// iommu_init_device() has dropped the probe lock for the bus dma_configure replay.
import { iommuScenario } from '../build.js';
import { anyResult } from './any-result.js';

export const iommuRegisterVsBind = iommuScenario({
  name: 'iommu-register-vs-bind',
  summary: 'finding F13: a driver binds while a registering IOMMU has dropped the probe lock for the firmware replay',
  description:
    'iommu0 registers while a DMA-API driver binds to ep0. Phase 1 of bus_iommu_probe() has created ep0\'s ' +
    'dev->iommu and fwspec and dropped the probe lock for the dma_configure replay; a bind in that window finds ' +
    'the fwspec (no replay) and no group (iommu_device_use_default_domain() returns 0), so the driver binds on ' +
    'dma-direct. The probe resumes with dev->driver set: the late-probe WARN in __iommu_probe_device(), and phase ' +
    '2 switches the bound driver\'s DMA ops to the IOMMU under it (I11). A bind before the registration or ' +
    'between the phases (iommu-async-probe-vs-register) is correct. The fuzzer\'s minimized reproducer. See ' +
    'docs/FINDINGS.md F13.',
  topology: {
    iommus: [{ name: 'iommu0', registered: false }],
    pci: [{ name: 'ep0', bus: 0, slot: 1 }],
  },
  threads: [
    { name: 'register', ops: [{ op: 'register', iommu: 'iommu0', expect: anyResult }] },
    { name: 'bind', ops: [{ op: 'bind', dev: 'ep0', expect: anyResult }] },
  ],
  // the device doing DMA that --driver smmuv3|vtd adds: after its driver bound (a free DMA thread: 612 executions)
  overrideDma: { thread: 'bind', after: 0 },
  expect: { violations: ['warn', 'invariant'] },
});
