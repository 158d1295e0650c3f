// A Kernel: one boot over a Machine. It holds what the booted kernel has: the IOMMU core's
// globals, the buses and the devices enumerated on them, the firmware nodes of the IOMMU units,
// the IOMMU drivers loaded and each unit's iommu_device, the client device drivers. A kernel
// points at the machine's hardware (a device at its endpoint, an instance at its unit), never the
// other way round. It ends (kernel/end.ts) and another can boot over the same machine.
import { type BusType, type DeviceDriver, type Device, FwNode } from '../base/device.js';
import type { IommuGlobals } from '../core/globals.js';
import type { IommuDevice } from '../core/iommu-device.js';
import type { DriverInstance } from '../drivers/driver.js';
import type { Machine } from '../machine/machine.js';
import { KObject } from '../sync/index.js';

export class Kernel extends KObject {
  /** devices by name, and in enumeration order */
  readonly devices = new Map<string, Device>();
  readonly deviceList: Device[] = [];
  /** the firmware node of each IOMMU unit, by instance name */
  readonly fwnodes = new Map<string, FwNode>();
  /** the IOMMU drivers this boot loaded, by driver name */
  readonly drivers = new Map<string, DriverInstance>();
  /** each unit's iommu_device (probed by its driver; `register` publishes it), by instance name */
  readonly iommus = new Map<string, IommuDevice>();
  /** the driver of each instance */
  readonly iommuDrivers = new Map<IommuDevice, DriverInstance>();
  /** ended: its objects are unreachable, nothing runs in it any more */
  ended = false;

  constructor(
    readonly machine: Machine,
    /** which boot over the machine this is (1, 2, ...) */
    readonly boot: number,
    readonly core: IommuGlobals,
    readonly platformBus: BusType,
    readonly pciBus: BusType,
    /** a DMA-API client driver, and a driver_managed_dma one (vfio-pci) */
    readonly dmaApiDriver: DeviceDriver,
    readonly vfioDriver: DeviceDriver,
  ) {
    super();
  }

  override get label(): string {
    return `kernel#${this.boot}`;
  }

  /** the firmware node of a unit, made once per boot (what DT/ACPI parsing creates) */
  fwnodeOf(unitName: string): FwNode {
    let n = this.fwnodes.get(unitName);
    if (n === undefined) {
      n = new FwNode(unitName);
      this.fwnodes.set(unitName, n);
    }
    return n;
  }
}
