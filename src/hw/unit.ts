// The uniform hardware view every IOMMU model offers: what is installed for a stream and PASID
// right now, read from the hardware structures in memory, and the fetch a DMA transaction does
// through them. The Machine holds its units behind this interface, whatever their kind (the
// mock's stream table today; SMMUv3 and VT-d models plug in the same way).
import type { Access, Gen, KObject } from '../sync/index.js';
import type { HwTranslation } from './translation.js';

export interface TranslationUnit {
  readonly name: string;
  /** the hardware kind (machine/unit-kinds.ts), e.g. "stream-table" */
  readonly kind: string;
  /** installed(sid, pasid): pasid null = the RID (requests without PASID) */
  installed(sid: number, pasid: number | null): HwTranslation;
  /** the PASIDs with a present entry for `sid` */
  installedPasids(sid: number): ReadonlyMap<number, HwTranslation>;
  /** every present entry, for the use-after-free scan */
  all(): ReadonlyArray<{ sid: number; pasid: number | null; t: HwTranslation }>;
  /**
   * The fetch of one DMA transaction: the device issues it and the IOMMU reads the entries for
   * (sid, pasid) in one step (a `dmaRead` yield naming what it reads; `also`: what the issuing
   * device's side of the same step reads, its reset state).
   */
  dmaFetch(sid: number, pasid: number | null, also?: readonly Access[]): Gen<HwTranslation>;
  /** the hardware objects holding the entries of `sid` (what a check reading them names) */
  entryObjects(sid: number): readonly KObject[];
  /** every entry object, for checks that scan them all */
  allEntryObjects(): readonly KObject[];
}
