// struct device, struct device_driver and struct bus_type as far as the IOMMU core touches them
// [B] (drivers/base). Bus-specific devices (PCI) extend Device.
import type { DevIommu } from '../core/dev-iommu.js';
import type { IommuGroup } from '../core/group.js';
import type { HwEndpoint } from '../hw/endpoint.js';
import { type Gen, KObject, Mutex } from '../sync/index.js';

/** a firmware node: what DT/ACPI tables call an IOMMU instance */
export class FwNode extends KObject {
  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `fwnode:${this.name}`;
  }
}

/** reserved region types (IOMMU_RESV_*) */
export const IOMMU_RESV_DIRECT = 0;
export const IOMMU_RESV_DIRECT_RELAXABLE = 1;
export const IOMMU_RESV_RESERVED = 2;
export const IOMMU_RESV_MSI = 3;
export const IOMMU_RESV_SW_MSI = 4;

export interface FwResvRegion {
  readonly start: number;
  readonly length: number;
  readonly prot: number;
  readonly type: number;
}

/** what firmware (DT iommus/iommu-map, IORT, DMAR) says about a device's DMA [B] */
export interface FirmwareDesc {
  /** the IOMMU the device is behind, or null (none, or a single-instance driver) */
  readonly iommu: FwNode | null;
  /** stream / requester IDs as the IOMMU sees them */
  readonly ids: readonly number[];
  /** RMRR / RMR regions: memory the device keeps accessing 1:1 */
  readonly resv: readonly FwResvRegion[];
}

export class DeviceDriver extends KObject {
  constructor(
    readonly name: string,
    /** the driver manages DMA itself (VFIO-style): no use of the default domain at bind */
    readonly driverManagedDma: boolean,
  ) {
    super();
  }

  override get label(): string {
    return `driver:${this.name}`;
  }
}

export class BusType extends KObject {
  /** klist of the devices added to this bus, in order */
  readonly devices: Device[] = [];
  /** bus_type::dma_configure, called by really_probe() and by iommu_init_device() */
  dmaConfigure: ((dev: Device) => Gen<number>) | null = null;
  /** bus_type::dma_cleanup */
  dmaCleanup: ((dev: Device) => Gen) | null = null;

  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `bus:${this.name}`;
  }
}

export class Device extends KObject {
  /** dev->iommu_group: read locklessly all over the core */
  iommuGroup: IommuGroup | null = null;
  /** dev->iommu */
  iommu: DevIommu | null = null;
  /** dev->dma_iommu: the DMA API goes through iommu-dma */
  dmaIommu = false;
  /** dev->driver: set by the driver core under device_lock */
  driver: DeviceDriver | null = null;
  /** device_lock(dev) */
  readonly deviceLock: Mutex;
  /** device_add() done and device_del() not yet */
  added = false;
  /** PASIDs the device itself supports (capability), 0 = none */
  pasidCap = 0;
  /** model-only: inside iommu_deinit_device() (unlinked, dev->iommu_group still set) */
  ghostDeinit = false;
  /** model-only: dev->dma_iommu when a DMA-API driver finished binding; null when not bound */
  ghostBoundDmaIommu: boolean | null = null;

  constructor(
    readonly name: string,
    readonly bus: BusType,
    readonly fw: FirmwareDesc,
    /** the hardware side of the device */
    readonly ep: HwEndpoint,
  ) {
    super();
    this.deviceLock = new Mutex(`&dev:${name}->mutex`, this, '&dev->mutex');
  }

  override get label(): string {
    return `dev:${this.name}`;
  }
}

/** dev_name() */
export function devName(dev: Device): string {
  return dev.name;
}
