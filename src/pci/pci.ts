// The PCI topology as the IOMMU core sees it [B] (drivers/pci): buses and bridges, functions with
// their devfn, DMA aliases, ACS, multifunction, ATS and PASID capabilities, and the helpers the
// core's grouping uses (pci_for_each_dma_alias, pci_acs_path_enabled, ...).
import { type BusType, Device, type FirmwareDesc } from '../base/device.js';
import type { HwEndpoint } from '../hw/endpoint.js';
import type { PciResetMethod } from '../machine/topology.js';
import { atomicSection, EINVAL, type Gen, KObject, Mutex, WARN_ON } from '../sync/index.js';

export { type PciResetMethod, pciResetMethodNames } from '../machine/topology.js';

export class PciBus extends KObject {
  /** the bridge leading to this bus; null for a root bus */
  self: PciDev | null = null;
  parent: PciBus | null = null;
  readonly devices: PciDev[] = [];
  constructor(readonly number: number) {
    super();
  }

  override get label(): string {
    return `pci_bus:${this.number.toString(16).padStart(2, '0')}`;
  }
}

/** how a bridge forwards requester IDs of the devices below it */
export type PciBridgeKind = 'pcie-port' | 'pcie-to-pci';

export class PciDev extends Device {
  /** pdev->bus */
  readonly pciBus: PciBus;
  /** the bus behind this bridge, if it is one */
  subordinate: PciBus | null = null;
  bridgeKind: PciBridgeKind | null = null;
  multifunction = false;
  /** ACS source validation, request/completion redirect and upstream forwarding enabled */
  acs: boolean | null = null;
  /** dev->untrusted: behind an external-facing port */
  untrusted = false;
  /** ATS capability (ats_cap) */
  atsCap = false;
  /** pdev->ats_enabled: software view of the ATS enable bit */
  atsEnabled = false;
  /** quirk DMA aliases: devfns on the same bus (dma_alias_mask) */
  readonly dmaAliases = new Set<number>();
  /** reset capabilities of the function (FLR, AF FLR, PM, ACPI _RST, a device-specific quirk) */
  readonly resetCaps = new Set<PciResetMethod>();
  /** dev->reset_methods: the enabled methods in the PCI core's order (pci_init_reset_methods) */
  resetMethods: PciResetMethod[] = [];
  /** the device-specific reset quirk calls pcie_flr() then waits for firmware */
  quirkResetViaFlr = false;
  /** a CXL device (cxl_bus reset) */
  cxl = false;
  /** its CXL upstream port's DVSEC "unmask SBR" bit: while clear, secondary bus resets are masked */
  cxlSbrUnmasked = false;
  /** the function is not ready in time after a reset: pci_dev_wait() gives up with -ENOTTY */
  resetTimeout = false;
  /** the firmware's _RST method fails */
  acpiResetFails = false;
  /** dev->current_state (pci_pm_reset() refuses a function not in D0) */
  currentState: 'D0' | 'D3hot' = 'D0';
  /**
   * The bound driver's DMA quiesce across a reset [B]: pci_dev_save_and_disable() calls the
   * driver's err_handler->reset_prepare(), which stops its DMA and holds new DMA off, and clears
   * Bus Master Enable; pci_dev_restore() restores config space and calls reset_done(). A function
   * in reset issues no DMA. Modelled as a lock the reset holds from save to restore and the
   * driver's DMA holds for one transaction (model-only: drivers do this with their own state).
   */
  readonly dmaQuiesce: Mutex;

  constructor(name: string, bus: BusType, fw: FirmwareDesc, ep: HwEndpoint, pciBus: PciBus, readonly devfn: number) {
    super(name, bus, fw, ep);
    this.pciBus = pciBus;
    this.dmaQuiesce = new Mutex(`&dev:${name}->dma_quiesce`, this, '&dev->dma_quiesce');
  }

