// Seed 000, Kevin Tian's corner case: a device hot-added into the group between
// pci_dev_reset_iommu_prepare() and done. The merged code attaches the new member to
// group->domain at probe (it never reads resetting_domain), so without a DMA alias between the
// two nothing goes wrong; with one, the new member's attach reprograms the requester ID the
// function in reset also uses (finding).
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec } from '../spec.js';

const base = (aliased: boolean): Omit<IommuScenarioSpec, 'name' | 'summary' | 'description' | 'expect' | 'variants'> => ({
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [
      // one slot without ACS: one group
      { name: 'ep0', bus: 0, slot: 3, fn: 0, multifunction: true, ats: true, reset: ['flr'] },
      // the hot-added function; with a quirk DMA alias it also issues ep0's requester ID (devfn 3.0)
      { name: 'ep1', bus: 0, slot: 3, fn: 1, multifunction: true, ats: true, present: false, ...(aliased ? { aliases: [3 << 3] } : {}) },
    ],
    defaultDomainType: 'dma',
  },
  threads: [
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
    { name: 'hotplug', ops: [{ op: 'hotAdd', dev: 'ep1', expect: 0 }] },
  ],
});

export const iommuResetVsHotAdd = iommuScenario({
  ...base(false),
  name: 'iommu-reset-vs-hotadd',
  summary: 'seed 000: a function hot-added into the group of a function under reset gets group->domain, the reset one stays blocked',
  description:
    'Kevin Tian\'s corner case (seed 000): ep0 is alone in its group at prepare; ep1, the other function of its ' +
    'slot, is hot-added, in some executions between prepare and done. The merged __iommu_probe_device() attaches the new member to group->domain ' +
    '(it does not look at resetting_domain), so it does not "inherit the blocking domain" as the thread feared, ' +
    'and done, which re-attaches only ep0, leaves the group coherent. Variant resetDoneAllDevices (Kevin\'s ' +
    'suggestion) re-attaches both and changes nothing. Variant resetSkipMultiDeviceGroup (v5): when ep1 ' +
    'arrived first, prepare skips the two-device group and ep0 is reset while translating (I9). Variant ' +
    'resetHotAddBlocked (the F11 fix) parks ep1 on the blocking domain until done, also coherent.',
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { pass: true },
  variants: [
    // arm-smmu-v3 uses `old`: done re-attaches the hot-added member (already on group->domain)
    // with old = blocking, so its master is listed twice on the domain; after its release the
    // stale entry is read by the next ATC invalidation (use-after-free). resetHotAddBlocked also
    // parks the new member with an abort STE equal to the probe-time one, which the decoder reads
    // as the abort it is (before, as a never-written `none`: an I3 artifact)
    // F20 (driver contracts): ep1, never blocked, is handed old = the blocking domain
    { patches: ['resetDoneAllDevices'], expect: { violations: ['driver-contract'] }, expectByDriver: { smmuv3: { violations: ['use-after-free', 'driver-contract'] } } },
    { patches: ['resetSkipMultiDeviceGroup'], expect: { violations: ['invariant'] } },
    // (the fix re-attaches only what it parked now: no member is handed a wrong old, so the
    // use-after-free arm-smmu-v3 had from it is gone)
    { patches: ['resetHotAddBlocked'], expect: { pass: true } },
  ],
});

export const iommuResetVsHotAddAlias = iommuScenario({
  ...base(true),
  name: 'iommu-reset-vs-hotadd-alias',
  summary: 'finding F11: a function hot-added during a reset with a DMA alias of the reset one reprograms its requester ID (I9)',
  description:
    'As iommu-reset-vs-hotadd, but ep1 carries a quirk DMA alias to ep0\'s devfn, so the firmware gives it ep0\'s ' +
    'requester ID too and the IOMMU driver programs both (pci_for_each_dma_alias()). Hot-added between prepare ' +
    'and the reset, ep1 is attached to group->domain: the requester ID ep0 uses translates again while ep0 is in ' +
    'reset (I9). Done re-attaching every member (variant resetDoneAllDevices, Kevin Tian\'s suggestion) does not ' +
    'help: the damage is done at the hot-add. The fix this model proposes (variant resetHotAddBlocked): a member ' +
    'probed while resetting_domain is set is attached to the blocking domain, and done re-attaches every member. ' +
    'See docs/FINDINGS.md.',
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['invariant'] },
  // arm-smmu-v3's ATC invalidation of the reprogrammed stream reaches the function in reset (H16).
  // intel-iommu programs an alias's context entry only where none is present (device_pasid_table_setup()
  // at probe), and ep0's is: ep1's attach writes its own PASID table, ep0's RID stays blocked
  expectByDriver: { smmuv3: { violations: ['invariant', 'invalidation-timeout'] }, vtd: { pass: true } },
  variants: [
    { patches: ['resetDoneAllDevices'], expect: { violations: ['invariant'] }, expectByDriver: { smmuv3: { violations: ['invariant', 'invalidation-timeout'] }, vtd: { pass: true } } },
    // on arm-smmu-v3 the cleanup's removal of ep1 parks its streams on abort, ep0's requester ID
    // (its alias) included, while ep0 stays on the default domain: I3, the alias sharing of
    // docs/FUZZING.md (the real driver refuses a second master with an aliasing stream ID)
    { patches: ['resetHotAddBlocked'], expect: { pass: true }, expectByDriver: { smmuv3: { violations: ['invariant'] } } },
  ],
});
