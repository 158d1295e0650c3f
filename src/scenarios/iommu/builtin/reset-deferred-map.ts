// Seed 000: a deferred device's first DMA map during its reset. iommu_deferred_attach() refuses
// with -EBUSY while group->resetting_domain is set, which fails the DMA mapping; the thread
// accepts that ("there is nothing more we can do here"). Without that hunk the first map
// attaches the default domain under the reset.
import { DMA_MAPPING_ERROR_RESULT } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';

export const iommuResetVsDeferredMap = iommuScenario({
  name: 'iommu-reset-vs-deferred-map',
  summary: 'seed 000: a deferred device\'s first DMA map during its reset fails (-EBUSY in iommu_deferred_attach), never unblocks it',
  description:
    'An ATS function whose IOMMU attach is deferred to its first DMA map (is_attach_deferred, as for kdump) has a ' +
    'DMA-API driver, which maps its first buffer while the function is reset (FLR). When the lockless ' +
    'attach_deferred test passes before prepare and the mutex is taken after it, iommu_deferred_attach() returns ' +
    '-EBUSY and the mapping fails (DMA_MAPPING_ERROR: dma_map_page() hands back no errno), which seed 000 accepts; otherwise the map ' +
    'attaches before the reset or finds the flag cleared by prepare. Variant resetFence=withoutDeferred (the ' +
    'explicit attach paths fenced, not this one) attaches the default domain under the reset: the function is ' +
    'translating, ATS on, while in reset (I9).',
  topology: {
    iommus: [{ name: 'smmu0' }],
    mock: { deferredAttach: ['ep0'] },
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [{ op: 'bind', dev: 'ep0' }],
  threads: [
    { name: 'driver', ops: [{ op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'buf', expect: [0, DMA_MAPPING_ERROR_RESULT] }] },
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
  ],
  // F21: a reset between the lockless test and the mutex has attached the RID already; the map
  // attaches again with old = NULL (driver-contract). Fixed by re-testing under the mutex.
  expect: { violations: ['driver-contract'] },
  // arm-smmu-v3 and intel-iommu never defer an attach here
  expectByDriver: { smmuv3: { pass: true }, vtd: { pass: true } },
  variants: [
    {
      patches: [{ resetFence: 'withoutDeferred' }],
      expect: { violations: ['invariant', 'driver-contract'] },
      // arm-smmu-v3 and intel-iommu (kdump's copied tables aside) never defer an attach: no deferred attach to let through
      expectByDriver: { smmuv3: { pass: true }, vtd: { pass: true } },
    },
    { patches: ['deferredAttachRecheck'], expect: { pass: true } },
  ],
});
