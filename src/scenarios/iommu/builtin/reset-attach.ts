// A PCI function reset (FLR, with the v7.0 IOMMU hooks) racing an owner attaching a domain to the
// function's single-device group.
import { EBUSY } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuResetVsAttach = iommuScenario({
  name: 'iommu-reset-vs-attach',
  summary: 'an FLR racing an attach on a single-device group: -EBUSY or before/after, never unblocked',
  description:
    'An ATS-capable function owned by iommufd is reset through pci_reset_function() (FLR) while the owner ' +
    'attaches a domain with a group handle. pci_dev_reset_iommu_prepare() parks the RID on the blocking domain ' +
    'and refuses concurrent attaches with -EBUSY; done() re-attaches group->domain. While the function is in ' +
    'reset it must be blocked with ATS off (I9), and afterwards on group->domain (I3). Variant resetFence=none ' +
    '(no -EBUSY while resetting_domain is set): the attach moves the RID to the new domain while the function is ' +
    'in reset (I9), which is what the fence is for (seed 000).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
  ],
  threads: [
    { name: 'iommufd', ops: [{ op: 'attach', dev: 'ep0', domain: 'D', expect: [0, -EBUSY] }] },
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
  ],
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { pass: true },
  // seed 000: without the -EBUSY fence the attach reprograms the function under the reset
  variants: [
    {
      patches: [{ resetFence: 'none' }],
      // unfenced, done also re-attaches group->domain with old = the blocking domain over the RID
      // the attach moved (driver-contract)
      expect: { violations: ['invariant', 'driver-contract'] },
      // arm-smmu-v3 uses `old`: done re-attaches with old = blocking while the RID is on the domain
      // attached during the reset, so the master is put on that domain's list twice (one leaks)
      expectByDriver: { smmuv3: { violations: ['invariant', 'leak', 'driver-contract', 'invalidation-timeout'] } },
    },
  ],
});
