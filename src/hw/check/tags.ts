// Cache-tag checks (hardware.md §6 H5, H6, H12): what the hardware in memory says about tags,
// whatever the drivers' allocators believe. Pure functions over the units' installed tags and
// cached translations.
import type { HwIommu, InstalledTag } from '../unit.js';
import type { Smmuv3 } from '../smmuv3/smmu.js';
import { TAG_NH, TAG_S2, tagAsid, tagKind, tagVmid } from '../smmuv3/tags.js';
import type { VtdUnit } from '../vtd/vtd.js';
import { FLPT_DEFAULT_DID, PGTT_FL, PGTT_PT } from '../vtd/entries.js';
import { VTD_FL, vtdTagDid, vtdTagKind } from '../vtd/tags.js';
import { ctxInMemory, pasidInMemory } from '../vtd/tables.js';
import { pasidEntries } from '../vtd/view.js';
import type { LegacyCtx, PasidEntry, SmCtx } from '../vtd/entries.js';

/**
 * H5 (the hardware half of tag uniqueness): one tag never walks two different roots. Across the
 * given units when `global` (SMMUv3 ASIDs come from one system-wide allocator), else per unit.
 * `shared` accepts tags that may legitimately name several roots (VT-d DID 1: SVA entries).
 */
export function tagRootConflicts(
  units: readonly HwIommu[],
  global: boolean,
  shared: (unit: HwIommu, tag: number) => boolean = () => false,
): string[] {
  const out: string[] = [];
  const byTag = new Map<string, Array<{ unit: HwIommu; t: InstalledTag }>>();
  for (const u of units) {
    for (const t of u.installedTags()) {
      if (t.root < 0 || shared(u, t.tag)) continue;
      const key = global ? `${t.tag}` : `${u.name}/${t.tag}`;
      let l = byTag.get(key);
      if (l === undefined) byTag.set(key, (l = []));
      l.push({ unit: u, t });
    }
  }
  for (const l of byTag.values()) {
    const roots = new Set(l.map((x) => x.t.root));
    if (roots.size < 2) continue;
    const who = l.map((x) => `${x.unit.name} sid 0x${x.t.sid.toString(16)}${x.t.pasid === null ? '' : ` pasid ${x.t.pasid}`} -> root 0x${x.t.root.toString(16)}`);
    out.push(`H5: ${l[0]!.unit.describeTag(l[0]!.t.tag)} walks ${roots.size} different tables: ${who.join('; ')}`);
  }
  return out;
}

/** H5 on SMMUv3: ASID 0 never in a valid CD, VMID 0 only in S1-only STEs; and no ASID walks two tables system-wide */
export function smmuTagProblems(smmus: readonly Smmuv3[]): string[] {
  const out = tagRootConflicts(smmus, true);
  for (const s of smmus) {
    for (const t of s.installedTags()) {
      if (tagKind(t.tag) !== TAG_S2 && tagAsid(t.tag) === 0) out.push(`H5: ${s.name} sid ${t.sid}: a valid CD with ASID 0`);
      if (tagKind(t.tag) === TAG_S2 && tagVmid(t.tag) === 0) out.push(`H5: ${s.name} sid ${t.sid}: a stage-2 STE with VMID 0 (reserved for S1-only STEs)`);
      const nested = s.installedTags().some((x) => x.sid === t.sid && tagKind(x.tag) === TAG_S2);
      if (tagKind(t.tag) === TAG_NH && tagVmid(t.tag) !== 0 && !nested) {
        out.push(`H5: ${s.name} sid ${t.sid}: an S1-only STE with VMID ${tagVmid(t.tag)} (S1-only STEs use VMID 0)`);
      }
    }
  }
  return out;
}

function didRules(unit: VtdUnit, sid: number, pasid: number | null, pe: PasidEntry, out: string[]): void {
  const did = pe[1].did;
  const where = `${unit.name} sid 0x${sid.toString(16)}${pasid === null ? '' : ` pasid ${pasid}`}`;
  if (did === 0) out.push(`H5: ${where}: a present entry with DID 0 (reserved)`);
  if (pe[0].pgtt === PGTT_PT && did !== FLPT_DEFAULT_DID) out.push(`H5: ${where}: a pass-through entry with DID ${did} (Linux uses DID 1)`);
  if (did === FLPT_DEFAULT_DID && pe[0].pgtt !== PGTT_PT && pe[0].pgtt !== PGTT_FL) out.push(`H5: ${where}: DID 1 on a second-level or nested entry (DID 1 is for pass-through and SVA)`);
  if (did >= unit.caps.ndoms) out.push(`H5: ${where}: DID ${did} beyond cap_ndoms ${unit.caps.ndoms}`);
}

/** H5/H12 on VT-d: DID 0 never used, DID 1 only for pass-through and first-level SVA, DIDs below ndoms; no DID walks two tables */
export function vtdTagProblems(units: readonly VtdUnit[]): string[] {
  const out = tagRootConflicts(units, false, (_u, tag) => vtdTagDid(tag) === FLPT_DEFAULT_DID && vtdTagKind(tag) === VTD_FL);
  for (const u of units) {
    for (const sid of [...u.knownSids].sort((a, b) => a - b)) {
      const c = ctxInMemory(u, sid);
      if (c === null || !c[0].p) continue;
      if (!u.sm) {
        const lc = c as LegacyCtx;
        if (lc[1].did === 0) out.push(`H5: ${u.name} sid 0x${sid.toString(16)}: a present context entry with DID 0`);
        continue;
      }
      const sc = c as SmCtx;
      const rid = pasidInMemory(u.mem, sc[0].pasiddirptr, sc[1].ridPasid);
      if (rid !== null && rid[0].p) didRules(u, sid, null, rid, out);
      for (const [p, pe] of pasidEntries(u, sid)) didRules(u, sid, p, pe, out);
    }
  }
  return out;
}

/**
 * H6: a tag reused by a new owner holds nothing cached from the previous one: every cached
 * translation of a tag that is installed now was walked from the root installed now.
 */
export function staleTagOwners(unit: HwIommu): string[] {
  const out: string[] = [];
  const roots = new Map<number, Set<number>>();
  for (const t of unit.installedTags()) {
    let s = roots.get(t.tag);
    if (s === undefined) roots.set(t.tag, (s = new Set()));
    s.add(t.root);
  }
  const reported = new Set<string>();
  for (const h of unit.cachedLeaves()) {
    const now = roots.get(h.tag);
    if (now === undefined || h.leaf.root < 0 || now.has(h.leaf.root)) continue;
    const key = `${h.tag}:${h.leaf.root}`;
    if (reported.has(key)) continue;
    reported.add(key);
    out.push(`H6: ${unit.name}: ${unit.describeTag(h.tag)} now walks root 0x${[...now][0]!.toString(16)} but the TLB still holds IOVA 0x${h.leaf.iova.toString(16)} -> 0x${h.leaf.out.toString(16)} walked from root 0x${h.leaf.root.toString(16)}`);
  }
  return out;
}
