// Random machines: IOMMU instances (drivers from the driver registry), PCI functions on the
// root bus or behind bridges (PCIe ports or PCIe-to-PCI bridges, with or without ACS),
// multifunction slots, quirk DMA aliases, ATS and PASID capabilities, reset methods and the
// pcie_flr() quirk, CXL, firmware direct mappings, untrusted and hot-plugged devices, platform
// devices, the default domain type, and each driver's knobs (driver-knobs-gen.ts).
import { driverNames } from '../drivers/registry.js';
import type { PciFunctionSpec, PlatformDeviceSpec, ResvSpec, Topology } from '../scenarios/iommu/spec.js';
import type { FuzzConfig } from './config.js';
import { knobsFor } from './knobs-gen.js';
import { devicesOf } from './program.js';
import type { Rand } from './rand.js';

const optionalResets = ['af_flr', 'pm', 'acpi', 'device_specific'] as const;

/** the drivers a campaign may use: the registry's, weighted by the config (unknown names ignored) */
export function driverWeights(cfg: FuzzConfig): Array<readonly [string, number]> {
  return driverNames.map((d) => [d, cfg.drivers[d] ?? 0] as const);
}

export function generateTopology(r: Rand, cfg: FuzzConfig): Topology {
  const w = cfg.topology;
  const nIommus = r.between(1, Math.max(1, w.maxIommus));
  const drivers = driverWeights(cfg);
  const iommus = Array.from({ length: nIommus }, (_, i) => {
    const driver = r.weighted(drivers) ?? driverNames[0];
    return {
      name: `iommu${i}`,
      ...(driver === driverNames[0] ? {} : { driver }),
      ...(r.chance(w.unregisteredIommu) ? { registered: false } : {}),
    };
  });
  const iommuFor = (): { iommu?: string | null } => {
    if (r.chance(w.noIommu)) return { iommu: null };
    return nIommus === 1 ? {} : { iommu: r.pick(iommus).name };
  };
  // the IOMMU sits at the root complex: every function of the PCI hierarchy (bridges and what
  // is behind them) is translated by the same instance; firmware may leave out a function of
  // the root bus (a device scope that does not list it), not one behind a bridge
  const pciIommu: { iommu?: string } = nIommus === 1 ? {} : { iommu: r.pick(iommus).name };
  const pciIommuFor = (bus: number): { iommu?: string | null } => (bus === 0 && r.chance(w.noIommu) ? { iommu: null } : pciIommu);
  const pci: PciFunctionSpec[] = [];
  const bridges: Array<{ readonly secondary: number; readonly kind: 'pcie-port' | 'pcie-to-pci' }> = [];
  let nextSlot = 1;
  let nextBus = 1;
  const slotsUsed = new Map<number, number>(); // bus -> next free slot
  const newSlot = (bus: number): number => {
    const s = slotsUsed.get(bus) ?? (bus === 0 ? nextSlot : 0);
    slotsUsed.set(bus, s + 1);
    return s;
  };
  const newBridge = (): number => {
    const secondary = nextBus++;
    const kind = r.chance(w.pcieToPci) ? 'pcie-to-pci' as const : 'pcie-port' as const;
    const slot = newSlot(0);
    nextSlot = slot + 1;
    pci.push({
      name: `br${bridges.length}`,
      bus: 0,
      slot,
      bridge: { secondary, ...(kind === 'pcie-port' ? {} : { kind }) },
      ...pciIommu,
      ...(r.chance(w.acs) ? { acs: r.chance(0.5) } : {}),
    });
    bridges.push({ secondary, kind });
    return secondary;
  };
  const nPci = r.between(1, Math.max(1, w.maxPci));
  let last: PciFunctionSpec | null = null;
  let lastMultiIndex = -1;
  for (let i = 0; i < nPci; i++) {
    const name = `ep${i}`;
    let bus: number;
    let slot: number;
    let fn = 0;
    let multifunction = false;
    if (last !== null && (last.fn ?? 0) < 7 && r.chance(w.multifunction)) {
      // another function of the previous slot
      bus = last.bus;
      slot = last.slot;
      fn = (last.fn ?? 0) + 1;
      multifunction = true;
      if (lastMultiIndex >= 0 && pci[lastMultiIndex]!.multifunction !== true) {
        pci[lastMultiIndex] = { ...pci[lastMultiIndex]!, multifunction: true };
      }
    } else {
      bus = r.chance(w.behindBridge) ? (bridges.length > 0 && r.chance(0.5) ? r.pick(bridges).secondary : newBridge()) : 0;
      slot = newSlot(bus);
      if (bus === 0) nextSlot = slot + 1;
    }
    const resets: string[] = ['flr', ...optionalResets.filter(() => r.chance(w.resetMethod))];
    if (bus !== 0 && r.chance(w.resetMethod)) resets.push('bus');
    const cxl = bus !== 0 && r.chance(w.cxl);
    if (cxl) resets.push('cxl_bus', 'bus');
    const reset = [...new Set(resets)].sort((a, b) => order(a) - order(b)) as PciFunctionSpec['reset'];
    // behind a PCIe-to-PCI bridge a function is conventional PCI: no ATS, no PASID
    const conventional = bridges.some((b) => b.secondary === bus && b.kind === 'pcie-to-pci');
    const pasids = !conventional && r.chance(w.pasid) ? r.pick([4, 16, 0x100]) : 0;
    // hot-plugged: drawn first, as a hot-added function more often carries a DMA alias of a
    // function already there (its hot-add during that function's reset: F11)
    const hot = r.chance(w.hotplug);
    const alias = r.chance(hot ? (w.hotplugAlias ?? w.alias) : w.alias) ? [aliasFor(r, pci, bus, slot, hot)] : [];
    const fnSpec: PciFunctionSpec = {
      name,
      bus,
      slot,
      ...(fn === 0 ? {} : { fn }),
      ...pciIommuFor(bus),
      ...(multifunction ? { multifunction: true } : {}),
      ...(multifunction && r.chance(w.acs) ? { acs: r.chance(0.5) } : {}),
      ...(!conventional && r.chance(w.ats) ? { ats: true } : {}),
      ...(pasids > 0 ? { pasids } : {}),
      ...(r.chance(w.untrusted) ? { untrusted: true } : {}),
      ...(alias.length > 0 ? { aliases: alias } : {}),
      ...(reset!.length === 1 && reset![0] === 'flr' ? {} : { reset }),
      ...(reset!.includes('device_specific') && r.chance(w.quirkResetViaFlr) ? { quirkResetViaFlr: true } : {}),
      ...(cxl ? { cxl: true } : {}),
      ...(r.chance(w.resv) ? { resv: [resvAt(r, 0x7000_0000)] } : {}),
      ...(hot ? { present: false } : {}),
    };
    pci.push(fnSpec);
    if (!multifunction) lastMultiIndex = pci.length - 1;
    last = fnSpec;
  }
  const platform: PlatformDeviceSpec[] = [];
  const nPlat = r.between(0, Math.max(0, w.maxPlatform));
  for (let i = 0; i < nPlat; i++) {
    const pasids = r.chance(w.pasid) ? 16 : 0;
    platform.push({
      name: `plat${i}`,
      ...iommuFor(),
      ...(pasids > 0 ? { pasids } : {}),
      ...(r.chance(w.resv) ? { resv: [resvAt(r, 0x7100_0000)] } : {}),
      ...(r.chance(w.hotplug) ? { present: false } : {}),
    });
  }
  const ddt = r.chance(w.defaultDomainType) ? r.pick(['dma', 'identity', 'dma-fq'] as const) : undefined;
  const base: Topology = {
    iommus,
    pci,
    ...(platform.length > 0 ? { platform } : {}),
    ...(ddt === undefined ? {} : { defaultDomainType: ddt }),
  };
  const knobs = knobsFor(r, cfg, base);
  // the knob that re-attaches the RID's domain when the last PASID goes acts only on an identity
  // or blocked RID domain: drawn with it, the default domain is identity more often (F10)
  // (F10 needs a function a DMA-API driver may bind an SVA PASID to: without one, the default
  // domain is drawn as usual, so as not to take translating domains from F11's and F15's shapes)
  const restores = (knobs as { mock?: { lastPasidRestoresRid?: boolean } }).mock?.lastPasidRestoresRid === true;
  const sva = devicesOf(base).some((d) => d.sva && d.ats && d.pasids >= 2);
  if (restores && sva && ddt !== 'identity' && r.chance(w.lastPasidIdentity ?? 0)) return { ...base, defaultDomainType: 'identity', ...knobs };
  return { ...base, ...knobs };
}

