// Build a Machine from its description (setup, no yields): one unit of the named kind per IOMMU
// instance, one endpoint per PCI function and platform device, and the firmware DMA paths.
import { HwEndpoint } from '../hw/endpoint.js';
import type { HwIommu } from '../hw/unit.js';
import { Machine } from './machine.js';
import type { MachineDesc } from './topology.js';
import { pciRid } from './topology.js';
import { makeUnit } from './unit-kinds.js';

/** the first stream ID given to a platform device without explicit ones */
export const FIRST_PLATFORM_SID = 0x1000;

export function buildMachine(desc: MachineDesc): Machine {
  const m = new Machine(desc);
  for (const u of desc.units) m.units.set(u.name, makeUnit(u.kind, u.name, m));
  const unitOf = (n: string | null | undefined) => {
    if (n === null) return null;
    const name = n ?? desc.units[0]?.name;
    if (name === undefined) return null;
    const unit = m.units.get(name);
    if (unit === undefined) throw new Error(`machine: unknown IOMMU "${name}"`);
    return unit;
  };
  const add = (name: string, unit: ReturnType<typeof unitOf>, sids: readonly number[], ats: boolean): void => {
    if (m.endpoints.has(name)) throw new Error(`machine: two devices named "${name}"`);
    const ep = new HwEndpoint(name);
    ep.atsCapable = ats;
    m.endpoints.set(name, ep);
    m.paths.set(ep, { unit, sids });
    // tables are preallocated in hardware: every entry an endpoint can use exists from the
    // start, so no step creates one (and a check can name it)
    if (unit !== null) for (const sid of sids) unit.entryReads(sid);
    // the ports of a unit that sends ATS invalidations (SMMUv3, VT-d): which function answers them
    if (unit !== null && 'wire' in unit) for (const sid of sids) (unit as HwIommu).wire(sid, ep);
  };
  for (const f of desc.pci) add(f.name, unitOf(f.iommu), [pciRid(f)], f.ats ?? false);
  // the requester IDs a function's DMA aliases put on the bus (quirk aliases, a PCIe-to-PCI
  // bridge's secondary bus): firmware gives them to the kernel too, so their entries exist as well
  for (const f of desc.pci) {
    const unit = unitOf(f.iommu);
    if (unit === null) continue;
    for (const a of f.aliases ?? []) unit.entryReads((f.bus << 8) | a);
    if (f.bridge?.kind === 'pcie-to-pci') unit.entryReads(f.bridge.secondary << 8);
  }
  let nextSid = FIRST_PLATFORM_SID;
  for (const p of desc.platform) add(p.name, unitOf(p.iommu), p.sids ?? [nextSid++], false);
  return m;
}
