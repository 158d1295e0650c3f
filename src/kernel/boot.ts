// Boot a kernel over a Machine (setup, no yields), as start_kernel() and the initcalls do:
// iommu_subsys_init() (the running kernel's core switches to this one), each IOMMU driver the
// topology names is initialised and probes its units (their iommu_device exists, registration
// is an operation), then the buses are enumerated from the machine: every present PCI function
// and platform device, with the firmware's description of its DMA path.
import { BusType, Device, DeviceDriver, type FirmwareDesc, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE, klistAddAtBoot } from '../base/device.js';
import { busDmaCleanup, busDmaConfigure } from '../base/firmware.js';
import { type DefaultDomainTypeName, iommuSubsysInit } from '../core/globals.js';
import { iommuDeviceInitFields } from '../core/iommu-device.js';
import type { Patches } from '../core/patches.js';
import { iommuDriverNamed } from '../drivers/registry.js';
import { IOMMU_READ, IOMMU_WRITE } from '../hw/io-pgtable.js';
import type { Machine } from '../machine/machine.js';
import type { ResvSpec } from '../machine/topology.js';
import { PciBus, PciDev } from '../pci/pci.js';
import { pciInitResetMethods } from '../pci/reset.js';
import { Kernel } from './kernel.js';

export interface BootOptions {
  readonly patches: Patches;
  readonly defaultDomainType?: DefaultDomainTypeName;
  /** the driver of each IOMMU instance by name (default: the registry's first, the mock) */
  readonly driverOf?: ReadonlyMap<string, string | undefined>;
  /** each driver's knobs by driver name (defaults: the driver's) */
  readonly knobs?: Readonly<Record<string, unknown>>;
  /** which boot over the machine this is */
  readonly boot?: number;
}

function firmwareOf(k: Kernel, ep: Device['ep'], resv: readonly ResvSpec[] | undefined): FirmwareDesc {
  const path = k.machine.pathOf(ep);
  return {
    iommu: path.unit === null ? null : k.fwnodeOf(path.unit.name),
    ids: path.sids,
    resv: (resv ?? []).map((r) => ({
      start: r.start,
      length: r.length,
      prot: IOMMU_READ | IOMMU_WRITE,
      type: r.relaxable === true ? IOMMU_RESV_DIRECT_RELAXABLE : IOMMU_RESV_DIRECT,
    })),
  };
}

export function kernelBoot(machine: Machine, opts: BootOptions): Kernel {
  const platformBus = new BusType('platform');
  const pciBus = new BusType('pci');
  for (const b of [platformBus, pciBus]) {
    b.dmaConfigure = busDmaConfigure;
    b.dmaCleanup = busDmaCleanup;
  }
  const core = iommuSubsysInit([platformBus, pciBus], {
    patches: opts.patches,
    ...(opts.defaultDomainType === undefined ? {} : { defaultDomainType: opts.defaultDomainType }),
  });
  const k = new Kernel(machine, opts.boot ?? 1, core, platformBus, pciBus, new DeviceDriver('client', false), new DeviceDriver('vfio-pci', true));
  // IOMMU drivers: module_init, then each probes its units
  for (const [name, unit] of machine.units) {
    const driver = iommuDriverNamed(opts.driverOf?.get(name));
    if (driver.hwKind !== unit.kind) throw new Error(`IOMMU ${name}: driver ${driver.name} drives ${driver.hwKind} hardware, not ${unit.kind}`);
    let drv = k.drivers.get(driver.name);
    if (drv === undefined) {
      drv = driver.init(opts.knobs?.[driver.knobs.key] ?? driver.knobs.defaults);
      k.drivers.set(driver.name, drv);
    }
    const iommu = driver.probeUnit(drv, unit, k.fwnodeOf(name));
    iommuDeviceInitFields(iommu, drv.ops, k.fwnodeOf(name));
    k.iommus.set(name, iommu);
    k.iommuDrivers.set(iommu, drv);
  }
  const add = (d: Device, present: boolean | undefined): void => {
    if (k.devices.has(d.name)) throw new Error(`kernel: two devices named "${d.name}"`);
    k.devices.set(d.name, d);
    k.deviceList.push(d);
    if (present !== false) {
      d.added = true;
      klistAddAtBoot(d.bus, d);
    }
  };
  // PCI: buses from the functions, bridges lead to their secondary bus
  const buses = new Map<number, PciBus>();
  const busOf = (n: number): PciBus => {
    let b = buses.get(n);
    if (b === undefined) {
      b = new PciBus(n);
      buses.set(n, b);
    }
    return b;
  };
  for (const f of machine.desc.pci) {
    const bus = busOf(f.bus);
    const devfn = (f.slot << 3) | (f.fn ?? 0);
    const ep = machine.endpoints.get(f.name)!;
    const d = new PciDev(f.name, pciBus, firmwareOf(k, ep, f.resv), ep, bus, devfn);
    d.multifunction = f.multifunction ?? false;
    d.acs = f.acs ?? null;
    d.atsCap = ep.atsCapable;
    d.untrusted = f.untrusted ?? false;
    d.pasidCap = f.pasids ?? 0;
    for (const a of f.aliases ?? []) d.dmaAliases.add(a);
    for (const m of f.reset ?? ['flr']) d.resetCaps.add(m);
    d.quirkResetViaFlr = f.quirkResetViaFlr ?? false;
    d.resetTimeout = f.resetTimeout ?? false;
    d.acpiResetFails = f.acpiResetFails ?? false;
    d.cxl = f.cxl ?? false;
    if (f.bridge !== undefined) {
      const sub = busOf(f.bridge.secondary);
      sub.self = d;
      sub.parent = bus;
      d.subordinate = sub;
      d.bridgeKind = f.bridge.kind ?? 'pcie-port';
    }
    bus.devices.push(d);
    add(d, f.present);
  }
  // pci_init_reset_methods() once the topology is complete (bus resets depend on it)
  for (const d of k.deviceList) if (d instanceof PciDev) pciInitResetMethods(d);
  for (const p of machine.desc.platform) {
    const ep = machine.endpoints.get(p.name)!;
    const d = new Device(p.name, platformBus, firmwareOf(k, ep, p.resv), ep);
    d.pasidCap = p.pasids ?? 0;
    add(d, p.present);
  }
  return k;
}
