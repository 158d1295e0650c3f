// H1 per device (hardware.md §6): authority(D), the pages a function may reach now, computed from
// the hardware alone, and the check of one DMA's landing page against it (hw/dma.ts calls it in
// the DMA's one step; txn/atomic.ts declares what it reads).
//
// authority(D) for the function at stream `sid`: the union of the pages mapped by the IO page
// tables its configuration leads to, for the RID and every PASID,
//   - as installed in memory (STE and CDs; context and PASID entries), and
//   - as its configuration caches still hold it (effective, hardware.md §6): a table that was
//     installed and replaced or removed stays in authority until its config-cache invalidation is
//     applied, which is where the one-step DMA can no longer reach it (the grace window of a
//     detach, up to its fence: a DMA is one step, so nothing is in flight across the fence);
// and identity (bypass, pass-through) is all memory. A stale TLB entry of one of those tables
// (an unmap's grace, DMA_FQ's lazy window) lands where that table mapped: it is the device's own
// table, so it passes here, and the page-owner half of H1 (hw/dma.ts `isolation`), H2 and H3 judge
// it. What fails is a translation that came from a table none of that leads to: a TLB entry filed
// under the device's tag but walked from another domain's table (a tag reused without a flush, a
// detached domain's entries met again through the new domain's tag), landing on a page no table of
// the device maps.
//
// A translation the function's ATC holds is not judged at the DMA (a DMA-time check cannot tell
// the window between the configuration and the ATC invalidation from an ATC invalidation that
// never comes): `atcOutsideAuthority()` judges the ATC where a driver call that changes the
// function's translation returned (core/contracts.ts `atc_authority`, docs/ARCHITECTURE.md "H1's
// ATC half"). Simplified (docs/ARCHITECTURE.md "H1 per device"): cached configuration counts for the RID and the DMA's
// own PASID (not every PASID the cache holds). VT-d PASIDs count up to what `entryReads` names.
import { type Access, access } from '../../sync/index.js';
import type { CachedLeaf } from '../cache/leaf-cache.js';
import type { HwEndpoint } from '../endpoint.js';
import { armLpaeS1, armLpaeS2, type PtFormat } from '../pgtable/format.js';
import { ptLeaves, ptTableFrames, ptWalk } from '../pgtable/walk.js';
import type { Cd } from '../smmuv3/cd.js';
import type { Smmuv3 } from '../smmuv3/smmu.js';
import { STE_CFG_ABORT, STE_CFG_BYPASS, STE_CFG_NESTED, type Ste, steIllegal } from '../smmuv3/ste.js';
import { steInMemory } from '../smmuv3/tables.js';
import { cdInMemory, cdsInMemory } from '../smmuv3/view.js';
import { PGTT_FL, PGTT_NESTED, PGTT_PT, PGTT_SL, type LegacyCtx, type PasidEntry, type SmCtx } from '../vtd/entries.js';
import { ctxInMemory, pasidDirEntries, pasidInMemory } from '../vtd/tables.js';
import { flFormat, slFormat } from '../vtd/translate.js';
import { pasidEntries } from '../vtd/view.js';
import type { VtdUnit } from '../vtd/vtd.js';
import { MODE_FRESH, type TxnMode } from '../txn/mode.js';
import type { DmaRequest, DmaResult } from '../txn/txn.js';
import type { HwIommu } from '../unit.js';

/** a table in authority: its root frame and format (null: matched by root only, e.g. a nested first stage) */
export interface AuthRoot {
  readonly pfn: number;
  readonly fmt: PtFormat | null;
  /** where it comes from, for reports */
  readonly why: string;
}

export interface Authority {
  /** identity somewhere: all memory */
  all: boolean;
  readonly roots: AuthRoot[];
}

const s1Formats = new Map<number, PtFormat>();
const s2Formats = new Map<number, PtFormat>();
function armFormat(stage: 1 | 2, levels: number): PtFormat {
  const m = stage === 1 ? s1Formats : s2Formats;
  let f = m.get(levels);
  if (f === undefined) {
    f = stage === 1 ? armLpaeS1({ levels }) : armLpaeS2({ levels });
    m.set(levels, f);
  }
  return f;
}

