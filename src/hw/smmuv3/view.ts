// SMMUv3 tables decoded to the uniform view (unit.ts): what (sid, pasid) gets from the STE and CD
// in memory (installed) or from what the configuration cache holds (effective), the PASIDs with a
// valid CD, and the table frames the hardware can still reach (installed roots and the tables
// below them, walk-cache entries, roots named by cached CDs): the facts H4, H7 and H11 read.
import { HW_ABORT, HW_BYPASS, type HwTranslation, hwTranslate } from '../translation.js';
import type { FrameRef, InstalledTag } from '../unit.js';
import { smmuTag, TAG_EL2, TAG_NH, TAG_S2 } from './tags.js';
import { armLpaeS2 } from '../pgtable/format.js';
import { ptTableFrames, ptWalk } from '../pgtable/walk.js';
import { type Cd } from './cd.js';
import type { Smmuv3 } from './smmu.js';
import { STE_CFG_ABORT, STE_CFG_BYPASS, STE_CFG_NESTED, STE_CFG_S2, type Ste, steIllegal } from './ste.js';
import { slotValue } from '../memory/slots.js';
import { cdL1Slot, cdSlotAt, type L1Desc, steInMemory } from './tables.js';

/** an intermediate address through `ste`'s stage 2 in memory (no TLB), or -1 */
function s2Pa(smmu: Smmuv3, ste: Ste, ipa: number): number {
  const w = ptWalk(smmu.mem, armLpaeS2({ levels: ste[2].s2levels }), Math.floor(ste[3].s2ttb / 4096), 0, ipa);
  return w.leaf === null ? -1 : w.leaf.out + (ipa - w.leaf.iova);
}

/** the CD of `ssid` in memory as the SMMU would fetch it through `ste`, or null */
export function cdInMemory(smmu: Smmuv3, ste: Ste, ssid: number): Cd | null {
  const w0 = ste[0];
  const nested = w0.config === STE_CFG_NESTED;
  const pa = (ipa: number): number => (nested ? s2Pa(smmu, ste, ipa) : ipa);
  let l2 = 0;
  if (w0.s1fmt === '2lvl') {
    const at = pa(w0.s1ctxptr + Math.floor((ssid >>> 10) / 512) * 4096);
    if (at < 0) return null;
    const s = cdL1Slot(smmu.mem, at - (at % 4096), (ssid >>> 10) % 512);
    const d = s.page.format === 'l1' ? slotValue<L1Desc>(s) : null;
    if (d === null || d.span === 0) return null;
    l2 = d.l2ptr;
  }
  const index = w0.s1fmt === 'linear' ? ssid : ssid & 1023;
  const at = pa((w0.s1fmt === 'linear' ? w0.s1ctxptr : l2) + Math.floor(index / 64) * 4096);
  if (at < 0) return null;
  const s = cdSlotAt(smmu.mem, 'linear', at - (at % 4096), index % 64, 0);
  return s.page.format === 'cd' ? slotValue<Cd>(s) : null;
}

/** what (sid, pasid) gets from `ste`, with CDs from `cdOf` */
export function smmuDecode(
  smmu: Smmuv3,
  ste: Ste | null,
  cdOf: (ssid: number) => Cd | null,
  pasid: number | null,
): HwTranslation {
  if (!smmu.enabled) return smmu.gbpaAbort ? HW_ABORT : HW_BYPASS;
  if (ste === null || !ste[0].v || steIllegal(ste)) return HW_ABORT;
  const config = ste[0].config;
  if (config === STE_CFG_ABORT) return HW_ABORT;
  if (config === STE_CFG_BYPASS) return HW_BYPASS;
  const s2root = smmu.mem.pageAt(ste[3].s2ttb);
  if (config === STE_CFG_S2) return pasid === null ? hwTranslate(s2root) : HW_ABORT;
  const w0 = ste[0];
  let ssid: number;
  if (pasid !== null) {
    if (w0.s1cdmax === 0 || pasid >= 2 ** w0.s1cdmax || (pasid === 0 && ste[1].s1dss === 'ssid0')) return HW_ABORT;
    ssid = pasid;
  } else if (w0.s1cdmax === 0 || ste[1].s1dss === 'ssid0') ssid = 0;
  else if (ste[1].s1dss === 'terminate') return HW_ABORT;
  else return config === STE_CFG_NESTED ? hwTranslate(s2root) : HW_BYPASS;
  const cd = cdOf(ssid);
  if (cd === null || !cd[0].v || cd[0].epd0) return HW_ABORT;
  if (config === STE_CFG_NESTED) return { kind: 'nested', table: s2root, s1: cd[1].ttb0 };
  return hwTranslate(smmu.mem.pageAt(cd[1].ttb0));
}

export function smmuInstalled(smmu: Smmuv3, sid: number, pasid: number | null): HwTranslation {
  const ste = steInMemory(smmu, sid);
  return smmuDecode(smmu, ste, (ssid) => (ste === null ? null : cdInMemory(smmu, ste, ssid)), pasid);
}

