// One DMA transaction through a stream table IOMMU (hardware.md §4, reduced): the IOMMU reads
// the stream entry for the requester (and the PASID entry), then walks the IO page table.
// A device in reset issues nothing. Walking a page table that was freed is a use-after-free of
// that memory by the IOMMU.
import { deref, dmaRead, type Gen } from '../sync/index.js';
import type { HwEndpoint } from './endpoint.js';
import type { StreamTable } from './stream-table.js';
import type { HwTranslation } from './translation.js';

export type DmaResult =
  | { readonly kind: 'ok'; readonly pa: number }
  | { readonly kind: 'bypass'; readonly pa: number }
  | { readonly kind: 'fault'; readonly reason: string }
  | { readonly kind: 'abort' }
  | { readonly kind: 'not-issued' };

export function* dmaAccess(unit: StreamTable, ep: HwEndpoint, sid: number, pasid: number | null, iova: number): Gen<DmaResult> {
  const inReset = yield* dmaRead(ep, 'inReset', 'dma_issue');
  if (inReset) return { kind: 'not-issued' };
  const ste = unit.entry(sid);
  let t: HwTranslation;
  if (pasid === null) {
    t = yield* dmaRead(ste, 'rid', 'iommu_walk_ste');
  } else {
    const pasids = yield* dmaRead(ste, 'pasids', 'iommu_walk_pasid');
    t = pasids.get(pasid) ?? { kind: 'abort' };
  }
  switch (t.kind) {
    case 'none':
    case 'bypass':
      return { kind: 'bypass', pa: iova };
    case 'abort':
      return { kind: 'abort' };
    case 'translate': {
      const table = deref(t.table, 'io page table walked by the IOMMU');
      const leaves = yield* dmaRead(table, 'leaves', 'iommu_walk_pgtable');
      for (const l of leaves.values()) if (iova >= l.iova && iova < l.iova + l.size) return { kind: 'ok', pa: l.paddr + iova - l.iova };
      return { kind: 'fault', reason: 'translation fault' };
    }
  }
}
