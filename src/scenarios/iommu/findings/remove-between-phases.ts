// Finding: a device removed while iommu_device_register() is between the two phases of
// bus_iommu_probe(). Its group, queued on bus_iommu_probe()'s local list, loses its last member
// and is freed; phase 2 then walks the list and locks the freed group.
import { iommuScenario } from '../build.js';

export const iommuRemoveBetweenPhases = iommuScenario({
  name: 'iommu-remove-between-phases',
  summary: 'finding: hot-remove between the bus_iommu_probe() phases frees a group still on the phase-2 list',
  description:
    'Phase 1 of bus_iommu_probe() puts ep0 in a new group and queues the group on a list local to ' +
    'bus_iommu_probe() (group->entry). ep0 is then removed (hot-unplug, BUS_NOTIFY_REMOVED_DEVICE) before phase 2: ' +
    'iommu_release_device() empties the group and drops the last reference, and iommu_group_release() frees it ' +
    'without looking at group->entry. Phase 2 walks the list and takes the freed group\'s mutex: a use-after-free. ' +
    'Reproduced with a pause point between the phases. See docs/FINDINGS.md.',
  topology: {
    iommus: [{ name: 'smmu0', registered: false }],
    pci: [{ name: 'ep0', bus: 0, slot: 11 }],
    defaultDomainType: 'dma',
    pausePoints: ['bus_iommu_probe:pci:phase2'],
  },
  threads: [
    { name: 'iommu-probe', ops: [{ op: 'register', iommu: 'smmu0' }] },
    {
      name: 'hot-remove',
      ops: [
        { op: 'wait', event: 'bus_iommu_probe:pci:phase2' },
        { op: 'remove', dev: 'ep0', expect: 0 },
        { op: 'signal', event: 'bus_iommu_probe:pci:phase2:resume' },
      ],
    },
  ],
  expect: { violations: ['use-after-free'] },
});