/**
 * A quirk DMA alias (a devfn on the same bus): often the requester ID of another function
 * already there (a multifunction device whose functions all use function 0's ID, a bridge-like
 * part), so the two share a group and an ID; otherwise a devfn of a slot nearby. A hot-plugged
 * function's alias is nearly always one already there, an ATS one (whose reset the IOMMU
 * hooks act on) 3x as often.
 */
function aliasFor(r: Rand, pci: readonly PciFunctionSpec[], bus: number, slot: number, hot = false): number {
  const others = pci.filter((d) => d.bus === bus && d.bridge === undefined && (!hot || d.present !== false));
  if (others.length > 0 && r.chance(hot ? 0.9 : 0.7)) {
    const d = hot ? r.weighted(others.map((o) => [o, o.ats === true ? 3 : 1] as const))! : r.pick(others);
    return (d.slot << 3) | (d.fn ?? 0);
  }
  return ((slot + 1 + r.below(3)) << 3) | r.below(2);
}

/** a one-page firmware direct mapping (RMRR / RMR) near `base` */
function resvAt(r: Rand, base: number): ResvSpec {
  return { start: base + r.below(16) * 0x1000, length: 0x1000, ...(r.chance(0.5) ? { relaxable: true } : {}) };
}

const resetOrder = ['device_specific', 'acpi', 'flr', 'af_flr', 'pm', 'bus', 'cxl_bus'];
function order(m: string): number {
  return resetOrder.indexOf(m);
}
