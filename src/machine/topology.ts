// What a Machine is built from: its IOMMU units (name and hardware kind), its PCI functions and
// bridges as configuration space and firmware describe them, and its platform devices. Plain
// data; scenario topologies (scenarios/iommu/spec.ts) use these types for their hardware part.

/** PCI reset methods in the order the PCI core tries them (pci_reset_fn_methods[]) */
export const pciResetMethodNames = ['device_specific', 'acpi', 'flr', 'af_flr', 'pm', 'bus', 'cxl_bus'] as const;
export type PciResetMethod = (typeof pciResetMethodNames)[number];

export interface UnitDesc {
  readonly name: string;
  /** hardware kind (machine/unit-kinds.ts) */
  readonly kind: string;
}

export interface ResvSpec {
  readonly start: number;
  readonly length: number;
  /** DIRECT (the default) makes the device require_direct; RELAXABLE does not */
  readonly relaxable?: boolean;
}

export interface DeviceCommon {
  readonly name: string;
  /** the IOMMU instance firmware puts it behind (default: the first); null: none */
  readonly iommu?: string | null;
  /** PASIDs the device supports (capability); 0 = none */
  readonly pasids?: number;
  /** firmware direct-mapped regions (RMRR / RMR) */
  readonly resv?: readonly ResvSpec[];
  /** on its bus at the start (default true); false leaves it to a `hotAdd` operation */
  readonly present?: boolean;
}

export interface PciFunctionSpec extends DeviceCommon {
  readonly bus: number;
  readonly slot: number;
  readonly fn?: number;
  /** a bridge: the bus number behind it, and how it forwards requester IDs */
  readonly bridge?: { readonly secondary: number; readonly kind?: 'pcie-port' | 'pcie-to-pci' };
  readonly multifunction?: boolean;
  /** ACS enabled (default: the PCI core's answer for the kind of function) */
  readonly acs?: boolean;
  readonly ats?: boolean;
  readonly untrusted?: boolean;
  /** quirk DMA aliases: other slot.fn on the same bus, as devfn numbers */
  readonly aliases?: readonly number[];
  /** reset capabilities: flr, af_flr, pm, acpi, device_specific (default: flr); bus and cxl_bus follow the topology */
  readonly reset?: readonly PciResetMethod[];
  /** the device-specific reset quirk resets by calling pcie_flr() (and ignores its result) */
  readonly quirkResetViaFlr?: boolean;
  /** the function is not ready in time after a reset: pci_dev_wait() gives up (-ENOTTY) */
  readonly resetTimeout?: boolean;
  /** the firmware's _RST method fails (acpi reset: -ENOTTY) */
  readonly acpiResetFails?: boolean;
  readonly cxl?: boolean;
}

export interface PlatformDeviceSpec extends DeviceCommon {
  /** stream IDs (default: one, assigned in order) */
  readonly sids?: readonly number[];
}

export interface MachineDesc {
  readonly units: readonly UnitDesc[];
  readonly pci: readonly PciFunctionSpec[];
  readonly platform: readonly PlatformDeviceSpec[];
}

/** the requester ID of a PCI function */
export function pciRid(f: PciFunctionSpec): number {
  return (f.bus << 8) | (f.slot << 3) | (f.fn ?? 0);
}
