// Every present entry of a unit that finds its entries through tables in memory (SMMUv3, VT-d),
// for the use-after-free scan (TranslationUnit.all()): the RID and then each PASID with a present
// entry, for every stream ID the unit has seen programmed, in stream order.
import type { HwTranslation } from './translation.js';
import type { TranslationUnit } from './unit.js';

export interface InstalledEntry {
  readonly sid: number;
  readonly pasid: number | null;
  readonly t: HwTranslation;
}

export function installedEntries(unit: Pick<TranslationUnit, 'installed' | 'installedPasids'>, sids: Iterable<number>): InstalledEntry[] {
  const out: InstalledEntry[] = [];
  for (const sid of [...sids].sort((a, b) => a - b)) {
    out.push({ sid, pasid: null, t: unit.installed(sid, null) });
    for (const [pasid, t] of unit.installedPasids(sid)) out.push({ sid, pasid, t });
  }
  return out;
}
