// One DMA transaction through a stream table IOMMU (hardware.md §4, reduced): the device issues
// it and the IOMMU reads the stream entry (and the PASID entry) in one step, then walks the IO
// page table in a second one (the window in which a table can be freed under the walk).
// A device in reset issues nothing. Walking a page table that was freed is a use-after-free of
// that memory by the IOMMU.
import { access, deref, dmaRead, type Gen } from '../sync/index.js';
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
  // the transaction leaves the device (unless it is in reset) and the IOMMU fetches its stream
  // entry: one step, which reads both
  const ste = unit.entry(sid);
  const issuing = [access(ep, 'inReset')];
  let t: HwTranslation;
  if (pasid === null) {
    t = yield* dmaRead(ste, 'rid', 'dma_issue+ste_fetch', issuing);
  } else {
    const pasids = yield* dmaRead(ste, 'pasids', 'dma_issue+pasid_fetch', issuing);
    t = pasids.get(pasid) ?? { kind: 'abort' };
  }
  if (ep.inReset) return { kind: 'not-issued' };
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
