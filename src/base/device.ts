// struct device, struct device_driver and struct bus_type as far as the IOMMU core touches them
// [B] (drivers/base). Bus-specific devices (PCI) extend Device.
import type { DevIommu } from '../core/dev-iommu.js';
import type { IommuGroup } from '../core/group.js';
import type { HwEndpoint } from '../hw/endpoint.js';
import { atomicSection, type Gen, KObject, Mutex } from '../sync/index.js';

/** a firmware node: what DT/ACPI tables call an IOMMU instance */
export class FwNode extends KObject {
  /** dev_get_drvdata() of the device this node describes: set by the driver that probed it (an IOMMU instance) */
  drvdata: unknown = null;

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
  /** klist of the devices added to this bus, in order (add with klistAddTail) */
  readonly devices: Device[] = [];
  /** position the next klist node gets: nodes are ordered by it, removed ones drop out */
  knodeNext = 0;
  /** each device's dev->p->knode_bus: the position of its node (kept here, under the klist's lock) */
  readonly knodes = new Map<Device, number>();
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
  /** model-only: inside __iommu_probe_device() between setting dev->iommu_group and the list insertion */
  ghostProbing = false;
  /**
   * model-only: the core has called the IOMMU driver's release_device() for this device (a removal,
   * an unregistration or a failed probe's unwind): whatever the driver parked its RID on then is
   * the driver's, not the core's (I13)
   */
  ghostReleased = false;
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

/** klist_add_tail() of a device present at boot (no thread runs yet) */
export function klistAddAtBoot(bus: BusType, dev: Device): void {
  bus.knodes.set(dev, bus.knodeNext++);
  bus.devices.push(dev);
}

// The bus klist is walked and changed by threads that hold no common lock: the klist's own
// k_lock (a spinlock around each add, delete and step of an iterator) makes each of those one
// atomic step on the whole list, named by the kernel function.

/** klist_add_tail(&dev->p->knode_bus, &bus->p->klist_devices) */
export function* klistAddTail(bus: BusType, dev: Device): Gen {
  yield* atomicSection(bus, 'klist_add_tail', (b) => {
    b.knodes.set(dev, b.knodeNext++);
    b.devices.push(dev);
  });
}

/** klist_del(&dev->p->knode_bus) */
export function* klistDel(bus: BusType, dev: Device): Gen {
  yield* atomicSection(bus, 'klist_del', (b) => {
    const i = b.devices.indexOf(dev);
    if (i >= 0) b.devices.splice(i, 1);
    b.knodes.delete(dev);
  });
}

/**
 * bus_for_each_dev(): call fn on each device of the bus until it returns non-zero. Like a klist
 * iterator, the walk goes on from the node it is on even if that device (or an earlier one) was
 * removed meanwhile: it visits the next device added after it that is still on the bus, and
 * devices added at the tail during the walk. Each klist_next() is one step under k_lock.
 */
export function* busForEachDev(bus: BusType, fn: (dev: Device) => Gen<number>): Gen<number> {
  let pos = -1;
  for (;;) {
    const from = pos;
    const next = yield* atomicSection(bus, 'klist_next', (b) => {
      const d = b.devices.find((x) => b.knodes.get(x)! > from);
      return d === undefined ? undefined : { dev: d, seq: b.knodes.get(d)! };
    });
    if (next === undefined) return 0;
    const dev = next.dev;
    pos = next.seq;
    const ret = yield* fn(dev);
    if (ret !== 0) return ret;
  }
}

/** dev_name() */
export function devName(dev: Device): string {
  return dev.name;
}
