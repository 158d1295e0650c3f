// Finding: reset methods that call other hooked reset methods. pci_dev_specific_reset() calls
// prepare, then a quirk that resets by pcie_flr(), which calls prepare again: the re-entry check
// WARNs and the FLR fails with -EBUSY. cxl_reset_bus_function() -> pci_reset_bus_function() alike.
import { EBUSY } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuResetNested = iommuScenario({
  name: 'iommu-reset-nested',
  summary: 'finding: a device-specific reset quirk that uses pcie_flr() re-enters prepare: WARN, -EBUSY',
  description:
    'With the v7.0 hooks in both pci_dev_specific_reset() and pcie_flr(), a quirk that resets the function by ' +
    'calling pcie_flr() (several do, then wait for the device firmware) runs pci_dev_reset_iommu_prepare() twice. ' +
    'The second call finds group->resetting_domain set, WARNs ("re-entry is not allowed") and returns -EBUSY, so ' +
    'the reset fails. The same holds for cxl_reset_bus_function() calling pci_reset_bus_function(). See ' +
    'docs/FINDINGS.md.',
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
        { op: 'reset', dev: 'nvme0', method: 'device_specific', expect: -EBUSY },
        { op: 'reset', dev: 'cxl0', method: 'cxl_bus', expect: -EBUSY },
      ],
    },
  ],
  expect: { violations: ['warn'] },
});
