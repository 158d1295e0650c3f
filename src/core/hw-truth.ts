// What the checker reads as the hardware truth (spec core.md §1): what a device's RID and PASIDs
// really translate through, what attaching a domain installs, and the units to scan. Not a
// kernel interface: each driver's decoder provides it through the driver seam
// (drivers/registry.ts, drivers/truth.ts), and the invariants are handed it.
import type { Device } from '../base/device.js';
import type { HwTranslation } from '../hw/translation.js';
import type { Access } from '../sync/index.js';
import type { TranslationUnit } from '../hw/unit.js';
import type { IommuDomain } from './domain.js';

export interface HwTruth {
  /** the translation really installed for dev's RID (pasid null) or one PASID */
  installed(dev: Device, pasid: number | null): HwTranslation;
  /** present PASID entries of dev */
  installedPasids(dev: Device): ReadonlyMap<number, HwTranslation>;
  /** the translation attaching `domain` installs */
  translationOf(domain: IommuDomain): HwTranslation;
  /** the hardware units, for scans */
  units(): readonly TranslationUnit[];
  /** the locations deciding what dev's RID and PASIDs translate through (TranslationUnit.entryReads) */
  entryReads(dev: Device): readonly Access[];
  /** the unit dev's DMA goes through and its (first) stream ID, null without one (cache checks: H2) */
  dmaPath?(dev: Device): { readonly unit: TranslationUnit; readonly sid: number } | null;
}
