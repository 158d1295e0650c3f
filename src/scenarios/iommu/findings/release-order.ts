// Seed 003 / spec §5b: the three orders iommu_release_device() has had (patch releaseOrder), each
// checked against the race that ended it. `final` (v6.4/v6.5, the baseline) holds group->mutex
// across unlink, release_device and freeing the domains; `old` left the group first (race 2, and
// the last member's domains freed before release_device); `reversal2022` (9ac8545199a1) released
// the driver state first while the device was still a member (race 1).
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec } from '../spec.js';

const sharedGroup: Pick<IommuScenarioSpec, 'prologue'> & { pci: NonNullable<IommuScenarioSpec['topology']['pci']> } = {
  pci: [
    { name: 'ep0', bus: 0, slot: 10, fn: 0, multifunction: true },
    { name: 'ep1', bus: 0, slot: 10, fn: 1, multifunction: true },
  ],
  prologue: [
    { op: 'bind', dev: 'ep1', driverManagedDma: true },
    { op: 'claim', dev: 'ep1', owner: 'vfio', group: true },
    { op: 'domainAlloc', dev: 'ep1', domain: 'D' },
    { op: 'attach', dev: 'ep1', domain: 'D', api: 'group' },
  ],
};

export const iommuReleaseOrder = iommuScenario({
  name: 'iommu-release-order',
  summary: 'seed 003: a device removed while VFIO detaches and frees the domain of its shared group, in the three release orders',
  description:
    'ep0 and ep1 share a group (one multifunction slot without ACS) owned by VFIO with domain D attached. ep0 is ' +
    'hot-removed while VFIO detaches the group and frees D. In the final order (v6.4/v6.5, the baseline) unlink, ' +
    'ops->release_device() and the domain frees are one group->mutex hold: VFIO\'s switch and free come wholly ' +
    'before (ep0 was switched away from D) or wholly after (the driver no longer references D). Variant ' +
    'releaseOrder=old: VFIO\'s switch and free fit between ep0 leaving the group and release_device(), which ' +
    'then drops its reference to the freed D (Jason Gunthorpe\'s race 2; use-after-free), and the cleanup\'s ' +
    'removal of the last member frees the default domain under it (I5). Variant releaseOrder=reversal2022: ' +
    'release_device() runs first with no lock, so the group holds a member whose driver state is gone (I3), and ' +
    'VFIO\'s attach races release_device() in the driver (use-after-free). iommu-release-unlocked pins race 2.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: sharedGroup.pci,
    defaultDomainType: 'dma',
  },
  prologue: sharedGroup.prologue,
  threads: [
    { name: 'remove', ops: [{ op: 'remove', dev: 'ep0', expect: 0 }] },
    {
      name: 'vfio',
      ops: [
        { op: 'detach', dev: 'ep1', domain: 'D', api: 'group', expect: 0 },
        { op: 'domainFree', domain: 'D', expect: 0 },
      ],
    },
  ],
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'vfio', after: 0 },
  expect: { pass: true },
  variants: [
    // the historical orders as the driver contracts see them: ops->free of a domain the hardware
    // still translates through (old), attach_dev with an old the released RID is no longer on and
    // the MUST_SUCCEED switch the released device refuses (reversal2022).
    // the modeled drivers (6.18) rely on the core attaching ops->release_domain before
    // release_device; these historical orders never do: the driver is younger than these cores,
    // not a finding. arm-smmu-v3: the released master's STE still translates through D's freed
    // table (I5, which also stops the execution before the master's leak shows); intel-iommu:
    // domain_free() WARNs and keeps D, still on released ep0's device list (leak)
    {
      patches: [{ releaseOrder: 'old' }],
      expect: { violations: ['invariant', 'use-after-free', 'driver-contract'] },
      expectByDriver: { smmuv3: { violations: ['invariant', 'driver-contract'] }, vtd: { violations: ['warn', 'leak', 'assertion', 'driver-contract'] } },
    },
    {
      patches: [{ releaseOrder: 'reversal2022' }],
      expect: { violations: ['invariant', 'use-after-free', 'driver-contract', 'warn'] },
      // intel-iommu: release_device() clears ep0's context entry while ep0 is still D's member: I3
      // at that write, before VFIO's switch can reach the freed device_domain_info
      expectByDriver: {
        smmuv3: { violations: ['invariant', 'driver-contract', 'null-deref', 'use-after-free'] },
        vtd: { violations: ['invariant', 'use-after-free', 'driver-contract'] },
      },
    },
  ],
});

