// Findings on the probe-mode hooks (spec §4.12 as corrected): the pci_dev_specific_reset()
// wrapper and pci_reset_bus_function() call prepare/done when merely probing a method, and sysfs
// reset_method probes without the device lock, on a live device.
import { EBUSY, EFAULT, EINVAL, EIO, ENOTTY } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuResetMethodVsReset = iommuScenario({
  name: 'iommu-reset-method-vs-reset',
  summary: 'finding F8: a sysfs reset_method write races a reset: prepare re-entered (WARN), the reset or the write fails',
  description:
    'A function is reset (pci_reset_function(), under the device lock) while root writes `default` to its ' +
    'reset_method attribute (no device lock). pci_init_reset_methods() probes every method, and the ' +
    'device_specific wrapper calls pci_dev_reset_iommu_prepare() even in probe mode, for a function without a ' +
    'quirk. Whichever prepare comes second finds resetting_domain set and WARNs ("re-entry is not allowed"): ' +
    'either the reset fails with -EBUSY, or the probe does, pci_init_reset_methods() stops at the first error ' +
    'that is not -ENOTTY, and the function is left with no reset method at all (the next reset: -ENOTTY). See ' +
    'docs/FINDINGS.md. Variant resetProbeNoHooks (the fix this model proposes: no hooks in probe mode): no WARN.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [{ op: 'bind', dev: 'ep0', driverManagedDma: true }],
  threads: [
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: [0, -EBUSY] }] },
    {
      name: 'sysfs',
      ops: [
        { op: 'resetMethod', dev: 'ep0', methods: 'default', expect: 0 },
        // -ENOTTY: the write left no reset method; -EBUSY: it raced the other reset
        { op: 'reset', dev: 'ep0', expect: [0, -ENOTTY, -EBUSY] },
      ],
    },
  ],
  // --driver smmuv3|vtd: the device DMAs right after the reset thread's reset, racing the sysfs
  // thread's probe (its blocking window; on arm-smmu-v3 F26's ATS on behind an abort STE, which the
  // DMA meets as F_BAD_ATS_TREQ) and its second reset (a thread of its own also races the first
  // reset: 2.5 times the executions; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['warn'] },
  // arm-smmu-v3: the probe's prepare turns ATS off between the reset's read of pdev->ats_enabled
  // and its pci_restore_ats_state() write: ATS on behind an abort STE (H9, F26 in docs/FINDINGS.md)
  expectByDriver: { smmuv3: { violations: ['warn', 'invariant'] } },
  variants: [{ patches: ['resetProbeNoHooks'], expect: { pass: true } }],
});

export const iommuResetMethodLive = iommuScenario({
  name: 'iommu-reset-method-live',
  summary: 'finding F9: writing sysfs reset_method blocks a live device\'s DMA while the methods are probed',
  description:
    'A DMA-API driver is bound to an ATS function and has a buffer mapped; the device DMAs to it while root ' +
    'writes `flr` to the function\'s reset_method attribute. reset_method_store() probes flr, then probes ' +
    'device_specific once more (to warn if it is not first), and the pci_dev_specific_reset() wrapper calls ' +
    'pci_dev_reset_iommu_prepare()/done() around that probe: the live function\'s RID is parked on the blocking ' +
    'domain and ATS is turned off, with no reset at all. DMA issued in that window aborts. See docs/FINDINGS.md. ' +
    'Variant resetProbeNoHooks (no hooks in probe mode): the DMA always reaches its buffer.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0' },
    { op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'buf' },
  ],
  threads: [
    // -EIO: the DMA aborted in the blocked window (the finding, reported as dma-isolation); on
    // VT-d the blocked RID has no PASID entry, so the same DMA faults (-EFAULT, hardware.md §2.9)
    { name: 'driver', ops: [{ op: 'dma', dev: 'ep0', handle: 'buf', expect: [0, -EIO, -EFAULT] }] },
    { name: 'sysfs', ops: [{ op: 'resetMethod', dev: 'ep0', methods: ['flr'], expect: [0, -EINVAL] }] },
  ],
  expect: { violations: ['dma-isolation'] },
  variants: [{ patches: ['resetProbeNoHooks'], expect: { pass: true } }],
});
