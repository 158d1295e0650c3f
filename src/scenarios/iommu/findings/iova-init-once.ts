// Finding F5 followed through (spec §4.3, iommu_setup_dma_ops()): iommu_dma_init_domain() runs
// once per domain, keyed on start_pfn, which init_iova_domain() sets before the rcache
// allocation that can fail. After that failure the first device falls back to dma-direct on a
// translating domain (F5); the next device that shares the domain is told the init succeeded,
// without rcaches, and its first DMA map dereferences them.
import { EFAULT } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuIovaInitOnce = iommuScenario({
  name: 'iommu-iova-init-once',
  summary: 'finding F5 followed: after a failed IOVA init, a device hot-added into the group maps through a domain without rcaches',
  description:
    'Under the fail_nth sweep: the IOMMU registers with ep0 present; ep0\'s driver binds and DMAs; then ep1, the ' +
    'other function of ep0\'s slot (same group, same DMA default domain), is hot-added, bound and DMAs. When the ' +
    'point that fails is the IOVA rcache allocation of ep0\'s iommu_dma_init_domain() (at phase 2 of ' +
    'bus_iommu_probe()), ep0 falls back to dma-direct on a translating domain and its DMA faults (F5). start_pfn ' +
    'was set before that allocation, so ep1\'s iommu_dma_init_domain() returns 0: ep1 gets iommu-dma over an IOVA ' +
    'domain without rcaches (and without its reserved regions reserved), and its first dma_map_page() ' +
    'dereferences the NULL rcaches in alloc_iova_fast(). Other points give F4 (a failed hot-add probe, then the ' +
    'bind WARNs). See docs/FINDINGS.md.',
  topology: {
    iommus: [{ name: 'smmu0', registered: false }],
    pci: [
      { name: 'ep0', bus: 0, slot: 5, fn: 0, multifunction: true },
      { name: 'ep1', bus: 0, slot: 5, fn: 1, multifunction: true, present: false },
    ],
    defaultDomainType: 'dma',
  },
  threads: [
    {
      name: 'lifecycle',
      ops: [
        { op: 'register', iommu: 'smmu0' },
        { op: 'bind', dev: 'ep0' },
        { op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'b0' },
        // faults when ep0 fell back to dma-direct (F5); the lifecycle goes on to ep1
        { op: 'dma', dev: 'ep0', handle: 'b0', expect: [0, -EFAULT] },
        { op: 'hotAdd', dev: 'ep1' },
        { op: 'bind', dev: 'ep1' },
        { op: 'dmaMap', dev: 'ep1', paddr: 0x200000, as: 'b1' },
        { op: 'dma', dev: 'ep1', handle: 'b1' },
      ],
    },
  ],
  faults: { mode: 'nth', nth: 1 },
  expect: { violations: ['warn', 'dma-isolation', 'null-deref'] },
  // intel-iommu: a failed attach leaves the RID blocked (F16), and the next attach's old is what the
  // core kept: the driver contracts report it. arm-smmu-v3: when ep1's hot-add probe fails after
  // iommu_init_device() (n27: iommu_group_alloc_device()), the unwind's iommu_deinit_device()
  // attaches the release domain with old = group->domain, which ep1 was never attached to (its
  // STE is still the probe's abort): the contracts report that old (docs/FUZZING.md, triage)
  expectByDriver: {
    vtd: { violations: ['warn', 'dma-isolation', 'null-deref', 'driver-contract'] },
    smmuv3: { violations: ['warn', 'dma-isolation', 'null-deref', 'driver-contract'] },
  },
});
