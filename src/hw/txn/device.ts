// The device side of a DMA (hardware.md §4, §4.4): a function issues a request as a step of its
// own thread. In reset it issues nothing. Without ATS the request goes to the IOMMU untranslated.
// With ATS enabled it looks in its ATC first: a hit is sent as a translated request; a miss is a
// translation request, whose completion the function caches (unless an ATS invalidation reached
// it meanwhile: then it starts over) before sending the translated request. A completed fence
// that overtook the transaction restarts it from the top (fence-log.ts).
import type { HwEndpoint } from '../endpoint.js';
import { PTE_READ, PTE_WRITE } from '../pgtable/pte.js';
import { IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';
import { runNow } from '../pgtable/pgtable.js';
import { MODE_FRESH, MODE_PROBE } from './mode.js';
import type { HwIommu } from '../unit.js';
import { type Gen, hwStep } from '../../sync/index.js';
import { DmaCtx, type DmaRequest, type DmaResult, NOT_ISSUED, RESTART, type Restart, type Txn } from './txn.js';

/** a transaction of the request (one property order everywhere: monomorphic for the fast paths) */
function txnOf(sid: number, req: DmaRequest, at: Txn['at'], iova = req.iova): Txn {
  return { sid, pasid: req.pasid, iova, write: req.write, at };
}

function granted(prot: number, write: boolean): boolean {
  return (prot & (write ? IOMMU_WRITE : IOMMU_READ)) !== 0;
}

function* attempt(
  unit: HwIommu,
  ep: HwEndpoint,
  sid: number,
  req: DmaRequest,
  ctx: DmaCtx,
  stepped: boolean,
): Gen<DmaResult | Restart> {
  const send = (txn: Txn): Gen<DmaResult | Restart> => (stepped ? unit.transact(ctx, txn) : once(unit, txn));
  if (!(ep.atsCapable && ep.atsEnabled)) return yield* send(txnOf(sid, req, 'untranslated'));
  ep.atc.used(ctx.used);
  const seen = ep.atc.gens.of(0);
  const hit = ep.atc.lookup(req.pasid, req.iova);
  if (hit !== null && (hit.flags & (req.write ? PTE_WRITE : PTE_READ)) !== 0) {
    return yield* send(txnOf(sid, req, 'translated', hit.out + (req.iova - hit.iova)));
  }
  const t = yield* send(txnOf(sid, req, 'translation-request'));
  if (t === RESTART || t.kind !== 'ats') return t;
  if (!granted(t.prot, req.write)) return { kind: 'fault', reason: 'ATS translation completion grants no access', code: 0, recorded: false, path: t.path };
  if (stepped) yield* hwStep(ep, 'atc', 'write', 'atc_fill');
  if (ep.inReset) return NOT_ISSUED;
  if (ep.atc.gens.of(0) !== seen) return RESTART;
  const base = Math.floor(req.iova / t.size) * t.size;
  const flags = ((t.prot & IOMMU_READ) !== 0 ? PTE_READ : 0) | ((t.prot & IOMMU_WRITE) !== 0 ? PTE_WRITE : 0) | 1;
  // the provenance of the entry: the (last-stage) table the translation request walked from
  ep.atc.insert(req.pasid, { iova: base, size: t.size, out: t.pa, flags, root: t.path.root });
  return yield* send(txnOf(sid, req, 'translated', t.pa + (req.iova - base)));
}

function* once(unit: HwIommu, txn: Txn): Gen<DmaResult> {
  return unit.transactNow(txn);
}

/**
 * One DMA transaction (up to a page, not crossing one) from function `ep` at stream `sid`, as
 * steps of the calling (device) thread: the first step reads the function's state (reset, ATS,
 * ATC); every IOMMU read is a step of its own.
 */
export function* deviceDma(unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest): Gen<DmaResult> {
  for (;;) {
    const ctx = new DmaCtx();
    yield* hwStep(ep, null, 'dma', 'dma_issue');
    if (ep.inReset) return NOT_ISSUED;
    const r = yield* attempt(unit, ep, sid, req, ctx, true);
    if (r !== RESTART) return r;
  }
}

/** the same at once (no steps; the unit's fast path) */
export function deviceDmaNow(unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest): DmaResult {
  if (ep.inReset) return NOT_ISSUED;
  if (!(ep.atsCapable && ep.atsEnabled)) return unit.transactNow(txnOf(sid, req, 'untranslated'));
  const hit = ep.atc.lookup(req.pasid, req.iova);
  if (hit !== null && (hit.flags & (req.write ? PTE_WRITE : PTE_READ)) !== 0) return unit.transactNow(txnOf(sid, req, 'translated', hit.out + (req.iova - hit.iova)));
  return runNow(attempt(unit, ep, sid, req, new DmaCtx(), false)) as DmaResult;
}

/** a transfer of `len` bytes: one transaction per page it touches; stops at the first that fails */
export function* deviceDmaTransfer(unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest, len: number): Gen<DmaResult[]> {
  const out: DmaResult[] = [];
  let iova = req.iova;
  const end = req.iova + len;
  while (iova < end) {
    const r = yield* deviceDma(unit, ep, sid, { ...req, iova });
    out.push(r);
    if (r.kind !== 'ok') break;
    iova = Math.floor(iova / 4096) * 4096 + 4096;
  }
  return out;
}

/**
 * What a DMA from `ep` would get now, changing nothing: the function's ATC, then the unit's caches
 * and tables (`fresh`: neither the ATC nor the unit's caches, only what memory says).
 */
export function deviceDmaProbe(unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest, fresh = false): DmaResult {
  if (ep.inReset) return NOT_ISSUED;
  const mode = fresh ? MODE_FRESH : MODE_PROBE;
  if (!fresh && ep.atsCapable && ep.atsEnabled) {
    const hit = ep.atc.lookup(req.pasid, req.iova);
    if (hit !== null && (hit.flags & (req.write ? PTE_WRITE : PTE_READ)) !== 0) {
      return unit.probeWith(txnOf(sid, req, 'translated', hit.out + (req.iova - hit.iova)), mode);
    }
  }
  return unit.probeWith(txnOf(sid, req, 'untranslated'), mode);
}