export function smmuEffective(smmu: Smmuv3, sid: number, pasid: number | null): HwTranslation {
  const line = smmu.cfg.get(sid);
  const ste = line?.ste ?? steInMemory(smmu, sid);
  return smmuDecode(smmu, ste, (ssid) => line?.cds.get(ssid) ?? (ste === null ? null : cdInMemory(smmu, ste, ssid)), pasid);
}

/** the valid CDs at SSID != 0 of `ste`'s CD table, in memory */
export function cdsInMemory(smmu: Smmuv3, ste: Ste): Array<[number, Cd]> {
  const out: Array<[number, Cd]> = [];
  if (!ste[0].v || (ste[0].config & 1) === 0 || ste[0].config < 4 || ste[0].s1cdmax === 0) return out;
  const n = 2 ** ste[0].s1cdmax;
  for (let ssid = 1; ssid < n; ssid++) {
    if (ste[0].s1fmt === '2lvl' && ssid % 1024 === 0 && cdInMemory(smmu, ste, ssid) === null) {
      // an absent leaf: skip its 1024 CDs
      const s = cdL1Slot(smmu.mem, ste[0].s1ctxptr, ssid >>> 10);
      if ((slotValue<L1Desc>(s)?.span ?? 0) === 0) {
        ssid += 1023;
        continue;
      }
    }
    const cd = cdInMemory(smmu, ste, ssid);
    if (cd !== null && cd[0].v) out.push([ssid, cd]);
  }
  return out;
}

export function smmuReachableFrames(smmu: Smmuv3): FrameRef[] {
  const out: FrameRef[] = [];
  for (const sid of smmu.knownSids) {
    const ste = steInMemory(smmu, sid);
    if (ste === null || !ste[0].v || steIllegal(ste)) continue;
    if ((ste[0].config & 2) === 2 && ste[0].config >= 4) ptTableFrames(smmu.mem, Math.floor(ste[3].s2ttb / 4096), ste[2].s2levels, `sid ${sid} S2TTB`, out);
    if ((ste[0].config & 1) === 1 && ste[0].config >= 4) {
      const cds: Array<[number, Cd]> = [...cdsInMemory(smmu, ste)];
      const cd0 = cdInMemory(smmu, ste, 0);
      if (cd0 !== null && cd0[0].v) cds.unshift([0, cd0]);
      for (const [ssid, cd] of cds) {
        if (cd[0].epd0) continue;
        const root = ste[0].config === STE_CFG_NESTED ? s2Pa(smmu, ste, cd[1].ttb0) : cd[1].ttb0;
        if (root >= 0) ptTableFrames(smmu.mem, Math.floor(root / 4096), cd[0].levels, `sid ${sid} ssid ${ssid} TTB0`, out);
      }
    }
  }
  return out;
}

export function smmuCachedFrames(smmu: Smmuv3): FrameRef[] {
  const out: FrameRef[] = [];
  smmu.tlb.forEachTag((tag, c) => {
    for (const pfn of c.walkFrames()) out.push({ pfn, by: `walk cache (${smmu.describeTag(tag)})` });
  });
  for (const [sid, line] of smmu.cfg.entries()) {
    for (const [ssid, cd] of line.cds) {
      if (cd[0].v && !cd[0].epd0 && line.ste !== null && line.ste[0].config !== STE_CFG_NESTED) out.push({ pfn: Math.floor(cd[1].ttb0 / 4096), by: `cached CD sid ${sid} ssid ${ssid}` });
    }
    if (line.ste !== null && (line.ste[0].config & 2) === 2 && line.ste[0].config >= 4) out.push({ pfn: Math.floor(line.ste[3].s2ttb / 4096), by: `cached STE sid ${sid}` });
  }
  return out;
}

/** every (tag, root) the STEs and CDs in memory install (unit.ts installedTags) */
export function smmuInstalledTags(smmu: Smmuv3): InstalledTag[] {
  const out: InstalledTag[] = [];
  for (const sid of [...smmu.knownSids].sort((a, b) => a - b)) {
    const ste = steInMemory(smmu, sid);
    if (ste === null || !ste[0].v || steIllegal(ste) || ste[0].config < 4) continue;
    const c = ste[0].config;
    if ((c & 2) === 2) out.push({ tag: smmuTag(
      TAG_S2,
      ste[2].s2vmid,
      0,
    ), root: Math.floor(ste[3].s2ttb / 4096), sid, pasid: null });
    if ((c & 1) === 0) continue;
    const cds: Array<[number, Cd]> = cdsInMemory(smmu, ste);
    const cd0 = cdInMemory(smmu, ste, 0);
    if (cd0 !== null && cd0[0].v) cds.unshift([0, cd0]);
    for (const [ssid, cd] of cds) {
      if (cd[0].epd0) continue;
      const root = c === STE_CFG_NESTED ? s2Pa(smmu, ste, cd[1].ttb0) : cd[1].ttb0;
      const tag = ste[1].strw === 'el2' ? smmuTag(TAG_EL2, 0, cd[0].asid) : smmuTag(TAG_NH, ste[2].s2vmid, cd[0].asid);
      out.push({ tag, root: root < 0 ? -1 : Math.floor(root / 4096), sid, pasid: ssid === 0 ? null : ssid });
    }
  }
  return out;
}
