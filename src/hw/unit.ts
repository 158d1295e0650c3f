// The uniform hardware view every IOMMU model offers to the checker: what is installed for a
// stream and PASID right now, read from the hardware structures in memory.
import type { KObject } from '../sync/index.js';
import type { HwTranslation } from './translation.js';

export interface TranslationUnit {
  readonly name: string;
  /** installed(sid, pasid): pasid null = the RID (requests without PASID) */
  installed(sid: number, pasid: number | null): HwTranslation;
  /** the PASIDs with a present entry for `sid` */
  installedPasids(sid: number): ReadonlyMap<number, HwTranslation>;
  /** every present entry, for the use-after-free scan */
  all(): ReadonlyArray<{ sid: number; pasid: number | null; t: HwTranslation }>;
  /** the hardware objects holding the entry of `sid` (what a check reading it names), created if need be */
  entryObjects(sid: number): readonly KObject[];
  /** every entry object, for checks that scan them all */
  allEntryObjects(): readonly KObject[];
}