// ---- SMMUv3

function smmuS2Pa(smmu: Smmuv3, ste: Ste, ipa: number): number {
  const w = ptWalk(smmu.mem, armFormat(2, ste[2].s2levels), Math.floor(ste[3].s2ttb / 4096), 0, ipa);
  return w.leaf === null ? -1 : w.leaf.out + (ipa - w.leaf.iova);
}

/** the tables an STE (with CDs from `cds`) leads to */
function smmuSteRoots(smmu: Smmuv3, ste: Ste | null, cds: ReadonlyArray<readonly [number, Cd]>, why: string, a: Authority): void {
  if (ste === null || !ste[0].v || steIllegal(ste)) return;
  const c = ste[0].config;
  if (c === STE_CFG_ABORT) return;
  if (c === STE_CFG_BYPASS) {
    a.all = true;
    return;
  }
  const nested = c === STE_CFG_NESTED;
  if ((c & 2) === 2) a.roots.push({ pfn: Math.floor(ste[3].s2ttb / 4096), fmt: armFormat(2, ste[2].s2levels), why: `${why} S2TTB` });
  if ((c & 1) === 0) return;
  // the RID without a CD0 when S1DSS is bypass: identity
  if (ste[0].s1cdmax !== 0 && ste[1].s1dss === 'bypass' && !nested) a.all = true;
  for (const [ssid, cd] of cds) {
    if (!cd[0].v || cd[0].epd0) continue;
    const root = nested ? smmuS2Pa(smmu, ste, cd[1].ttb0) : cd[1].ttb0;
    if (root < 0) continue;
    // a nested first stage outputs intermediate addresses: its pages are the second stage's
    a.roots.push({ pfn: Math.floor(root / 4096), fmt: nested ? null : armFormat(1, cd[0].levels), why: `${why} CD ${ssid}` });
  }
}

function smmuAuthority(smmu: Smmuv3, sid: number, pasid: number | null, a: Authority, withCaches: boolean): void {
  if (!smmu.enabled) {
    if (!smmu.gbpaAbort) a.all = true;
    return;
  }
  const ste = steInMemory(smmu, sid);
  if (ste !== null && ste[0].v && !steIllegal(ste) && (ste[0].config & 1) === 1 && ste[0].config >= 4) {
    const cds: Array<[number, Cd]> = cdsInMemory(smmu, ste);
    const cd0 = cdInMemory(smmu, ste, 0);
    if (cd0 !== null) cds.unshift([0, cd0]);
    smmuSteRoots(smmu, ste, cds, `sid ${sid} (memory)`, a);
  } else smmuSteRoots(smmu, ste, [], `sid ${sid} (memory)`, a);
  if (!withCaches) return;
  // what the configuration cache still holds: the STE and the CDs for the RID and this PASID
  const line = smmu.cfg.get(sid);
  if (line === undefined || line.ste === null) return;
  const cds: Array<[number, Cd]> = [];
  for (const ssid of new Set([0, pasid ?? 0])) {
    const cd = line.cds.get(ssid) ?? cdInMemory(smmu, line.ste, ssid);
    if (cd !== null) cds.push([ssid, cd]);
  }
  smmuSteRoots(smmu, line.ste, cds, `sid ${sid} (configuration cache)`, a);
}

// ---- VT-d

function vtdPasidRoots(unit: VtdUnit, pe: PasidEntry | null, why: string, a: Authority): void {
  if (pe === null || !pe[0].p) return;
  switch (pe[0].pgtt) {
    case PGTT_PT:
      a.all = true;
      return;
    case PGTT_FL:
      a.roots.push({ pfn: Math.floor(pe[2].flptptr / 4096), fmt: flFormat(unit, pe[2].flpm), why: `${why} FLPTPTR` });
      return;
    case PGTT_SL:
      a.roots.push({ pfn: Math.floor(pe[0].slptptr / 4096), fmt: slFormat(unit, pe[0].aw), why: `${why} SLPTPTR` });
      return;
    case PGTT_NESTED: {
      const sl = slFormat(unit, pe[0].aw);
      a.roots.push({ pfn: Math.floor(pe[0].slptptr / 4096), fmt: sl, why: `${why} SLPTPTR` });
      const w = ptWalk(unit.mem, sl, Math.floor(pe[0].slptptr / 4096), 0, pe[2].flptptr);
      if (w.leaf !== null) a.roots.push({ pfn: Math.floor((w.leaf.out + (pe[2].flptptr - w.leaf.iova)) / 4096), fmt: null, why: `${why} FLPTPTR` });
      return;
    }
    default:
      return;
  }
}

