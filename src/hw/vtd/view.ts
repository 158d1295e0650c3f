// VT-d tables decoded to the uniform view (unit.ts): what (source-id, PASID) gets from the context
// and PASID entries in memory (installed) or from the caches (effective), the PASIDs with a
// present entry (RID_PASID is the RID's, not listed), and the table frames the hardware can still
// reach: the facts H4, H5, H7 and H12 read.
import { HW_ABORT, HW_BYPASS, type HwTranslation, hwTranslate } from '../translation.js';
import type { FrameRef, InstalledTag } from '../unit.js';
import { VTD_FL, VTD_NESTED, VTD_SL, vtdTag } from './tags.js';
import { ptTableFrames, ptWalk } from '../pgtable/walk.js';
import { slotValue } from '../memory/slots.js';
import type { LegacyCtx, PasidDirEntry, PasidEntry, SmCtx } from './entries.js';
import { PGTT_FL, PGTT_NESTED, PGTT_PT, PGTT_SL } from './entries.js';
import { ctxInMemory, pasidDirEntries, pasidDirSlot, pasidInMemory } from './tables.js';
import { slFormat } from './translate.js';
import type { VtdUnit } from './vtd.js';

/** what a PASID entry translates with */
export function pasidTranslation(unit: VtdUnit, pe: PasidEntry | null): HwTranslation {
  if (pe === null || !pe[0].p) return HW_ABORT;
  switch (pe[0].pgtt) {
    case PGTT_PT:
      return HW_BYPASS;
    case PGTT_FL:
      return hwTranslate(unit.mem.pageAt(pe[2].flptptr));
    case PGTT_SL:
      return hwTranslate(unit.mem.pageAt(pe[0].slptptr));
    case PGTT_NESTED:
      return { kind: 'nested', table: unit.mem.pageAt(pe[0].slptptr), s1: pe[2].flptptr };
    default:
      return HW_ABORT;
  }
}

function decode(
  unit: VtdUnit,
  c: LegacyCtx | SmCtx | null,
  pasidOf: (sc: SmCtx, pasid: number) => PasidEntry | null,
  pasid: number | null,
): HwTranslation {
  if (!unit.te) return HW_BYPASS;
  if (c === null || !c[0].p) return HW_ABORT;
  if (!unit.sm) {
    const lc = c as LegacyCtx;
    if (pasid !== null) return HW_ABORT;
    return lc[0].tt === 'pt' ? HW_BYPASS : hwTranslate(unit.mem.pageAt(lc[0].slptptr));
  }
  const sc = c as SmCtx;
  if (pasid !== null && !sc[0].paside) return HW_ABORT;
  const p = pasid ?? sc[1].ridPasid;
  if (p >>> 6 >= pasidDirEntries(sc[0].pdts)) return HW_ABORT;
  return pasidTranslation(unit, pasidOf(sc, p));
}

export function vtdInstalled(unit: VtdUnit, sid: number, pasid: number | null): HwTranslation {
  return decode(unit, ctxInMemory(unit, sid), (sc, p) => pasidInMemory(unit.mem, sc[0].pasiddirptr, p), pasid);
}

export function vtdEffective(unit: VtdUnit, sid: number, pasid: number | null): HwTranslation {
  const c = unit.ctxCache.get(sid)?.ctx ?? ctxInMemory(unit, sid);
  return decode(
    unit,
    c,
    (sc, p) => {
      const m = unit.pasidCache.get(p);
      return m !== undefined && m.has(sid) ? m.get(sid)! : pasidInMemory(unit.mem, sc[0].pasiddirptr, p);
    },
    pasid,
  );
}

/** the present PASID entries of `sid` other than its RID_PASID, by walking the directory */
export function pasidEntries(unit: VtdUnit, sid: number): Array<[number, PasidEntry]> {
  const out: Array<[number, PasidEntry]> = [];
  const c = ctxInMemory(unit, sid);
  if (!unit.sm || c === null || !c[0].p) return out;
  const sc = c as SmCtx;
  const dirs = pasidDirEntries(sc[0].pdts);
  for (let d = 0; d < dirs; d++) {
    const de = slotValue<PasidDirEntry>(pasidDirSlot(unit.mem, sc[0].pasiddirptr, d * 64));
    if (de === null || !de.p) continue;
    for (let i = 0; i < 64; i++) {
      const p = d * 64 + i;
      if (p === sc[1].ridPasid) continue;
      const pe = pasidInMemory(unit.mem, sc[0].pasiddirptr, p);
      if (pe !== null && pe[0].p) out.push([p, pe]);
    }
  }
  return out;
}

export function vtdInstalledPasids(unit: VtdUnit, sid: number): Map<number, HwTranslation> {
  const out = new Map<number, HwTranslation>();
  const c = ctxInMemory(unit, sid) as SmCtx | null;
  if (c === null || !c[0].paside) return out;
  for (const [p, pe] of pasidEntries(unit, sid)) out.set(p, pasidTranslation(unit, pe));
  return out;
}

