// One DMA transaction through an IOMMU unit of any kind (hardware.md §4, reduced): the device issues
// it and the IOMMU reads its entries for the stream (and the PASID) in one step, then looks the
// IOVA up in the IOTLB and, on a miss, walks the IO page table and fills the IOTLB, in a second one
// (the window in which a table can be freed under the walk). A device in reset issues nothing.
// Walking a page table that was freed is a use-after-free of that memory by the IOMMU. A driver's
// change of the entry completes only once no transaction still uses the old one (what a real
// IOMMU's configuration invalidation and its fence guarantee): a transaction whose entry changed
// between its two steps is the one ordered after the change, and fetches the entry again.
//
// On SMMUv3 and VT-d a DMA is one step too (txn/atomic.ts), checked against authority(D) and page
// owners (below).
//
// H1 (DMA isolation) is checked in the second step, on what that step reads: a translation the
// IOTLB gave must be one the table still holds, unless the table's unmap is in its grace window
// (its invalidation has not completed: `IoPageTable.unflushed`, per IOVA range).
import { access, asOracle, deref, dmaIsolationViolation, dmaRead, type Gen, hwStep, hwStepDone } from '../sync/index.js';
import type { HwEndpoint } from './endpoint.js';
import { IoPageTable, ioPgtableTag } from './io-pgtable.js';
import { StreamTable } from './stream-table.js';
import type { HwTranslation } from './translation.js';
import { type AuthorityVerdict, authorityVerdict } from './check/authority.js';
import { walkedFreedTable } from './check/dma.js';
import { deviceDmaAtomic } from './txn/atomic.js';
import type { HwIommu, TranslationUnit } from './unit.js';

export type DmaResult =
  | { readonly kind: 'ok'; readonly pa: number; readonly via?: 'tlb' | 'walk' }
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
  for (;;) {
    const r = yield* mockDma(unit, ep, sid, pasid, iova);
    if (r !== REFETCH) return r;
  }
}

/** a mock transaction whose stream entry changed between its fetch and its walk: it fetches again */
const REFETCH = Symbol('refetch');

function* mockDma(
  unit: TranslationUnit,
  ep: HwEndpoint,
  sid: number,
  pasid: number | null,
  iova: number,
): Gen<DmaResult | typeof REFETCH> {
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
      if (!(unit instanceof StreamTable)) {
        const leaves = yield* dmaRead(table, 'leaves', 'iommu_walk_pgtable');
        for (const l of leaves.values()) if (iova >= l.iova && iova < l.iova + l.size) return { kind: 'ok', pa: l.paddr + iova - l.iova, via: 'walk' };
        return { kind: 'fault', reason: 'translation fault' };
      }
      return yield* tlbOrWalk(unit, table, iova, ep, sid, pasid);
    }
  }
}

/**
 * the IOTLB lookup and, on a miss, the walk and the fill: one step (a fill writes the IOTLB). It
 * reads the stream entry again: if a driver changed it since the fetch, the change has completed,
 * so this transaction is ordered after it and fetches the new entry (REFETCH)
 */
function* tlbOrWalk(
  unit: StreamTable,
  table: IoPageTable,
  iova: number,
  ep: HwEndpoint,
  sid: number,
  pasid: number | null,
): Gen<DmaResult | typeof REFETCH> {
  const tlb = unit.tlb;
  const tag = ioPgtableTag(table);
  const ste = access(unit.entry(sid), pasid === null ? 'rid' : 'pasids');
  const site = yield* hwStep(tlb, tlb.field(tag), 'write', 'iotlb_lookup+walk', [access(table, 'leaves'), access(table, 'unflushed'), ste]);
  const now = unit.installed(sid, pasid);
  if (now.kind !== 'translate' || now.table !== table) {
    hwStepDone(site);
    return REFETCH;
  }
  deref(table, 'io page table walked by the IOMMU');
  const hit = tlb.lookup(tag, iova);
  const walked = table.lookup(iova);
  let r: DmaResult;
  if (hit !== null) {
    const pa = hit.out + (iova - hit.iova);
    r = { kind: 'ok', pa, via: 'tlb' };
    // H1: a cached translation the table no longer gives, outside an unmap's grace window
    const fresh = walked === null ? null : walked.paddr + (iova - walked.iova);
    if (fresh !== pa && !table.unflushedAt(iova)) {
      dmaIsolationViolation(
        `${ep.label} DMA to IOVA 0x${iova.toString(16)} reached 0x${pa.toString(16)} through a stale IOTLB entry of ${table.label} ` +
        `(the table ${fresh === null ? 'maps nothing there' : `maps 0x${fresh.toString(16)}`}, and no invalidation is pending)`,
      );
    }
  } else if (walked !== null) {
    tlb.insert(tag, { iova: walked.iova, size: walked.size, out: walked.paddr, flags: walked.prot, root: -1 });
    r = { kind: 'ok', pa: walked.paddr + (iova - walked.iova), via: 'walk' };
  } else {
    r = { kind: 'fault', reason: 'translation fault' };
  }
  hwStepDone(site);
  return r;
}

