// The driver seam: what an IOMMU driver gives the rest of the model, in one place. A kernel boot
// initialises each driver its topology names and lets it probe its hardware units; the checker
// decodes a unit's tables through the driver's decoder; scenario files validate its knobs
// (scenarios/file/driver-knobs.ts) and aim failures at its fault sites. drivers/registry.ts
// lists the drivers.
import type { FwNode } from '../base/device.js';
import type { Module } from '../base/module.js';
import type { IommuDomain } from '../core/domain.js';
import type { IommuDevice } from '../core/iommu-device.js';
import type { IommuOps } from '../core/ops.js';
import type { HwTranslation } from '../hw/translation.js';
import type { TranslationUnit } from '../hw/unit.js';

/** one boot's state of a driver (its module statics): the module and its iommu_ops */
export interface DriverInstance {
  readonly module: Module;
  readonly ops: IommuOps;
}

/** how the checker reads the hardware this driver programs (the hardware truth of spec core.md §1) */
export interface HwDecoder {
  /** what the unit's tables install for (sid, pasid); pasid null = the RID */
  installed(unit: TranslationUnit, sid: number, pasid: number | null): HwTranslation;
  /** the present PASID entries of `sid` */
  installedPasids(unit: TranslationUnit, sid: number): ReadonlyMap<number, HwTranslation>;
  /** is `domain` one of this driver's? */
  owns(domain: IommuDomain): boolean;
  /** the translation attaching `domain` installs */
  translationOf(domain: IommuDomain): HwTranslation;
}

export interface IommuDriver<Knobs = unknown> {
  /** what a topology's `driver:` names */
  readonly name: string;
  /** the kind of hardware unit it drives (machine/unit-kinds.ts) */
  readonly hwKind: string;
  /** the topology key holding its knobs (module parameters), and their defaults */
  readonly knobs: { readonly key: string; readonly defaults: Knobs };
  /** the callbacks a scenario can make fail (its fault rules' `callback`) */
  readonly faultSites: readonly string[];
  /** module_init(): the driver's state for one boot (setup, no yields) */
  init(knobs: Knobs): DriverInstance;
  /** the driver's probe of one of its units: the iommu_device `register` publishes (setup, no yields) */
  probeUnit(drv: DriverInstance, unit: TranslationUnit, node: FwNode): IommuDevice;
  readonly decoder: HwDecoder;
}