function framesOf(unit: VtdUnit, pe: PasidEntry, out: FrameRef[], by: string): void {
  const mem = unit.mem;
  switch (pe[0].pgtt) {
    case PGTT_FL:
      ptTableFrames(mem, Math.floor(pe[2].flptptr / 4096), pe[2].flpm, `${by} FLPTPTR`, out);
      return;
    case PGTT_SL:
      ptTableFrames(mem, Math.floor(pe[0].slptptr / 4096), pe[0].aw, `${by} SLPTPTR`, out);
      return;
    case PGTT_NESTED: {
      ptTableFrames(mem, Math.floor(pe[0].slptptr / 4096), pe[0].aw, `${by} SLPTPTR`, out);
      const w = ptWalk(mem, slFormat(unit, pe[0].aw), Math.floor(pe[0].slptptr / 4096), 0, pe[2].flptptr);
      if (w.leaf !== null) ptTableFrames(mem, Math.floor((w.leaf.out + (pe[2].flptptr - w.leaf.iova)) / 4096), pe[2].flpm, `${by} FLPTPTR (GPA)`, out);
      return;
    }
    default:
      return;
  }
}

export function vtdReachableFrames(unit: VtdUnit): FrameRef[] {
  const out: FrameRef[] = [];
  for (const sid of unit.knownSids) {
    const c = ctxInMemory(unit, sid);
    if (c === null || !c[0].p) continue;
    if (!unit.sm) {
      const lc = c as LegacyCtx;
      if (lc[0].tt !== 'pt') ptTableFrames(unit.mem, Math.floor(lc[0].slptptr / 4096), lc[1].levels, `sid 0x${sid.toString(16)} context SLPTPTR`, out);
      continue;
    }
    const sc = c as SmCtx;
    const rid = pasidInMemory(unit.mem, sc[0].pasiddirptr, sc[1].ridPasid);
    if (rid !== null && rid[0].p) framesOf(unit, rid, out, `sid 0x${sid.toString(16)} RID_PASID`);
    for (const [p, pe] of pasidEntries(unit, sid)) framesOf(unit, pe, out, `sid 0x${sid.toString(16)} pasid ${p}`);
  }
  return out;
}

export function vtdCachedFrames(unit: VtdUnit): FrameRef[] {
  const out: FrameRef[] = [];
  unit.tlb.forEachTag((tag, c) => {
    for (const pfn of c.walkFrames()) out.push({ pfn, by: `paging-structure cache (${unit.describeTag(tag)})` });
  });
  for (const [pasid, m] of unit.pasidCache.entries()) {
    for (const [sid, pe] of m) {
      if (pe === null || !pe[0].p) continue;
      const by = `cached PASID entry sid 0x${sid.toString(16)} pasid ${pasid}`;
      if (pe[0].pgtt === PGTT_FL) out.push({ pfn: Math.floor(pe[2].flptptr / 4096), by });
      if (pe[0].pgtt === PGTT_SL || pe[0].pgtt === PGTT_NESTED) out.push({ pfn: Math.floor(pe[0].slptptr / 4096), by });
    }
  }
  for (const [sid, l] of unit.ctxCache.entries()) {
    if (!unit.sm && l.ctx[0].p && (l.ctx as LegacyCtx)[0].tt !== 'pt') out.push({ pfn: Math.floor((l.ctx as LegacyCtx)[0].slptptr / 4096), by: `cached context sid 0x${sid.toString(16)}` });
  }
  return out;
}

function tagsOf(unit: VtdUnit, pe: PasidEntry, sid: number, pasid: number | null, p: number, out: InstalledTag[]): void {
  const did = pe[1].did;
  switch (pe[0].pgtt) {
    case PGTT_FL:
      out.push({ tag: vtdTag(did, VTD_FL, p), root: Math.floor(pe[2].flptptr / 4096), sid, pasid });
      return;
    case PGTT_SL:
      out.push({ tag: vtdTag(did, VTD_SL, 0), root: Math.floor(pe[0].slptptr / 4096), sid, pasid });
      return;
    case PGTT_NESTED: {
      out.push({ tag: vtdTag(did, VTD_SL, 0), root: Math.floor(pe[0].slptptr / 4096), sid, pasid });
      const w = ptWalk(unit.mem, slFormat(unit, pe[0].aw), Math.floor(pe[0].slptptr / 4096), 0, pe[2].flptptr);
      const root = w.leaf === null ? -1 : Math.floor((w.leaf.out + (pe[2].flptptr - w.leaf.iova)) / 4096);
      out.push({ tag: vtdTag(did, VTD_NESTED, p), root, sid, pasid });
      return;
    }
    default:
      return;
  }
}

/** every (tag, root) the context and PASID entries in memory install (unit.ts installedTags) */
export function vtdInstalledTags(unit: VtdUnit): InstalledTag[] {
  const out: InstalledTag[] = [];
  for (const sid of [...unit.knownSids].sort((a, b) => a - b)) {
    const c = ctxInMemory(unit, sid);
    if (c === null || !c[0].p) continue;
    if (!unit.sm) {
      const lc = c as LegacyCtx;
      if (lc[0].tt !== 'pt') out.push({ tag: vtdTag(lc[1].did, VTD_SL, 0), root: Math.floor(lc[0].slptptr / 4096), sid, pasid: null });
      continue;
    }
    const sc = c as SmCtx;
    const rid = pasidInMemory(unit.mem, sc[0].pasiddirptr, sc[1].ridPasid);
    if (rid !== null && rid[0].p) tagsOf(unit, rid, sid, null, sc[1].ridPasid, out);
    for (const [p, pe] of pasidEntries(unit, sid)) tagsOf(unit, pe, sid, p, p, out);
  }
  return out;
}
