// Finding F2: reset methods that call other hooked reset methods. The pci_dev_specific_reset()
// wrapper calls prepare, then a quirk that resets by pcie_flr(), which calls prepare again: the
// re-entry check WARNs, pcie_flr() returns -EBUSY without resetting, and the quirk ignores that
// and returns 0. cxl_reset_bus_function() -> pci_reset_bus_function() alike, with the error.
import { EBUSY } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuResetNested = iommuScenario({
  name: 'iommu-reset-nested',
  summary: 'finding F2: a reset quirk that uses pcie_flr() re-enters prepare: WARN, and success reported for a reset that never happened',
  description:
    'With the v7.0 hooks in both the pci_dev_specific_reset() wrapper and pcie_flr(), a quirk that resets the ' +
    'function by calling pcie_flr() (82599 SFP VF, Chelsio T4, NVMe, Intel P3700, HiNIC VF) runs ' +
    'pci_dev_reset_iommu_prepare() twice. The second call finds group->resetting_domain set, WARNs ("re-entry is ' +
    'not allowed") and returns -EBUSY; pcie_flr() returns it without resetting, the quirk ignores pcie_flr()\'s ' +
    'result and returns 0: pci_reset_function() reports success for a function that was never reset. ' +
    'cxl_reset_bus_function() calling pci_reset_bus_function() fails the same way with -EBUSY. Fixed upstream ' +
    'after v7.0 (0d5fd7a9323c). See docs/FINDINGS.md.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [
      { name: 'nvme0', bus: 0, slot: 7, ats: true, reset: ['device_specific', 'flr'], quirkResetViaFlr: true },
      { name: 'rp1', bus: 0, slot: 8, bridge: { secondary: 1 }, acs: true },
      { name: 'cxl0', bus: 1, slot: 0, ats: true, reset: ['cxl_bus', 'bus'], cxl: true },
    ],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'nvme0' },
    { op: 'bind', dev: 'cxl0' },
  ],
  threads: [
    {
      name: 'reset',
      ops: [
        // the quirk ignores pcie_flr()'s -EBUSY: success reported, the function never reset
        { op: 'reset', dev: 'nvme0', method: 'device_specific', expect: 0 },
        { op: 'reset', dev: 'cxl0', method: 'cxl_bus', expect: -EBUSY },
      ],
    },
  ],
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['warn'] },
});
