// A VT-d unit handling one transaction (hardware.md §4.2): translation enabled or not; the context
// entry of the source-id (context cache, else root and context tables); in legacy mode the
// second-level table it names, in scalable mode the PASID entry (PASID cache, else the directory
// and the PASID table) and its PGTT: pass-through, first level, second level or nested; the TLB
// or a walk; the permission check; a fault record unless FPD. Caching mode caches not-present
// entries too. Same structure as smmuv3/translate.ts: steps for the explorer, at once otherwise.
import { IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';
import type { PtFormat } from '../pgtable/format.js';
import { runNow } from '../pgtable/pgtable.js';
import { PTE_READ, PTE_WRITE, pteToProt } from '../pgtable/pte.js';
import { fastTlb } from '../txn/fast.js';
import { MODE_NOW, MODE_PROBE, type TxnMode } from '../txn/mode.js';
import { type Stage2, tlbWalk } from '../txn/tlb-walk.js';
import { DmaCtx, type DmaPath, type DmaResult, fastPath, newPath, RESTART, type Restart, type Txn } from '../txn/txn.js';
import { type Gen, hwStep } from '../../sync/index.js';
import { slotField, slotValue } from '../memory/slots.js';
import type { CachedLeaf } from '../cache/leaf-cache.js';
import {
  type LegacyCtx,
  PASID_ZERO,
  type PasidDirEntry,
  type PasidEntry,
  PGTT_FL,
  PGTT_NESTED,
  PGTT_PT,
  PGTT_SL,
  type RootEntry,
  type SmCtx,
} from './entries.js';
import {
  FR_ADDR_BEYOND_MGAW,
  FR_CONTEXT_ENTRY_P,
  FR_FS_PAGING_ENTRY_P,
  FR_PAGING_ENTRY_P,
  FR_PASID_DIR_ENTRY_P,
  FR_PASID_ENTRY_P,
  FR_PASID_ENTRY_PGTT_INV,
  FR_PASID_OUT_OF_RANGE,
  FR_PASID_TAGGED_NO_PASIDE,
  FR_READ,
  FR_ROOT_ENTRY_P,
  FR_TRANSLATED_NO_DTE,
  FR_WRITE,
  faultReasons,
} from './faults.js';
import { ctxSlotIn, ctxTableOf, pasidDirEntries, pasidDirSlot, pasidSlotIn, rootSlot } from './tables.js';
import { VTD_FL, VTD_NESTED, VTD_SL, vtdTag } from './tags.js';
import type { VtdUnit } from './vtd.js';

const RW = IOMMU_READ | IOMMU_WRITE;

interface Failure {
  readonly kind: 'failure';
  readonly reason: number;
  /** FPD: the fault is not recorded */
  readonly fpd: boolean;
}

type Outcome = DmaResult | Failure;

function fail(reason: number, fpd = false): Failure {
  return { kind: 'failure', reason, fpd };
}

function formatsOf(unit: VtdUnit): { readonly sl: PtFormat[]; readonly fl: PtFormat[] } {
  return unit.formats;
}

/** the formats a unit walks: second level by AW, first level by FLPM, leaf sizes from its caps (3 to 5 levels) */
export function slFormat(unit: VtdUnit, levels: number): PtFormat {
  return formatsOf(unit).sl[levels] ?? formatsOf(unit).sl[4]!;
}

export function flFormat(unit: VtdUnit, levels: number): PtFormat {
  return formatsOf(unit).fl[levels] ?? formatsOf(unit).fl[4]!;
}

export function* vtdTransact(unit: VtdUnit, ctx: DmaCtx, txn: Txn, m: TxnMode): Gen<DmaResult | Restart> {
  const path = newPath();
  const o = yield* resolve(unit, ctx, txn, m, path);
  if (m.stepped) {
    yield* hwStep(unit.fence, 'completed', 'dma', 'dma_complete');
    if (unit.fence.overtook(ctx.used)) return RESTART;
  }
  if (o.kind !== 'failure') return o;
  let recorded = false;
  if (!o.fpd && m.record) {
    if (m.stepped) yield* hwStep(unit.faults, 'q', 'write', 'fault_record');
    recorded = unit.faults.push({ sid: txn.sid, pasid: txn.pasid, iova: txn.iova, write: txn.write, reason: o.reason });
  }
  return { kind: 'fault', reason: faultReasons[o.reason] ?? `reason 0x${o.reason.toString(16)}`, code: o.reason, recorded, path };
}

export function vtdTransactNow(unit: VtdUnit, txn: Txn, m: TxnMode = MODE_NOW): DmaResult {
  return runNow(vtdTransact(unit, new DmaCtx(), txn, { ...m, stepped: false })) as DmaResult;
}

function ok(pa: number, prot: number, path: DmaPath): DmaResult {
  return { kind: 'ok', pa, prot, path };
}

function identity(txn: Txn, path: DmaPath): DmaResult {
  path.via = 'bypass';
  if (txn.at === 'translation-request') return { kind: 'ats', pa: txn.iova - (txn.iova % 4096), size: 4096, prot: RW, path };
  return ok(txn.iova, RW, path);
}

function* fetchCtx(unit: VtdUnit, sid: number, m: TxnMode): Gen<LegacyCtx | SmCtx | Failure> {
  const rs = rootSlot(unit, sid >>> 8);
  if (m.stepped) yield* hwStep(rs.page, slotField(rs), 'dma', 'root_entry_fetch');
  else if (m.reads !== undefined) m.reads.push({ obj: rs.page, field: slotField(rs) });
  const re = rs.page.format === 'root' ? slotValue<RootEntry>(rs) : null;
  const t = re === null ? null : ctxTableOf(unit, re, sid & 255);
  if (t === null || !t.present) return fail(FR_ROOT_ENTRY_P);
  const cs = ctxSlotIn(unit, t.ctp, sid & 255);
  if (m.stepped) yield* hwStep(cs.page, slotField(cs), 'dma', 'context_entry_fetch');
  else if (m.reads !== undefined) m.reads.push({ obj: cs.page, field: slotField(cs) });
  const c = cs.page.format === 'ctx' ? slotValue<LegacyCtx | SmCtx>(cs) : null;
  return c ?? fail(FR_CONTEXT_ENTRY_P);
}

function* fetchPasid(unit: VtdUnit, c: SmCtx, pasid: number, m: TxnMode): Gen<PasidEntry | Failure> {
  const w0 = c[0];
  if (pasid >>> 6 >= pasidDirEntries(w0.pdts)) return fail(FR_PASID_OUT_OF_RANGE, w0.fpd);
  const ds = pasidDirSlot(unit.mem, w0.pasiddirptr, pasid);
  if (m.stepped) yield* hwStep(ds.page, slotField(ds), 'dma', 'pasid_dir_fetch');
  else if (m.reads !== undefined) m.reads.push({ obj: ds.page, field: slotField(ds) });
  const de = ds.page.format === 'pasid-dir' ? slotValue<PasidDirEntry>(ds) : null;
  if (de === null || !de.p) return fail(FR_PASID_DIR_ENTRY_P, w0.fpd || (de?.fpd ?? false));
  const ps = pasidSlotIn(unit.mem, de.ptptr, pasid);
  if (m.stepped) yield* hwStep(ps.page, slotField(ps), 'dma', 'pasid_entry_fetch');
  else if (m.reads !== undefined) m.reads.push({ obj: ps.page, field: slotField(ps) });
  return ps.page.format === 'pasid' ? (slotValue<PasidEntry>(ps) ?? PASID_ZERO) : PASID_ZERO;
}

function permits(flags: number, write: boolean): boolean {
  return (flags & (write ? PTE_WRITE : PTE_READ)) !== 0;
}

function* walk(
  unit: VtdUnit,
  txn: Txn,
  ctx: DmaCtx,
  m: TxnMode,
  path: DmaPath,
  w: { tag: number; fmt: PtFormat; root: number; s2: Stage2 | null },
  notPresent: number,
  fpd: boolean,
): Gen<Outcome> {
  if (txn.iova >= 2 ** w.fmt.ias) return txn.at === 'translation-request' ? atsNone(path) : fail(FR_ADDR_BEYOND_MGAW, fpd);
  const r = yield* tlbWalk(
    { mem: unit.mem, tlb: unit.tlb, tag: w.tag, fmt: w.fmt, root: w.root, s2: w.s2, negative: unit.caps.cm },
    txn.iova,
    ctx,
    m,
    path,
  );
  if (txn.at === 'translation-request') return r.ok ? atsOf(r.leaf, path) : atsNone(path);
  if (!r.ok) return fail(r.fault === 'stage2' ? FR_PAGING_ENTRY_P : notPresent, fpd);
  if (!permits(r.leaf.flags, txn.write)) return fail(txn.write ? FR_WRITE : FR_READ, fpd);
  return ok(r.leaf.out + (txn.iova - r.leaf.iova), pteToProt(r.leaf.flags), path);
}

function atsOf(leaf: CachedLeaf, path: DmaPath): DmaResult {
  return { kind: 'ats', pa: leaf.out, size: leaf.size, prot: pteToProt(leaf.flags), path };
}

function atsNone(path: DmaPath): DmaResult {
  return { kind: 'ats', pa: 0, size: 4096, prot: 0, path };
}

function stage2(unit: VtdUnit, did: number, root: number, levels: number, ctx: DmaCtx, m: TxnMode, path: DmaPath): Stage2 {
  const w = { mem: unit.mem, tlb: unit.tlb, tag: vtdTag(
    did,
    VTD_SL,
    0,
  ), fmt: slFormat(unit, levels), root, s2: null, negative: false };
  return function* (gpa: number) {
    const sub = { ...path, tables: path.tables };
    const r = yield* tlbWalk(w, gpa, ctx, m, sub);
    if (sub.badTable >= 0 && path.badTable < 0) path.badTable = sub.badTable;
    if (!r.ok || (r.leaf.flags & PTE_READ) === 0) return null;
    return { pa: r.leaf.out + (gpa - r.leaf.iova), leaf: r.leaf };
  };
}

function* resolve(unit: VtdUnit, ctx: DmaCtx, txn: Txn, m: TxnMode, path: DmaPath): Gen<Outcome> {
  if (!unit.te) return identity(txn, path);
  if (unit.rootTable === null) return fail(FR_ROOT_ENTRY_P);
  const sid = txn.sid;
  // the context entry
  const cc = unit.ctxCache;
  if (m.stepped) yield* hwStep(cc, cc.field(sid), 'dma', 'context_cache_lookup');
  else if (m.reads !== undefined) m.reads.push({ obj: cc, field: cc.field(sid) });
  const seenCtx = cc.gens.of(sid);
  cc.gens.used(sid, ctx.used);
  const line = m.cached ? cc.get(sid) : undefined;
  let c: LegacyCtx | SmCtx;
  if (line !== undefined) c = line.ctx;
  else {
    const f = yield* fetchCtx(unit, sid, m);
    if (!Array.isArray(f)) return f as Failure;
    c = f as LegacyCtx | SmCtx;
    if (m.fill && (c[0].p || unit.caps.cm)) {
      if (m.stepped) yield* hwStep(cc, cc.field(sid), 'write', 'context_cache_fill');
      if (cc.gens.of(sid) === seenCtx) cc.set(sid, { ctx: c });
    } else if (m.reads !== undefined && (c[0].p || unit.caps.cm)) m.reads.push({ obj: cc, field: cc.field(sid), write: true });
  }
  if (!c[0].p) return fail(FR_CONTEXT_ENTRY_P);
  if (!unit.sm) return yield* legacy(unit, c as LegacyCtx, txn, ctx, m, path);
  const sc = c as SmCtx;
  // scalable mode
  if (txn.at === 'translated') {
    if (!sc[0].dte) return fail(FR_TRANSLATED_NO_DTE, sc[0].fpd);
    path.via = 'atc';
    return ok(txn.iova, RW, path);
  }
  if (txn.at === 'translation-request' && !sc[0].dte) return fail(FR_TRANSLATED_NO_DTE, sc[0].fpd);
  if (txn.pasid !== null && !sc[0].paside) return fail(FR_PASID_TAGGED_NO_PASIDE, sc[0].fpd);
  const pasid = txn.pasid ?? sc[1].ridPasid;
  // the PASID entry
  const pc = unit.pasidCache;
  if (m.stepped) yield* hwStep(pc, pc.field(pasid), 'dma', 'pasid_cache_lookup');
  else if (m.reads !== undefined) m.reads.push({ obj: pc, field: pc.field(pasid) });
  const seenPasid = pc.gens.of(pasid);
  pc.gens.used(pasid, ctx.used);
  const cached = m.cached ? pc.get(pasid)?.get(sid) : undefined;
  let pe: PasidEntry | null;
  if (cached !== undefined) pe = cached;
  else {
    const f = yield* fetchPasid(unit, sc, pasid, m);
    if (!Array.isArray(f)) return f as Failure;
    pe = f as PasidEntry;
    if (m.fill && (pe[0].p || unit.caps.cm)) {
      if (m.stepped) yield* hwStep(pc, pc.field(pasid), 'write', 'pasid_cache_fill');
      if (pc.gens.of(pasid) === seenPasid) {
        const nm = new Map(pc.get(pasid) ?? []);
        nm.set(sid, pe[0].p ? pe : null);
        pc.set(pasid, nm);
      }
    } else if (m.reads !== undefined && (pe[0].p || unit.caps.cm)) m.reads.push({ obj: pc, field: pc.field(pasid), write: true });
  }
  if (pe === null || !pe[0].p) return fail(FR_PASID_ENTRY_P, sc[0].fpd || (pe?.[0].fpd ?? false));
  const fpd = sc[0].fpd || pe[0].fpd;
  const did = pe[1].did;
  switch (pe[0].pgtt) {
    case PGTT_PT:
      return identity(txn, path);
    case PGTT_FL:
      return yield* walk(
        unit,
        txn,
        ctx,
        m,
        path,
        { tag: vtdTag(did, VTD_FL, pasid), fmt: flFormat(unit, pe[2].flpm), root: pe[2].flptptr, s2: null },
        FR_FS_PAGING_ENTRY_P,
        fpd,
      );
    case PGTT_SL:
      return yield* walk(
        unit,
        txn,
        ctx,
        m,
        path,
        { tag: vtdTag(did, VTD_SL, 0), fmt: slFormat(unit, pe[0].aw), root: pe[0].slptptr, s2: null },
        FR_PAGING_ENTRY_P,
        fpd,
      );
    case PGTT_NESTED: {
      const s2 = stage2(unit, did, pe[0].slptptr, pe[0].aw, ctx, m, path);
      return yield* walk(
        unit,
        txn,
        ctx,
        m,
        path,
        { tag: vtdTag(did, VTD_NESTED, pasid), fmt: flFormat(unit, pe[2].flpm), root: pe[2].flptptr, s2 },
        FR_FS_PAGING_ENTRY_P,
        fpd,
      );
    }
    default:
      return fail(FR_PASID_ENTRY_PGTT_INV, fpd);
  }
}

function* legacy(unit: VtdUnit, c: LegacyCtx, txn: Txn, ctx: DmaCtx, m: TxnMode, path: DmaPath): Gen<Outcome> {
  const lo = c[0];
  if (txn.pasid !== null) return fail(FR_PASID_TAGGED_NO_PASIDE, lo.fpd);
  if (txn.at !== 'untranslated' && lo.tt !== 'ml-devtlb' && lo.tt !== 'pt') return fail(FR_TRANSLATED_NO_DTE, lo.fpd);
  if (txn.at === 'translated') {
    path.via = 'atc';
    return ok(txn.iova, RW, path);
  }
  if (lo.tt === 'pt') return identity(txn, path);
  return yield* walk(
    unit,
    txn,
    ctx,
    m,
    path,
    { tag: vtdTag(c[1].did, VTD_SL, 0), fmt: slFormat(unit, c[1].levels), root: lo.slptptr, s2: null },
    FR_PAGING_ENTRY_P,
    lo.fpd,
  );
}

/**
 * The common cases as a plain function: translation on, scalable mode, an untranslated request,
 * the context and PASID entries in their caches, pass-through, first or second level (not
 * nested). Anything else goes through vtdTransactNow, so answers and caches never differ.
 */
export function vtdTransactFast(unit: VtdUnit, txn: Txn, fill = true): DmaResult {
  const slow = (): DmaResult => vtdTransactNow(unit, txn, fill ? MODE_NOW : MODE_PROBE);
  if (!unit.te || !unit.sm || txn.at !== 'untranslated') return slow();
  const line = unit.ctxCache.get(txn.sid);
  if (line === undefined || !line.ctx[0].p) return slow();
  const sc = line.ctx as SmCtx;
  if (txn.pasid !== null && !sc[0].paside) return slow();
  const pasid = txn.pasid ?? sc[1].ridPasid;
  const pe = unit.pasidCache.get(pasid)?.get(txn.sid);
  if (pe === undefined || pe === null || !pe[0].p) return slow();
  const did = pe[1].did;
  let r: DmaResult | null;
  switch (pe[0].pgtt) {
    case PGTT_PT:
      return ok(txn.iova, RW, fastPath(-1, -1, 'bypass'));
    case PGTT_FL:
      r = fastTlb(
        unit.mem,
        unit.tlb,
        vtdTag(did, VTD_FL, pasid),
        flFormat(unit, pe[2].flpm),
        pe[2].flptptr,
        txn.iova,
        txn.write,
        fill,
      );
      break;
    case PGTT_SL:
      r = fastTlb(unit.mem, unit.tlb, vtdTag(did, VTD_SL, 0), slFormat(unit, pe[0].aw), pe[0].slptptr, txn.iova, txn.write, fill);
      break;
    default:
      r = null;
  }
  return r ?? slow();
}