  /** pci_dev_id(): the requester ID */
  get rid(): number {
    return (this.pciBus.number << 8) | this.devfn;
  }
}

export function isPciDev(dev: Device): dev is PciDev {
  return dev instanceof PciDev;
}

/** PCI_SLOT(devfn) */
export function pciSlot(devfn: number): number {
  return devfn >> 3;
}

/** pci_is_root_bus() */
export function pciIsRootBus(bus: PciBus): boolean {
  return bus.parent === null;
}

/** pci_max_pasids(): -EINVAL without the capability */
export function pciMaxPasids(dev: Device): number {
  return dev.pasidCap > 0 ? dev.pasidCap : -EINVAL;
}

/** pci_ats_supported(): the capability, and not an untrusted device */
export function pciAtsSupported(pdev: PciDev): boolean {
  if (!pdev.atsCap) return false;
  return !pdev.untrusted;
}

/**
 * pci_acs_enabled(pdev, REQ_ACS_FLAGS). Reduced: an explicit setting wins; otherwise a
 * single-function endpoint needs no ACS, while a multifunction device or a bridge lacks it.
 */
export function pciAcsEnabled(pdev: PciDev): boolean {
  if (pdev.acs !== null) return pdev.acs;
  return pdev.subordinate === null && !pdev.multifunction;
}

/** pci_acs_path_enabled(start, NULL, flags): ACS on every bridge from start up to the root */
export function pciAcsPathEnabled(start: PciDev): boolean {
  let pdev: PciDev | null = start;
  while (pdev !== null) {
    if (!pciAcsEnabled(pdev)) return false;
    if (pciIsRootBus(pdev.pciBus)) return true;
    pdev = pdev.pciBus.self;
  }
  return true;
}

/** pci_devs_are_dma_aliases() */
export function pciDevsAreDmaAliases(a: PciDev, b: PciDev): boolean {
  return a.pciBus === b.pciBus && (a.dmaAliases.has(b.devfn) || b.dmaAliases.has(a.devfn));
}

/**
 * pci_for_each_dma_alias(): the device, its quirk aliases, then every bridge upstream that takes
 * over the requester ID (PCIe-to-PCI bridges). Returns the first non-zero value of fn.
 */
export function* pciForEachDmaAlias<T>(pdev: PciDev, fn: (pdev: PciDev, alias: number) => Gen<T | null>): Gen<T | null> {
  let ret = yield* fn(pdev, pdev.rid);
  if (ret !== null) return ret;
  for (const devfn of pdev.dmaAliases) {
    ret = yield* fn(pdev, (pdev.pciBus.number << 8) | devfn);
    if (ret !== null) return ret;
  }
  for (let bus: PciBus = pdev.pciBus; !pciIsRootBus(bus); bus = bus.parent!) {
    const tmp = bus.self;
    // skip virtual buses; PCIe ports do not alias
    if (tmp === null || tmp.bridgeKind === 'pcie-port') continue;
    // PCIe-to-PCI bridges alias transactions from downstream with the subordinate bus number
    ret = yield* fn(tmp, tmp.subordinate!.number << 8);
    if (ret !== null) return ret;
  }
  return null;
}

/** to_pci_dev() with the kernel's WARN for a non-PCI device */
export function toPciDev(dev: Device): PciDev | null {
  if (WARN_ON(!isPciDev(dev), 'WARN_ON(!dev_is_pci(dev))')) return null;
  return dev as PciDev;
}

/**
 * for_each_pci_dev(): every PCI device of the system (the pci_bus_type klist). The kernel steps
 * through it with pci_get_device() (a klist_next() under k_lock each) while a hot-add or a
 * removal changes it; the model takes the walk as one step under k_lock, so a change lands
 * before or after it.
 */
export function* forEachPciDev(bus: BusType): Gen<PciDev[]> {
  return yield* atomicSection(bus, 'for_each_pci_dev', (b) => b.devices.filter(isPciDev));
}