function vtdCtxRoots(
  unit: VtdUnit,
  c: LegacyCtx | SmCtx | null,
  pasidOf: (sc: SmCtx, p: number) => PasidEntry | null,
  pasids: Iterable<number>,
  why: string,
  a: Authority,
): void {
  if (c === null || !c[0].p) return;
  if (!unit.sm) {
    const lc = c as LegacyCtx;
    if (lc[0].tt === 'pt') a.all = true;
    else a.roots.push({ pfn: Math.floor(lc[0].slptptr / 4096), fmt: slFormat(unit, lc[1].levels), why: `${why} SLPTPTR` });
    return;
  }
  const sc = c as SmCtx;
  for (const p of pasids) {
    if (p >>> 6 >= pasidDirEntries(sc[0].pdts)) continue;
    vtdPasidRoots(unit, pasidOf(sc, p), `${why} PASID ${p}`, a);
  }
}

function vtdAuthority(unit: VtdUnit, sid: number, pasid: number | null, a: Authority, withCaches: boolean): void {
  if (!unit.te) {
    a.all = true;
    return;
  }
  const c = ctxInMemory(unit, sid);
  const inMem = (sc: SmCtx, p: number): PasidEntry | null => pasidInMemory(unit.mem, sc[0].pasiddirptr, p);
  const rid = unit.sm && c !== null && c[0].p ? (c as SmCtx)[1].ridPasid : 0;
  vtdCtxRoots(unit, c, inMem, [rid], `sid ${sid} (memory)`, a);
  for (const [p, pe] of pasidEntries(unit, sid)) vtdPasidRoots(unit, pe, `sid ${sid} (memory) PASID ${p}`, a);
  if (!withCaches) return;
  // what the context and PASID caches still hold, for the RID and this PASID
  const cached = unit.ctxCache.get(sid)?.ctx;
  const cc = cached ?? c;
  if (cc === null || !cc[0].p) return;
  const ccRid = unit.sm ? (cc as SmCtx)[1].ridPasid : 0;
  const fromCache = (sc: SmCtx, p: number): PasidEntry | null => {
    const m = unit.pasidCache.get(p);
    return m !== undefined && m.has(sid) ? m.get(sid)! : pasidInMemory(unit.mem, sc[0].pasiddirptr, p);
  };
  vtdCtxRoots(unit, cc, fromCache, new Set([ccRid, pasid ?? ccRid]), `sid ${sid} (caches)`, a);
}

/**
 * authority(D) for the function at stream `sid` of `unit`; `pasid`: the PASID whose cached
 * configuration also counts; `cached` false: as installed in memory only (no grace)
 */
export function authorityOf(unit: HwIommu, sid: number, pasid: number | null, cached = true): Authority {
  const a: Authority = { all: false, roots: [] };
  if (unit.kind === 'smmuv3') smmuAuthority(unit as unknown as Smmuv3, sid, pasid, a, cached);
  else if (unit.kind === 'vtd') vtdAuthority(unit as unknown as VtdUnit, sid, pasid, a, cached);
  else a.all = true;
  return a;
}

/** is `pfn` an output page of a leaf of one of the tables (the page-set half of authority) */
function mappedBy(unit: HwIommu, roots: readonly AuthRoot[], pfn: number): boolean {
  const pa = pfn * 4096;
  for (const r of roots) {
    if (r.fmt === null) continue;
    for (const l of ptLeaves(unit.mem, r.fmt, r.pfn)) if (pa >= l.out && pa < l.out + l.size) return true;
  }
  return false;
}

/** the check's verdict on one DMA and what it read to reach it */
export interface AuthorityVerdict {
  /** null: within authority(D) */
  readonly problem: string | null;
  /** the locations the verdict depends on (beyond what the DMA itself read) */
  readonly reads: Access[];
}

