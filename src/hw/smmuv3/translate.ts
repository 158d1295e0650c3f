// An SMMUv3 handling one transaction (hardware.md §4.1): the stream's STE (from the configuration
// cache or memory), the CD of its substream, then the TLB or a table walk, stage 1, stage 2 or
// both, the permission check, and an event when the failure is recorded. One implementation
// serves the explorer (steps), setup and probes (at once, runNow); smmuTransactFast is the plain
// function for the common cached cases, checked against it by the tests.
// In steps, the last step reads the fence log: a CMD_SYNC that completed an invalidation of a
// cache line this transaction used, after it used it, restarts it (fence-log.ts).
import type { CachedLeaf } from '../cache/leaf-cache.js';
import { IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';
import { armLpaeS1, armLpaeS2, type PtFormat } from '../pgtable/format.js';
import { runNow } from '../pgtable/pgtable.js';
import { PTE_READ, PTE_WRITE, pteToProt } from '../pgtable/pte.js';
import { fastTlb } from '../txn/fast.js';
import { MODE_NOW, MODE_PROBE, type TxnMode } from '../txn/mode.js';
import { type Stage2, tlbWalk } from '../txn/tlb-walk.js';
import { DmaCtx, type DmaPath, type DmaResult, fastPath, newPath, RESTART, type Restart, type Txn } from '../txn/txn.js';
import { asOracle, type Gen, hwStep } from '../../sync/index.js';
import { type Cd, CD_ZERO } from './cd.js';
import {
  EVT_C_BAD_CD,
  EVT_C_BAD_STE,
  EVT_C_BAD_STREAMID,
  EVT_C_BAD_SUBSTREAMID,
  EVT_F_BAD_ATS_TREQ,
  EVT_F_PERMISSION,
  EVT_F_STREAM_DISABLED,
  EVT_F_TRANSL_FORBIDDEN,
  EVT_F_TRANSLATION,
  eventNames,
  type SmmuEvent,
} from './events.js';
import type { CfgLine, FastDesc, Smmuv3 } from './smmu.js';
import { smmuTag, TAG_EL2, TAG_NH, TAG_S2 } from './tags.js';
import { STE_CFG_ABORT, STE_CFG_BYPASS, STE_CFG_NESTED, STE_CFG_S1, STE_CFG_S2, STE_ZERO, type Ste, steIllegal } from './ste.js';
import { slotField, slotValue } from '../memory/slots.js';
import { cdL1Slot, cdSlotAt, type L1Desc, strtabL1Slot, strtabSteSlot } from './tables.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const fmtS1: PtFormat[] = [];
const fmtS2: PtFormat[] = [];
for (let l = 3; l <= 5; l++) {
  fmtS1[l] = armLpaeS1({ levels: l });
  fmtS2[l] = armLpaeS2({ levels: l });
}

/** a failure before the event is written: whether it would be recorded and what the event says */
interface Failure {
  readonly kind: 'failure';
  readonly code: number;
  readonly record: boolean;
  readonly s2: boolean;
  readonly cls: SmmuEvent['class'];
}

type Outcome = DmaResult | Failure;

function failure(code: number, record: boolean, cls: SmmuEvent['class'] = 'IN', s2 = false): Failure {
  return { kind: 'failure', code, record, s2, cls };
}

function ok(pa: number, prot: number, path: DmaPath): DmaResult {
  return { kind: 'ok', pa, prot, path };
}

/** the transaction as the SMMU handles it: RESTART when a completed fence overtook it (steps only) */
export function* smmuTransact(smmu: Smmuv3, ctx: DmaCtx, txn: Txn, m: TxnMode): Gen<DmaResult | Restart> {
  const path = newPath();
  const o = yield* resolve(smmu, ctx, txn, m, path);
  if (m.stepped) {
    yield* hwStep(smmu.fence, 'completed', 'dma', 'dma_complete');
    if (smmu.fence.overtook(ctx.used)) return RESTART;
  }
  if (o.kind !== 'failure') return o;
  let recorded = false;
  if (o.record && m.record) {
    if (m.stepped) yield* hwStep(smmu.evtq, 'q', 'write', 'evtq_write');
    recorded = smmu.evtq.push({
      code: o.code,
      sid: txn.sid,
      ssid: txn.pasid,
      iova: txn.iova,
      write: txn.write,
      s2: o.s2,
      class: o.cls,
    });
  }
  return { kind: 'fault', reason: eventNames[o.code] ?? `event 0x${o.code.toString(16)}`, code: o.code, recorded, path };
}

/** the transaction at once (no steps) */
export function smmuTransactNow(smmu: Smmuv3, txn: Txn, m: TxnMode = MODE_NOW): DmaResult {
  return runNow(smmuTransact(smmu, new DmaCtx(), txn, { ...m, stepped: false })) as DmaResult;
}

function* fetchSte(smmu: Smmuv3, sid: number, m: TxnMode): Gen<Ste | null> {
  const reg = smmu.strtab!;
  let l2 = 0;
  if (reg.fmt === '2lvl') {
    const s = strtabL1Slot(smmu.mem, reg, sid);
    if (m.stepped) yield* hwStep(s.page, slotField(s), 'dma', 'l1_strtab_fetch');
    else if (m.reads !== undefined) m.reads.push({ obj: s.page, field: slotField(s) });
    const d = s.page.format === 'l1' ? slotValue<L1Desc>(s) : null;
    if (d === null || d.span === 0) return null;
    l2 = d.l2ptr;
  }
  const s = strtabSteSlot(smmu.mem, reg, sid, l2);
  if (m.stepped) yield* hwStep(s.page, slotField(s), 'dma', 'ste_fetch');
  else if (m.reads !== undefined) m.reads.push({ obj: s.page, field: slotField(s) });
  return s.page.format === 'ste' ? (slotValue<Ste>(s) ?? STE_ZERO) : STE_ZERO;
}

/** stage 2 of `ste`, as a resolver for nested walks and CD table addresses */
function stage2(smmu: Smmuv3, ste: Ste, ctx: DmaCtx, m: TxnMode, path: DmaPath): Stage2 {
  const w = { mem: smmu.mem, tlb: smmu.tlb, tag: smmuTag(
    TAG_S2,
    ste[2].s2vmid,
    0,
  ), fmt: fmtS2[ste[2].s2levels]!, root: ste[3].s2ttb, s2: null, negative: false };
  return function* (ipa: number) {
    const sub = { ...path, tables: path.tables };
    const r = yield* tlbWalk(w, ipa, ctx, m, sub);
    if (sub.badTable >= 0 && path.badTable < 0) path.badTable = sub.badTable;
    if (!r.ok || (r.leaf.flags & PTE_READ) === 0) return null;
    return { pa: r.leaf.out + (ipa - r.leaf.iova), leaf: r.leaf };
  };
}

function* fetchCd(smmu: Smmuv3, ste: Ste, ssid: number, s2: Stage2 | null, m: TxnMode): Gen<Cd | Failure> {
  const w0 = ste[0];
  const resolve = function* (ipa: number): Gen<number | null> {
    if (s2 === null) return ipa;
    const r = yield* s2(ipa);
    return r === null ? null : r.pa;
  };
  let l2 = 0;
  if (w0.s1fmt === '2lvl') {
    const ipa = w0.s1ctxptr + Math.floor((ssid >>> 10) / 512) * 4096;
    const pa = yield* resolve(ipa);
    if (pa === null) return failure(EVT_F_TRANSLATION, ste[2].s2r, 'CD', true);
    const s = cdL1Slot(smmu.mem, pa - (pa % 4096), (ssid >>> 10) % 512);
    if (m.stepped) yield* hwStep(s.page, slotField(s), 'dma', 'l1_cd_fetch');
    else if (m.reads !== undefined) m.reads.push({ obj: s.page, field: slotField(s) });
    const d = s.page.format === 'l1' ? slotValue<L1Desc>(s) : null;
    if (d === null || d.span === 0) return failure(EVT_C_BAD_CD, true, 'CD');
    l2 = d.l2ptr;
  }
  const index = w0.s1fmt === 'linear' ? ssid : ssid & 1023;
  const ipa = (w0.s1fmt === 'linear' ? w0.s1ctxptr : l2) + Math.floor(index / 64) * 4096;
  const pa = yield* resolve(ipa);
  if (pa === null) return failure(EVT_F_TRANSLATION, ste[2].s2r, 'CD', true);
  const s = cdSlotAt(smmu.mem, 'linear', pa - (pa % 4096), index % 64, 0);
  if (m.stepped) yield* hwStep(s.page, slotField(s), 'dma', 'cd_fetch');
  else if (m.reads !== undefined) m.reads.push({ obj: s.page, field: slotField(s) });
  return s.page.format === 'cd' ? (slotValue<Cd>(s) ?? CD_ZERO) : CD_ZERO;
}

/** the translation request's answer for a leaf (the page it covers, what it grants) */
function atsAnswer(leaf: CachedLeaf | null, iova: number, path: DmaPath): DmaResult {
  if (leaf === null) return { kind: 'ats', pa: 0, size: 4096, prot: 0, path };
  return { kind: 'ats', pa: leaf.out, size: leaf.size, prot: pteToProt(leaf.flags), path };
}

function permits(flags: number, write: boolean): boolean {
  return (flags & (write ? PTE_WRITE : PTE_READ)) !== 0;
}

function* s2Only(smmu: Smmuv3, ste: Ste, txn: Txn, ctx: DmaCtx, m: TxnMode, path: DmaPath): Gen<Outcome> {
  const w = { mem: smmu.mem, tlb: smmu.tlb, tag: smmuTag(
    TAG_S2,
    ste[2].s2vmid,
    0,
  ), fmt: fmtS2[ste[2].s2levels]!, root: ste[3].s2ttb, s2: null, negative: false };
  const r = yield* tlbWalk(w, txn.iova, ctx, m, path);
  if (txn.at === 'translation-request') return atsAnswer(r.ok ? r.leaf : null, txn.iova, path);
  if (!r.ok) return failure(EVT_F_TRANSLATION, ste[2].s2r, 'TT', true);
  if (!permits(r.leaf.flags, txn.write)) return failure(EVT_F_PERMISSION, ste[2].s2r, 'TT', true);
  return ok(r.leaf.out + (txn.iova - r.leaf.iova), pteToProt(r.leaf.flags), path);
}

function* resolve(smmu: Smmuv3, ctx: DmaCtx, txn: Txn, m: TxnMode, path: DmaPath): Gen<Outcome> {
  if (!smmu.enabled) {
    if (smmu.gbpaAbort) return { kind: 'abort', reason: 'GBPA abort (SMMU disabled)', path };
    path.via = 'bypass';
    return txn.at === 'translation-request' ? atsAnswer(null, txn.iova, path) : ok(txn.iova, RW, path);
  }
  const sid = txn.sid;
  const reg = smmu.strtab;
  if (reg === null || sid >= 2 ** Math.min(smmu.opts.sidBits, reg.log2size)) return failure(EVT_C_BAD_STREAMID, true);
  // the STE, from the configuration cache or memory
  const cfg = smmu.cfg;
  if (m.stepped) yield* hwStep(cfg, cfg.field(sid), 'dma', 'cfg_lookup');
  else if (m.reads !== undefined) m.reads.push({ obj: cfg, field: cfg.field(sid) });
  const seen = cfg.gens.of(sid);
  cfg.gens.used(sid, ctx.used);
  const line = m.cached ? cfg.get(sid) : undefined;
  let ste: Ste;
  const fetchedSte = line === undefined || line.ste === null;
  if (fetchedSte) {
    const f = yield* fetchSte(smmu, sid, m);
    if (f === null) return failure(EVT_C_BAD_STREAMID, true);
    ste = f;
  } else ste = line.ste!;
  // invalid and illegal STEs are not cached
  if (!ste[0].v || steIllegal(ste)) return failure(EVT_C_BAD_STE, true);
  const config = ste[0].config;
  const cds = new Map(fetchedSte ? [] : line!.cds);
  const fill = function* (): Gen {
    // a probe that notes its reads notes the fill as a write of the line (txn/atomic.ts)
    if (!m.fill) {
      if (m.reads !== undefined) m.reads.push({ obj: cfg, field: cfg.field(sid), write: true });
      return;
    }
    if (m.stepped) yield* hwStep(cfg, cfg.field(sid), 'write', 'cfg_fill');
    if (cfg.gens.of(sid) === seen) cfg.set(sid, { ste, cds, memo: new Map() } satisfies CfgLine);
  };
  if (txn.at === 'translated') {
    if (fetchedSte) yield* fill();
    if (ste[1].eats !== 'trans' || config === STE_CFG_ABORT || config === STE_CFG_BYPASS) return failure(EVT_F_TRANSL_FORBIDDEN, true);
    path.via = 'atc';
    return ok(txn.iova, RW, path);
  }
  if (txn.at === 'translation-request' && ste[1].eats !== 'trans') {
    if (fetchedSte) yield* fill();
    return failure(EVT_F_BAD_ATS_TREQ, true);
  }
  switch (config) {
    case STE_CFG_ABORT:
      if (fetchedSte) yield* fill();
      return { kind: 'abort', reason: 'STE abort', path };
    case STE_CFG_BYPASS:
      if (fetchedSte) yield* fill();
      path.via = 'bypass';
      return txn.at === 'translation-request' ? { kind: 'ats', pa: txn.iova - (txn.iova % 4096), size: 4096, prot: RW, path } : ok(txn.iova, RW, path);
    case STE_CFG_S2:
      if (fetchedSte) yield* fill();
      if (txn.pasid !== null) return failure(EVT_C_BAD_SUBSTREAMID, true);
      return yield* s2Only(smmu, ste, txn, ctx, m, path);
    default:
      break;
  }
  // S1 or nested: which CD
  const w0 = ste[0];
  const dss = ste[1].s1dss;
  let ssid: number;
  if (txn.pasid !== null) {
    if (w0.s1cdmax === 0 || txn.pasid >= 2 ** w0.s1cdmax || (txn.pasid === 0 && dss === 'ssid0')) {
      if (fetchedSte) yield* fill();
      return failure(EVT_C_BAD_SUBSTREAMID, true);
    }
    ssid = txn.pasid;
  } else if (w0.s1cdmax === 0 || dss === 'ssid0') ssid = 0;
  else {
    if (fetchedSte) yield* fill();
    if (dss === 'terminate') return failure(EVT_F_STREAM_DISABLED, true);
    if (config === STE_CFG_NESTED) return yield* s2Only(smmu, ste, txn, ctx, m, path);
    path.via = 'bypass';
    return txn.at === 'translation-request' ? { kind: 'ats', pa: txn.iova - (txn.iova % 4096), size: 4096, prot: RW, path } : ok(txn.iova, RW, path);
  }
  const s2 = config === STE_CFG_NESTED ? stage2(smmu, ste, ctx, m, path) : null;
  let cd = cds.get(ssid) ?? null;
  if (cd === null) {
    const f = yield* fetchCd(smmu, ste, ssid, s2, m);
    if (!Array.isArray(f)) {
      if (fetchedSte) yield* fill();
      return f as Failure;
    }
    cd = f as Cd;
    if (cd[0].v) cds.set(ssid, cd);
    yield* fill();
  } else if (fetchedSte) yield* fill();
  if (!cd[0].v) return failure(EVT_C_BAD_CD, true, 'CD');
  if (cd[0].epd0 || txn.iova >= 2 ** (64 - cd[0].t0sz) || cd[0].levels < 3 || cd[0].levels > 5) {
    if (txn.at === 'translation-request') return atsAnswer(null, txn.iova, path);
    return failure(EVT_F_TRANSLATION, cd[0].r, 'IN');
  }
  const tag = ste[1].strw === 'el2' ? smmuTag(TAG_EL2, 0, cd[0].asid) : smmuTag(TAG_NH, ste[2].s2vmid, cd[0].asid);
  const w = { mem: smmu.mem, tlb: smmu.tlb, tag, fmt: fmtS1[cd[0].levels]!, root: cd[1].ttb0, s2, negative: false };
  const r = yield* tlbWalk(w, txn.iova, ctx, m, path);
  if (txn.at === 'translation-request') return atsAnswer(r.ok ? r.leaf : null, txn.iova, path);
  if (!r.ok) return r.fault === 'stage2' ? failure(EVT_F_TRANSLATION, ste[2].s2r, 'TT', true) : failure(EVT_F_TRANSLATION, cd[0].r, 'TT');
  if (!permits(r.leaf.flags, txn.write)) return failure(EVT_F_PERMISSION, cd[0].r, 'TT');
  return ok(r.leaf.out + (txn.iova - r.leaf.iova), pteToProt(r.leaf.flags), path);
}

/**
 * The common cases as a plain function (the explorer's DMA goes through smmuTransact; this is the
 * rate the hardware model itself sustains): SMMU enabled, an untranslated transaction, the STE
 * (and CD) in the configuration cache, S1 (RID or substream) or S2, not nested. Anything else, and every
 * failure, is handed to smmuTransactNow, so the answer and the caches after it are the same.
 * With `fill` false it is a probe (nothing cached, nothing recorded).
 */
function fallback(smmu: Smmuv3, txn: Txn, fill: boolean): DmaResult {
  return smmuTransactNow(smmu, txn, fill ? MODE_NOW : MODE_PROBE);
}

/** the fast path's view of a cached line for `pasid`, or null when the case is not a plain S1/S2 one */
function fastDesc(line: CfgLine, pasid: number | null): FastDesc | null {
  const ste = line.ste;
  if (ste === null || !ste[0].v) return null;
  const config = ste[0].config;
  if (config === STE_CFG_S2) {
    if (pasid !== null) return null;
    const fmt = fmtS2[ste[2].s2levels]!;
    return { tag: smmuTag(TAG_S2, ste[2].s2vmid, 0), fmt, root: ste[3].s2ttb, limit: fmt.inputLimit };
  }
  if (config !== STE_CFG_S1) return null;
  const w0 = ste[0];
  if (pasid === null ? w0.s1cdmax !== 0 && ste[1].s1dss !== 'ssid0' : w0.s1cdmax === 0 || pasid >= 2 ** w0.s1cdmax || (pasid === 0 && ste[1].s1dss === 'ssid0')) {
    return null;
  }
  const cd = line.cds.get(pasid ?? 0);
  if (cd === undefined || !cd[0].v || cd[0].epd0) return null;
  const fmt = fmtS1[cd[0].levels];
  if (fmt === undefined) return null;
  const tag = ste[1].strw === 'el2' ? smmuTag(TAG_EL2, 0, cd[0].asid) : smmuTag(TAG_NH, ste[2].s2vmid, cd[0].asid);
  return { tag, fmt, root: cd[1].ttb0, limit: Math.min(2 ** (64 - cd[0].t0sz), fmt.inputLimit) };
}

export function smmuTransactFast(smmu: Smmuv3, txn: Txn, fill = true): DmaResult {
  if (!smmu.enabled) return fallback(smmu, txn, fill);
  const line = smmu.cfg.get(txn.sid);
  if (txn.at === 'translated') {
    // full ATS: a translated request passes once the STE allows translated traffic
    const ste = line?.ste;
    if (ste === undefined || ste === null || !ste[0].v || ste[1].eats !== 'trans' || ste[0].config < STE_CFG_S1) return fallback(smmu, txn, fill);
    return ok(txn.iova, RW, fastPath(-1, -1, 'atc'));
  }
  if (txn.at !== 'untranslated') return fallback(smmu, txn, fill);
  if (line === undefined || line.memo === undefined) return fallback(smmu, txn, fill);
  const key = txn.pasid ?? -1;
  let d = line.memo.get(key);
  if (d === undefined) {
    const desc = fastDesc(line, txn.pasid);
    // a memo of what the line says (not state of its own: nothing reads it but this path)
    asOracle(() => line.memo!.set(key, desc));
    d = desc;
  }
  if (d === null || txn.iova >= d.limit) return fallback(smmu, txn, fill);
  return fastTlb(smmu.mem, smmu.tlb, d.tag, d.fmt, d.root, txn.iova, txn.write, fill) ?? fallback(smmu, txn, fill);
}
