// Seed 001 / spec §5a: a client driver probing asynchronously while the IOMMU driver registers,
// reproduced by holding iommu_device_register() between the two phases of bus_iommu_probe()
// while the client binds. Baseline (b46064a18810): the bind is deferred. With the fix reverted,
// the driver binds on dma-direct and phase 2 switches it to iommu-dma under its feet.
import { ENODEV, ENOENT, EPROBE_DEFER } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';
import { heldRegistrationTopology, registeringThread } from './between-phases.js';
import type { IommuScenarioSpec } from '../spec.js';

const spec: Omit<IommuScenarioSpec, 'name' | 'summary' | 'description' | 'expect' | 'patches'> = {
  topology: heldRegistrationTopology,
  threads: [
    registeringThread,
    {
      name: 'async-probe',
      ops: [
        // bus_iommu_probe() has put ep0 in a group; the group has no default domain yet
        { op: 'wait', event: 'bus_iommu_probe:pci:phase2' },
        { op: 'bind', dev: 'ep0', expect: [0, -EPROBE_DEFER] },
        // deferred (the baseline), no driver is bound: the map is not issued (-ENODEV), nor the DMA (-ENOENT: no mapping)
        { op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'buf', expect: [0, -ENODEV] },
        { op: 'signal', event: 'bus_iommu_probe:pci:phase2:resume' },
        { op: 'wait', event: 'registered' },
        // the driver starts DMA on the buffer it mapped
        { op: 'dma', dev: 'ep0', handle: 'buf', expect: [0, -ENOENT] },
      ],
    },
  ],
};

export const iommuAsyncProbe = iommuScenario({
  ...spec,
  name: 'iommu-async-probe-vs-register',
  summary: 'async client probe between the phases of bus_iommu_probe(): deferred until a default domain exists',
  description:
    'A client driver binds while iommu_device_register() is held between the two phases of bus_iommu_probe() ' +
    '(ep0 is in a group that has no default domain yet). iommu_device_use_default_domain() returns -EPROBE_DEFER, ' +
    'so no driver ever runs on DMA ops that phase 2 changes afterwards (I11).',
  expect: { pass: true },
});

export const iommuAsyncProbeUnfixed = iommuScenario({
  ...spec,
  name: 'iommu-async-probe-unfixed',
  summary: 'the same with b46064a18810 reverted: dma_iommu flips under a bound driver, its DMA faults',
  description:
    'Patch revertUseDefaultDomainDefer: use_default_domain() succeeds on a group bus_iommu_probe() has queued ' +
    'but not set up. The driver binds and maps its buffer with dma-direct; phase 2 attaches the DMA domain and ' +
    'sets dev->dma_iommu under it: the I11 oracle stops the execution there. Past it, the driver\'s DMA to the ' +
    'physical address it mapped would fault in the new domain (seed 001).',
  patches: ['revertUseDefaultDomainDefer'],
  expect: { violations: ['invariant'] },
});
