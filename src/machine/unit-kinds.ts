// The kinds of IOMMU hardware a Machine can be built with, by name. A new hardware model is one
// more entry: a constructor of its unit from the instance's name and the machine being built
// (its memory, its description). Drivers name the kind they drive (drivers/registry.ts), and the
// Machine builds that kind for their instances.
import { Smmuv3 } from '../hw/smmuv3/smmu.js';
import { StreamTable } from '../hw/stream-table.js';
import type { TranslationUnit } from '../hw/unit.js';
import { VtdUnit } from '../hw/vtd/vtd.js';
import type { Machine } from './machine.js';
import { machinePhysMemory } from './memory.js';
import { pciRid } from './topology.js';

export type UnitFactory = (name: string, m: Machine) => TranslationUnit;

/**
 * StreamID bits of an SMMU sized for the machine it sits in (SMMU_IDR1.SIDSIZE): enough for every
 * requester ID and platform stream ID the firmware gives its endpoints, at least 8. The driver
 * then uses a linear stream table of that size (see drivers/smmuv3/probe.ts).
 */
export function smmuSidBitsFor(m: Machine, name: string): number {
  let max = 0;
  const first = m.desc.units[0]?.name;
  const mine = (iommu: string | null | undefined): boolean => iommu !== null && (iommu ?? first) === name;
  for (const f of m.desc.pci) if (mine(f.iommu)) max = Math.max(max, pciRid(f));
  for (const p of m.desc.platform) if (mine(p.iommu)) max = Math.max(max, ...(p.sids ?? [0x1000 + m.desc.platform.length]));
  return Math.max(8, Math.ceil(Math.log2(max + 1)));
}

export const unitKinds: Readonly<Record<string, UnitFactory>> = {
  /** the mock IOMMU's hardware: a stream table with a PASID table per entry (hardware.md §5) */
  'stream-table': (name) => new StreamTable(name),
  /** an ARM SMMUv3 (hardware.md §1) over the machine's memory */
  'smmuv3': (name, m) => new Smmuv3(name, machinePhysMemory(m), { sidBits: smmuSidBitsFor(m, name) }),
  /** an Intel VT-d remapping unit (hardware.md §2) over the machine's physical memory */
  'vtd': (name, m) => new VtdUnit(name, machinePhysMemory(m)),
};

export function makeUnit(kind: string, name: string, m: Machine): TranslationUnit {
  const make = unitKinds[kind];
  if (make === undefined) throw new Error(`no IOMMU hardware of kind "${kind}" (known: ${Object.keys(unitKinds).join(', ')})`);
  return make(name, m);
}
