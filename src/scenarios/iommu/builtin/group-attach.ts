// Two devices of one group (two functions of a multifunction slot without ACS), each driven by
// its own thread the way an owner drives a device: attach the owner's domain to the group,
// detach it. Both devices are claimed by the same owner beforehand.
import { EBUSY, ENOENT } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';
import type { Op } from '../spec.js';

function user(dev: string): Op[] {
  return [
    // the first claim switches the group to the blocking domain; the second is counted
    { op: 'claim', dev, owner: 'iommufd', expect: 0 },
    // the group is on the owner's domain already (the other device attached it): -EBUSY
    { op: 'attach', dev, domain: 'D', api: 'group', expect: [0, -EBUSY] },
    { op: 'detach', dev, domain: 'D', api: 'group', expect: [0, -ENOENT] },
  ];
}

export const iommuGroupAttachDetach = iommuScenario({
  name: 'iommu-group-attach-detach',
  summary: 'two devices of one group attached and detached concurrently',
  description:
    'Two functions of one multifunction slot without ACS share a group; both are bound to vfio-pci. Each thread ' +
    'claims its device with the same owner token (claims are counted), attaches the owner\'s domain to the group ' +
    'and detaches it (the claims are released by the cleanup). The second attach of a group already on a foreign ' +
    'domain gets -EBUSY; a detach returns the whole group to the blocking domain. Every member must be on ' +
    'group->domain at every stable point.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 3, fn: 0, multifunction: true },
      { name: 'ep1', bus: 0, slot: 3, fn: 1, multifunction: true },
    ],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'bind', dev: 'ep1', driverManagedDma: true },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
  ],
  threads: [
    { name: 'user0', ops: user('ep0') },
    { name: 'user1', ops: user('ep1') },
  ],
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'user0', after: 1 },
  expect: { pass: true },
});
