// Hot-add of a device into a group that already has an owner's domain attached, while the
// group's other device keeps doing DMA through that domain.
import { iommuScenario } from '../build.js';

export const iommuHotAddIntoGroup = iommuScenario({
  name: 'iommu-hotadd-into-group',
  summary: 'hot-add into a group on an external domain while its other member does DMA',
  description:
    'Function 0 of a multifunction slot is owned by VFIO with an external domain attached and mapped; function 1 ' +
    'is hot-added. Probing it finds the existing group through the multifunction rule and attaches the new device ' +
    'to group->domain (old = NULL), not to the default domain. Meanwhile function 0 DMAs through the domain and ' +
    'must always reach the mapped page. Afterwards the new device is on the external domain too (I3).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 4, fn: 0, multifunction: true },
      { name: 'ep1', bus: 0, slot: 4, fn: 1, multifunction: true, present: false },
    ],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'vfio' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
    { op: 'map', domain: 'D', iova: 0x40000, paddr: 0x500000, size: 0x1000 },
    { op: 'attach', dev: 'ep0', domain: 'D', api: 'group' },
  ],
  threads: [
    { name: 'hotplug', ops: [{ op: 'hotAdd', dev: 'ep1', expect: 0 }] },
    { name: 'dma', ops: [{ op: 'dma', dev: 'ep0', iova: 0x40000, expect: 0 }] },
  ],
  epilogue: [{ op: 'dma', dev: 'ep1', iova: 0x40000, expect: 0 }],
  expect: { pass: true },
});
