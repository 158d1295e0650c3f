// A device keeps issuing DMA to an IOVA while its owner unmaps it (hardware.md §3.3-§3.5, §6 H1,
// H2). The device's earlier DMA left the translation in the IOTLB; the unmap clears the PTE and
// iotlb_sync invalidates the IOTLB before iommu_unmap() returns. A DMA in between may still hit
// the cached entry (the grace window); after the return none may. The twin runs with the
// driver's invalidation toggled off (patch `mockNoIotlbInvalidate`): the entry survives, the
// unmap returns with it cached (H2), and the next DMA reaches the unmapped page (H1).
import { EFAULT } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec } from '../spec.js';

const base: Omit<IommuScenarioSpec, 'name' | 'summary' | 'description' | 'expect'> = {
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 2 }],
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
    { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x200000, size: 0x1000 },
    { op: 'attach', dev: 'ep0', domain: 'D', api: 'group' },
    // the walk fills the IOTLB
    { op: 'dma', dev: 'ep0', iova: 0x10000, expect: 0 },
  ],
  threads: [
    { name: 'user', ops: [{ op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000, expect: 0 }] },
    // before the unmap (or in its grace window) the page is reached, after it the DMA faults
    {
      name: 'device',
      ops: [
        { op: 'dma', dev: 'ep0', iova: 0x10000, expect: [0, -EFAULT] },
        { op: 'dma', dev: 'ep0', iova: 0x10000, expect: [0, -EFAULT] },
      ],
    },
  ],
};

export const iommuUnmapVsDma = iommuScenario({
  ...base,
  name: 'iommu-unmap-vs-dma',
  summary: 'a device DMAs through a cached translation while its owner unmaps it (H1, H2 hold)',
  description:
    'iommufd maps one page of D and attaches ep0; a DMA fills the IOTLB. Then the owner unmaps the page while the ' +
    'device issues two more DMAs. A DMA may hit the cached entry until the driver\'s iotlb_sync has invalidated ' +
    'it (the unmap\'s grace window); once iommu_unmap() returns no cache may hold it (H2) and no DMA may reach the ' +
    'page (H1).',
  expect: { pass: true },
});

export const iommuUnmapNoTlbi = iommuScenario({
  ...base,
  name: 'iommu-unmap-no-tlbi',
  summary: 'the same with the driver\'s IOTLB invalidation toggled off: stale translation, DMA reaches the unmapped page',
  description:
    'iommu-unmap-vs-dma with patch mockNoIotlbInvalidate: the mock\'s iotlb_sync forgets its TLBI. iommu_unmap() ' +
    'returns with the page still in the IOTLB (stale-translation, H2) and a DMA after it reaches the unmapped ' +
    'page through the stale entry (dma-isolation, H1).',
  patches: ['mockNoIotlbInvalidate'],
  expect: { violations: ['stale-translation', 'dma-isolation'] },
  // arm-smmu-v3 and intel-iommu skip their unmap flush too; the DMA after the unmap lands on the
  // page iommufd unpinned (H1 on page owners, hw/dma.ts). H2 at the flush is the mock's check only.
  expectByDriver: { smmuv3: { violations: ['dma-isolation'] }, vtd: { violations: ['dma-isolation'] } },
});