export const iommuReleaseUnlocked = iommuScenario({
  name: 'iommu-release-unlocked',
  summary: 'seed 003, race 2: in the old release order VFIO switches and frees the domain while the device is between the two halves',
  description:
    'Patch releaseOrder=old (before 9ac8545199a1; Jason Gunthorpe\'s race 2, Sep 2022). As iommu-release-order: ' +
    'ep0 is removed while VFIO detaches the group and frees D. The old order unlinks ep0 under the mutex, drops ' +
    'it, and only then calls ops->release_device(); the reproducer holds that window until VFIO is done. VFIO\'s ' +
    'switch no longer sees ep0, whose RID still translates through D\'s page table when D is freed (I5). Past it, ' +
    'release_device(ep0) would drop the driver\'s reference to D, a use-after-free. The baseline holds the mutex ' +
    'across both (iommu-release-order).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: sharedGroup.pci,
    defaultDomainType: 'dma',
    pausePoints: ['iommu_release_device:window'],
  },
  patches: [{ releaseOrder: 'old' }],
  prologue: sharedGroup.prologue,
  threads: [
    { name: 'remove', ops: [{ op: 'remove', dev: 'ep0', expect: 0 }] },
    {
      name: 'vfio',
      ops: [
        { op: 'wait', event: 'iommu_release_device:window' },
        { op: 'detach', dev: 'ep1', domain: 'D', api: 'group', expect: 0 },
        { op: 'domainFree', domain: 'D', expect: 0 },
        { op: 'signal', event: 'iommu_release_device:window:resume' },
      ],
    },
  ],
  expect: { violations: ['invariant', 'driver-contract'] },
  // the 2022 reversal has its window too (driver state released, still a member): the group holds a
  // released member at a stable point (I3) before VFIO acts. The final order has no window: there
  // the reproducer's wait would never end.
  // on arm-smmu-v3 the old order is I5 as on the mock (the released master's STE on D's freed
  // table); the reversal's window is the released master itself (VFIO's switch dereferences its
  // cleared dev_iommu_priv: null-deref). intel-iommu: as iommu-release-order's old order
  // (domain_free() keeps D: warn, leak)
  expectByDriver: { vtd: { violations: ['warn', 'leak', 'assertion', 'driver-contract'] } },
  variants: [{ patches: [{ releaseOrder: 'reversal2022' }], expect: { violations: ['invariant'] }, expectByDriver: { smmuv3: { violations: ['null-deref'] } } }],
});

export const iommuReleaseLastMember = iommuScenario({
  name: 'iommu-release-last-member',
  summary: 'seed 003: the last device of a group is removed, in the three release orders',
  description:
    'ep0, alone in its group with a DMA default domain and a DMA-API driver, is hot-removed. In the old order ' +
    '(releaseOrder=old, before 9ac8545199a1) leaving the group drops its last reference, iommu_group_release() ' +
    'frees the default domain while ep0 is still attached to it, and only then ops->release_device() runs (the ' +
    'use-after-free 9ac8545199a1 fixed: I5, ep0\'s RID translates through the freed page table). The 2022 ' +
    'reversal and the final order release the driver state first.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 4 }],
    defaultDomainType: 'dma',
  },
  prologue: [{ op: 'bind', dev: 'ep0' }],
  threads: [{ name: 'remove', ops: [{ op: 'remove', dev: 'ep0', expect: 0 }] }],
  expect: { pass: true },
  variants: [
    // no release_domain in these orders (see iommu-release-order): on arm-smmu-v3 ep0's STE still
    // translates through the freed default domain's table (I5, as on the mock)
    {
      patches: [{ releaseOrder: 'old' }],
      expect: { violations: ['invariant', 'driver-contract'] },
      // intel-iommu: the group's release frees the default domain with ep0 on it: WARN, kept (leak).
      // arm-smmu-v3: the DMA --driver adds walks the freed table the STE still points at (H4)
      expectByDriver: { smmuv3: { violations: ['invariant', 'driver-contract', 'dma-isolation'] }, vtd: { violations: ['warn', 'leak', 'assertion', 'driver-contract'] } },
    },
    {
      patches: [{ releaseOrder: 'reversal2022' }],
      expect: { violations: ['invariant'] },
      expectByDriver: { smmuv3: { violations: ['invariant', 'driver-contract', 'dma-isolation'] } },
    },
  ],
});