const OK_NOTHING: AuthorityVerdict = Object.freeze({ problem: null, reads: [] }) as AuthorityVerdict;

function describeVia(via: string): string {
  return via === 'tlb' ? 'the IOTLB' : via === 'atc' ? 'the device\'s ATC' : 'a page-table walk';
}

/**
 * H1 per device on a DMA's result `r` (what `deviceDmaNow` gives, or the probe of it): no reads
 * when nothing needs checking (not a success, bypass, the ATC) or when the translation came from
 * the table of the configuration the DMA used (a walk of it, or a TLB entry whose root is that
 * table: what the DMA read decides it). Next, the translation from memory alone gives the same
 * page (the DMA landed where an installed table maps this IOVA): it reads what that fresh
 * translation reads. Otherwise: the tables of authority(D), every entry and cache line that
 * decides them and every frame of those tables, and the page must be an output of one of them
 * unless the translation itself came from one (its TLB entry's root).
 */
export function authorityVerdict(unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest, r: DmaResult): AuthorityVerdict {
  if (r.kind !== 'ok' || r.path.via === 'bypass' || r.path.via === 'atc' || r.path.via === 'none') return OK_NOTHING;
  // the common case: the translation came from the table the configuration the DMA used leads to
  // (a walk of it, or a TLB entry walked from it), which is what the DMA itself read
  const t = unit.effective(sid, req.pasid);
  if (t.kind === 'translate' && r.path.root >= 0 && (t.table as { pfn?: number }).pfn === r.path.root) return OK_NOTHING;
  const pfn = Math.floor(r.pa / 4096);
  const fresh: Access[] = [];
  const m: TxnMode = { ...MODE_FRESH, reads: fresh };
  const f = unit.probeWith({ sid, pasid: req.pasid, iova: req.iova, write: req.write, at: 'untranslated' }, m);
  if (f.kind === 'ok' && Math.floor(f.pa / 4096) === pfn) return { problem: null, reads: fresh };
  const a = authorityOf(unit, sid, req.pasid);
  const reads: Access[] = [...fresh, ...unit.entryReads(sid), ...configLines(unit, sid, req.pasid)];
  const frames: Array<{ pfn: number; by: string }> = [];
  for (const root of a.roots) {
    if (root.fmt !== null) ptTableFrames(unit.mem, root.pfn, root.fmt.levels, root.why, frames);
    else frames.push({ pfn: root.pfn, by: root.why });
  }
  for (const fr of frames) reads.push(access(unit.mem.page(fr.pfn), null));
  if (a.all) return { problem: null, reads };
  if (r.path.root >= 0 && a.roots.some((x) => x.pfn === r.path.root)) return { problem: null, reads };
  if (mappedBy(unit, a.roots, pfn)) return { problem: null, reads };
  const from = r.path.root >= 0 ? `an entry walked from table 0x${(r.path.root * 4096).toString(16)}` : 'a translation';
  const tag = r.path.tag >= 0 ? ` (${unit.describeTag(r.path.tag)})` : '';
  const auth = a.roots.length === 0 ? 'no table (blocked)' : a.roots.map((x) => `0x${(x.pfn * 4096).toString(16)} [${x.why}]`).join(', ');
  const problem =
    `${ep.label} (sid ${sid}${req.pasid === null ? '' : ` pasid ${req.pasid}`}) DMA to IOVA 0x${req.iova.toString(16)} reached 0x${r.pa.toString(16)} ` +
    `through ${describeVia(r.path.via)} of ${unit.name}, ${from}${tag}: a page outside authority(D), which no table of its current or grace ` +
    `configuration maps (its tables: ${auth})`;
  return { problem, reads };
}

