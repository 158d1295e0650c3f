// The hardware truth the checker reads (core/hw-truth.ts), assembled through the driver seam: a
// device's DMA path comes from the Machine's firmware tables (its unit and stream ID), and the
// unit's tables are decoded by the driver the topology puts on that unit.
import type { Device } from '../base/device.js';
import type { IommuDomain } from '../core/domain.js';
import type { HwTruth } from '../core/hw-truth.js';
import { HW_NONE, type HwTranslation } from '../hw/translation.js';
import type { TranslationUnit } from '../hw/unit.js';
import type { Machine } from '../machine/machine.js';
import type { Access } from '../sync/index.js';
import type { IommuDriver } from './driver.js';

const noPasids: ReadonlyMap<number, HwTranslation> = new Map();

export class SeamTruth implements HwTruth {
  /** the drivers in use, each once */
  private readonly drivers: IommuDriver[] = [];
  private readonly unitList: TranslationUnit[];

  constructor(
    readonly machine: Machine,
    /** the driver of each unit */
    private readonly driverOf: ReadonlyMap<TranslationUnit, IommuDriver>,
  ) {
    for (const d of driverOf.values()) if (!this.drivers.includes(d)) this.drivers.push(d);
    this.unitList = [...machine.units.values()];
  }

  installed(dev: Device, pasid: number | null): HwTranslation {
    const path = this.machine.pathOf(dev.ep);
    const unit = path.unit;
    if (unit === null) return HW_NONE;
    return this.driverOf.get(unit)!.decoder.installed(unit, path.sids[0] ?? 0, pasid);
  }

  installedPasids(dev: Device): ReadonlyMap<number, HwTranslation> {
    const path = this.machine.pathOf(dev.ep);
    const unit = path.unit;
    if (unit === null) return noPasids;
    return this.driverOf.get(unit)!.decoder.installedPasids(unit, path.sids[0] ?? 0);
  }

  translationOf(domain: IommuDomain): HwTranslation {
    for (const d of this.drivers) if (d.decoder.owns(domain)) return d.decoder.translationOf(domain);
    throw new Error(`no driver in use owns ${domain.label}`);
  }

  units(): readonly TranslationUnit[] {
    return this.unitList;
  }

  dmaPath(dev: Device): { readonly unit: TranslationUnit; readonly sid: number } | null {
    const path = this.machine.pathOf(dev.ep);
    return path.unit === null ? null : { unit: path.unit, sid: path.sids[0] ?? 0 };
  }

  entryReads(dev: Device): readonly Access[] {
    const path = this.machine.pathOf(dev.ep);
    const unit = path.unit;
    if (unit === null) return [];
    return (path.sids.length > 0 ? path.sids : [0]).flatMap((sid) => unit.entryReads(sid));
  }
}