/**
 * One DMA write through an SMMUv3 or VT-d unit, in one step (txn/atomic.ts), with H1 checked on
 * what it reached: per device, the page must be in authority(D) (check/authority.ts: the tables
 * the function's installed and cached configuration lead to; the step declares what that reads);
 * and a translated DMA must land on a page given to devices (a user page a live mapping pins, a
 * DMA-API buffer). Reaching a user page no mapping pins any more (its owner got it back after the
 * unmap returned), an IO page table, an IOMMU table, kernel memory or a free page is a
 * `dma-isolation` violation. Bypass is identity: all memory is the device's. The step declared the
 * landing page, so the reduction orders it with the pin and owner writes.
 */
function* dmaThroughHw(unit: HwIommu, ep: HwEndpoint, sid: number, pasid: number | null, iova: number): Gen<DmaResult> {
  const req = { pasid, iova, write: true };
  // H1 per device (check/authority.ts): decided in the DMA's step, on what the step declares
  let verdict: AuthorityVerdict | null = null;
  const r = yield* deviceDmaAtomic(unit, ep, sid, req, (p) => {
    verdict = asOracle(() => authorityVerdict(unit, ep, sid, req, p));
    return verdict.reads;
  });
  const problem = (verdict as AuthorityVerdict | null)?.problem ?? null;
  // H4: the walk read a frame that is no page table any more (a walk cache kept a freed table);
  // oracle code: its owner is the walked page's, which the step declared
  const freed = asOracle(() => walkedFreedTable(unit.mem, r));
  if (freed !== null) dmaIsolationViolation(`${ep.label} DMA to IOVA 0x${iova.toString(16)}: ${freed}`);
  switch (r.kind) {
    case 'ok':
      if (r.path.via === 'bypass') return { kind: 'bypass', pa: r.pa };
      // a translated request whose ATC entry an identity translation filled (VT-d PGTT=PT and
      // SMMUv3 S1DSS=bypass keep ATS on): identity, all memory is the device's, as for bypass. A
      // stale identity entry after a domain change is H1's ATC half (core/contracts.ts)
      if (r.path.via === 'atc' && ep.atc.lookup(pasid, iova)?.root === -1) return { kind: 'ok', pa: r.pa };
      if (problem !== null) dmaIsolationViolation(problem);
      else asOracle(() => isolation(unit, ep, iova, r.pa, r.path.via));
      return { kind: 'ok', pa: r.pa };
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

/** H1 on a translated DMA to physical address `pa` (reached through `via`: the TLB, a walk, the ATC) */
function isolation(unit: HwIommu, ep: HwEndpoint, iova: number, pa: number, via: string): void {
  const page = unit.mem.pageAt(pa);
  const owner = page.owner;
  if (owner.kind === 'dma' || (owner.kind === 'user' && page.pins > 0)) return;
  let what = `${owner.kind} memory (${owner.tag})`;
  if (owner.kind === 'user') what = `${owner.tag}, which no mapping pins any more (its user got it back after the unmap)`;
  else if (owner.kind === 'free') what = 'a free page';
  const through = via === 'tlb' ? 'the IOTLB' : via === 'atc' ? 'the device\'s ATC' : 'a page-table walk';
  dmaIsolationViolation(`${ep.label} DMA to IOVA 0x${iova.toString(16)} reached 0x${pa.toString(16)} through ${through} of ${unit.name}: ${what}`);
}
