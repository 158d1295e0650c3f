// Seed 003 / spec §5b: the three orders iommu_release_device() has had (patch releaseOrder), each
// checked against the race that ended it. `final` (v6.4/v6.5, the baseline) holds group->mutex
// across unlink, release_device and freeing the domains; `old` left the group first (race 2, and
// the last member's domains freed before release_device); `reversal2022` (9ac8545199a1) released
// the driver state first while the device was still a member (race 1).
import { iommuScenario } from '../build.js';

export const iommuReleaseOrder = iommuScenario({
  name: 'iommu-release-order',
  summary: 'seed 003: a device removed while VFIO detaches and frees the domain of its shared group (final order; old order: race 2)',
  description:
    'ep0 and ep1 share a group (one multifunction slot without ACS) owned by VFIO with domain D attached. ep0 is ' +
    'hot-removed while VFIO detaches the group and frees D. In the final order (v6.4/v6.5, ' +
    'the baseline) the removal is one group->mutex hold and nothing can go wrong. Variants: releaseOrder=old ' +
    '(before 9ac8545199a1) drops the mutex between leaving the group and ops->release_device(): VFIO\'s switch no ' +
    'longer sees ep0 and frees D under it, Jason Gunthorpe\'s race 2 (I5: ep0\'s RID still translates through the ' +
    'freed page table). The reproducer holds that window open until VFIO is done. The 2022 reversal is checked ' +
    'by iommu-release-last-member (see docs/FINDINGS.md for it against VFIO).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 10, fn: 0, multifunction: true },
      { name: 'ep1', bus: 0, slot: 10, fn: 1, multifunction: true },
    ],
    defaultDomainType: 'dma',
    // the search starts where the IOMMU core takes over the removal (device_del()'s own steps
    // cannot race VFIO's group operations), and the old order's window is held open until VFIO
    // is done (a reproducer's delay)
    pausePoints: ['iommu_release_device', 'iommu_release_device:window'],
  },
  prologue: [
    { op: 'bind', dev: 'ep1', driverManagedDma: true },
    { op: 'claim', dev: 'ep1', owner: 'vfio', group: true },
    { op: 'domainAlloc', dev: 'ep1', domain: 'D' },
    { op: 'attach', dev: 'ep1', domain: 'D', api: 'group' },
  ],
  threads: [
    { name: 'remove', ops: [{ op: 'remove', dev: 'ep0', expect: 0 }] },
    {
      name: 'vfio',
      ops: [
        { op: 'wait', event: 'iommu_release_device' },
        { op: 'signal', event: 'iommu_release_device:resume' },
        { op: 'detach', dev: 'ep1', domain: 'D', api: 'group', expect: 0 },
        { op: 'domainFree', domain: 'D', expect: 0 },
        // the historical orders' window stays open until here
        { op: 'signal', event: 'iommu_release_device:window:resume' },
      ],
    },
  ],
  expect: { pass: true },
  variants: [
    { patches: [{ releaseOrder: 'old' }], expect: { violations: ['invariant'] } },
  ],
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
    { patches: [{ releaseOrder: 'old' }], expect: { violations: ['invariant'] } },
    { patches: [{ releaseOrder: 'reversal2022' }], expect: { violations: ['invariant'] } },
  ],
});
