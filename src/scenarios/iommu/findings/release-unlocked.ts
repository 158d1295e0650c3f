// Seed 003 / spec §5b race 2: the historical release order that dropped group->mutex between
// unlinking a device and ops->release_device(). Another user of the group switches it and frees
// the domain the departing device is still attached to in that window.
import { iommuScenario } from '../build.js';

export const iommuReleaseUnlocked = iommuScenario({
  name: 'iommu-release-unlocked',
  summary: 'historical release order (mutex dropped before release_device): the domain is freed under it',
  description:
    'Patch releaseUnlockBeforeReleaseDevice (Jason Gunthorpe\'s race 2, Sep 2022). ep0 and ep1 share a group owned ' +
    'by VFIO with domain D attached. ep0 is removed: it is unlinked under the mutex, the mutex is dropped (held ' +
    'there by a pause point), and VFIO detaches, releases the group and frees D. The switch did not see ep0, whose ' +
    'RID still translates through D\'s freed page table: the I5 oracle stops the execution there. Past it, ' +
    'release_device(ep0) would drop the driver\'s reference to D, a use-after-free. The baseline holds the mutex ' +
    'across both (the v6.4/v6.5 fix).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 10, fn: 0, multifunction: true },
      { name: 'ep1', bus: 0, slot: 10, fn: 1, multifunction: true },
    ],
    defaultDomainType: 'dma',
    pausePoints: ['iommu_release_device:unlocked'],
  },
  patches: ['releaseUnlockBeforeReleaseDevice'],
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
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
        { op: 'wait', event: 'iommu_release_device:unlocked' },
        { op: 'detach', dev: 'ep1', domain: 'D', api: 'group', expect: 0 },
        { op: 'releaseOwner', dev: 'ep1', group: true, expect: 0 },
        { op: 'domainFree', domain: 'D', expect: 0 },
        { op: 'signal', event: 'iommu_release_device:unlocked:resume' },
      ],
    },
  ],
  expect: { violations: ['invariant', 'driver-contract'] },
});