/** the configuration cache lines whose contents count in authority(D) */
function configLines(unit: HwIommu, sid: number, pasid: number | null): Access[] {
  if (unit.kind === 'smmuv3') {
    const cfg = (unit as unknown as Smmuv3).cfg;
    return [access(cfg, cfg.field(sid))];
  }
  if (unit.kind === 'vtd') {
    const v = unit as unknown as VtdUnit;
    const out: Access[] = [access(v.ctxCache, v.ctxCache.field(sid))];
    const c = v.ctxCache.get(sid)?.ctx ?? ctxInMemory(v, sid);
    const rid = v.sm && c !== null && c[0].p ? (c as SmCtx)[1].ridPasid : 0;
    for (const p of new Set([rid, pasid ?? rid])) out.push(access(v.pasidCache, v.pasidCache.field(p)));
    return out;
  }
  return [];
}

/** one ATC entry of a function that no table of authority(D) accounts for */
export interface AtcOutside {
  readonly pasid: number | null;
  readonly leaf: CachedLeaf;
}

/** ATC leaves checked page by page at most this many pages (a 1G leaf: its first 2M) */
const ATC_MAX_PAGES = 512;

/**
 * H1's ATC half (hardware.md §6 H1, H8), where a driver call that changes the function's
 * translation returned (core/contracts.ts `atc_authority`): every translation the function's ATC
 * holds for `pasid` (null: the RID's, untagged) must come from a table in authority(D) as
 * installed in memory now (the root its fill's translation request walked from, `CachedLeaf.root`),
 * or reach only pages one of those tables maps; identity is all memory. No grace: the call
 * returned, so its configuration invalidation, its ATC invalidation and their fences are done.
 * `reads` gets what the verdict read beyond the ATC and the function's entries: the frames of the
 * tables of authority(D) when an entry needed the page-set test.
 */
export function atcOutsideAuthority(
  unit: HwIommu,
  ep: HwEndpoint,
  sid: number,
  pasid: number | null,
  reads: Access[],
): { outside: AtcOutside[]; auth: Authority } {
  const outside: AtcOutside[] = [];
  const held = ep.atc.all().filter((e) => e.pasid === pasid);
  const auth: Authority = held.length === 0 ? { all: false, roots: [] } : authorityOf(unit, sid, pasid, false);
  if (held.length === 0 || auth.all) return { outside, auth };
  const roots = new Set(auth.roots.map((r) => r.pfn));
  let pages: Set<number> | null = null;
  for (const e of held) {
    if (e.leaf.root >= 0 && roots.has(e.leaf.root)) continue;
    if (pages === null) {
      pages = new Set<number>();
      const frames: Array<{ pfn: number; by: string }> = [];
      for (const r of auth.roots) {
        if (r.fmt === null) {
          frames.push({ pfn: r.pfn, by: r.why });
          continue;
        }
        ptTableFrames(unit.mem, r.pfn, r.fmt.levels, r.why, frames);
        for (const l of ptLeaves(unit.mem, r.fmt, r.pfn)) {
          const n = Math.min(l.size / 4096, ATC_MAX_PAGES);
          for (let i = 0; i < n; i++) pages.add(Math.floor(l.out / 4096) + i);
        }
      }
      for (const fr of frames) reads.push(access(unit.mem.page(fr.pfn), null));
    }
    const first = Math.floor(e.leaf.out / 4096);
    const n = Math.min(e.leaf.size / 4096, ATC_MAX_PAGES);
    let all = true;
    for (let i = 0; i < n && all; i++) if (!pages.has(first + i)) all = false;
    if (!all) outside.push(e);
  }
  return { outside, auth };
}

/** a report line for one ATC entry outside authority(D) */
export function describeAtcOutside(unit: HwIommu, ep: HwEndpoint, sid: number, o: AtcOutside, auth: Authority): string {
  const from = o.leaf.root >= 0 ? `filled through table 0x${(o.leaf.root * 4096).toString(16)}` : 'filled through no table (identity)';
  const tables = auth.roots.length === 0 ? 'no table (blocked)' : auth.roots.map((x) => `0x${(x.pfn * 4096).toString(16)} [${x.why}]`).join(', ');
  return (
    `${ep.label}'s ATC (${unit.name} sid 0x${sid.toString(16)}${o.pasid === null ? '' : ` pasid ${o.pasid}`}) still holds IOVA 0x${o.leaf.iova.toString(16)} -> ` +
    `0x${o.leaf.out.toString(16)} (${o.leaf.size / 1024}K), ${from}: not in authority(D), whose tables in memory are ${tables}`
  );
}
