// One DMA transaction through an IOMMU unit of any kind (hardware.md §4, reduced): the device issues
// it and the IOMMU reads its entries for the stream (and the PASID) in one step, then walks the IO
// page table in a second one (the window in which a table can be freed under the walk).
// A device in reset issues nothing. Walking a page table that was freed is a use-after-free of
// that memory by the IOMMU.
import { access, deref, dmaRead, type Gen } from '../sync/index.js';
import type { HwEndpoint } from './endpoint.js';
import { IoPageTable } from './io-pgtable.js';
import type { HwTranslation } from './translation.js';
import { deviceDma } from './txn/device.js';
import type { HwIommu, TranslationUnit } from './unit.js';

export type DmaResult =
  | { readonly kind: 'ok'; readonly pa: number }
  | { readonly kind: 'bypass'; readonly pa: number }
  | { readonly kind: 'fault'; readonly reason: string }
  | { readonly kind: 'abort' }
  | { readonly kind: 'not-issued' };

export function* dmaAccess(
  unit: TranslationUnit,
  ep: HwEndpoint,
  sid: number,
  pasid: number | null,
  iova: number,
): Gen<DmaResult> {
  // a unit with caches and a DMA path of its own (SMMUv3, VT-d): the device side of txn/device.ts
  if ('transact' in unit) return yield* dmaThroughHw(unit as HwIommu, ep, sid, pasid, iova);
  // the transaction leaves the device (unless it is in reset) and the IOMMU fetches its entries:
  // one step, which reads both
  const t: HwTranslation = yield* unit.dmaFetch(sid, pasid, [access(ep, 'inReset')]);
  if (ep.inReset) return { kind: 'not-issued' };
  switch (t.kind) {
    case 'none':
    case 'bypass':
      return { kind: 'bypass', pa: iova };
    case 'abort':
      return { kind: 'abort' };
    case 'nested':
      return { kind: 'fault', reason: 'nested translation (not a mock IOMMU configuration)' };
    case 'translate': {
      if (!(t.table instanceof IoPageTable)) return { kind: 'fault', reason: 'not a mock IO page table' };
      const table = deref(t.table, 'io page table walked by the IOMMU');
      const leaves = yield* dmaRead(table, 'leaves', 'iommu_walk_pgtable');
      for (const l of leaves.values()) if (iova >= l.iova && iova < l.iova + l.size) return { kind: 'ok', pa: l.paddr + iova - l.iova };
      return { kind: 'fault', reason: 'translation fault' };
    }
  }
}

/** one DMA write through an SMMUv3 or VT-d unit, step by step (ATC, ATS, caches, walk), in the terms above */
function* dmaThroughHw(unit: HwIommu, ep: HwEndpoint, sid: number, pasid: number | null, iova: number): Gen<DmaResult> {
  const r = yield* deviceDma(unit, ep, sid, { pasid, iova, write: true });
  switch (r.kind) {
    case 'ok':
      return r.path.via === 'bypass' ? { kind: 'bypass', pa: r.pa } : { kind: 'ok', pa: r.pa };
    case 'fault':
      return { kind: 'fault', reason: r.reason };
    case 'abort':
      return { kind: 'abort' };
    case 'ats':
      return { kind: 'fault', reason: 'a translation completion where a transfer was issued' };
    case 'not-issued':
      return { kind: 'not-issued' };
  }
}
