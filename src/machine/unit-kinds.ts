// The kinds of IOMMU hardware a Machine can be built with, by name. A new hardware model is one
// more entry: a constructor of its unit from the instance's name and the machine being built
// (its memory, its description). Drivers name the kind they drive (drivers/registry.ts), and the
// Machine builds that kind for their instances.
import { StreamTable } from '../hw/stream-table.js';
import type { TranslationUnit } from '../hw/unit.js';
import { VtdUnit } from '../hw/vtd/vtd.js';
import type { Machine } from './machine.js';
import { machinePhysMemory } from './memory.js';

export type UnitFactory = (name: string, m: Machine) => TranslationUnit;

export const unitKinds: Readonly<Record<string, UnitFactory>> = {
  /** the mock IOMMU's hardware: a stream table with a PASID table per entry (hardware.md §5) */
  'stream-table': (name) => new StreamTable(name),
  /** an Intel VT-d remapping unit (hardware.md §2) over the machine's physical memory */
  'vtd': (name, m) => new VtdUnit(name, machinePhysMemory(m)),
};

export function makeUnit(kind: string, name: string, m: Machine): TranslationUnit {
  const make = unitKinds[kind];
  if (make === undefined) throw new Error(`no IOMMU hardware of kind "${kind}" (known: ${Object.keys(unitKinds).join(', ')})`);
  return make(name, m);
}
