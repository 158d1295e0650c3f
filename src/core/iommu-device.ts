// struct iommu_device: one hardware IOMMU instance, and its registration (spec core.md §2.4, §4.1).
import { busForEachDev, type Device, type FwNode } from '../base/device.js';
import { atomicUpdate, ENODEV, ENOMEM, type Gen, KObject, readOnceDeref, shouldFail, writeOnce } from '../sync/index.js';
import { iommuCore } from './globals.js';
import { type IommuGroup, iommuGroupPut } from './group.js';
import type { IommuOps } from './ops.js';
import { busIommuProbe } from './probe.js';
import { iommuReleaseDevice } from './release.js';

export class IommuDevice extends KObject {
  ops: IommuOps = null as unknown as IommuOps;
  fwnode: FwNode | null = null;
  /** used by generic_single_device_group() */
  singletonGroup: IommuGroup | null = null;
  maxPasids = 0;
  /** set at the end of a successful registration; read locklessly by iommu_fwspec_init() */
  ready = false;

  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `iommu:${this.name}`;
  }
}

/**
 * The fields iommu_device_register() fills before it publishes the instance, filled when the
 * driver's probe of the unit creates it (setup: kernel/boot.ts), which in the kernel is the same
 * function that then registers it.
 */
export function iommuDeviceInitFields(iommu: IommuDevice, ops: IommuOps, hwdevFwnode: FwNode | null): void {
  iommu.ops = ops;
  if (hwdevFwnode !== null) iommu.fwnode = hwdevFwnode;
}

/** iommu_device_register() */
export function* iommuDeviceRegister(iommu: IommuDevice, ops: IommuOps, hwdevFwnode: FwNode | null): Gen<number> {
  const g = iommuCore;
  // the WARN_ON(is_module_address(ops) && !ops->owner) check is not modelled: drivers set owner
  // iommu->ops = ops; iommu->fwnode = dev_fwnode(hwdev): stores into an instance no other thread
  // reaches before the list_add below publishes it (a reader finds it on iommu_device_list, or
  // through dev->iommu->iommu_dev of a device probed after that). The driver's probe of the unit
  // (setup: iommuDeviceInitFields) gave it these values already, so a registration in a thread
  // stores nothing: the yield rule's lockset would take the publication through the list for a race
  if (iommu.ops !== ops) iommu.ops = ops;
  if (hwdevFwnode !== null && iommu.fwnode !== hwdevFwnode) iommu.fwnode = hwdevFwnode;
  // spin_lock(&iommu_device_lock); list_add_tail(); spin_unlock(): one atomic step
  yield* atomicUpdate(g, 'iommuDeviceList', (list) => [...list, iommu]);
  let err = 0;
  for (let i = 0; i < g.iommuBuses.length && err === 0; i++) err = yield* busIommuProbe(g.iommuBuses[i]!);
  if (err !== 0) yield* iommuDeviceUnregister(iommu);
  else yield* writeOnce(iommu, 'ready', true);
  return err;
}

/** remove_iommu_group(): bus_for_each_dev() callback of iommu_device_unregister() */
function* removeIommuGroup(dev: Device, iommu: IommuDevice): Gen<number> {
  // dev->iommu && dev->iommu->iommu_dev: READ_ONCEs (a hot-add's probe in another thread
  // publishes them under the probe lock, which the unregistration does not take)
  if ((yield* readOnceDeref(dev, 'iommu', 'iommuDev')).value === iommu) yield* iommuReleaseDevice(dev);
  return 0;
}

/** iommu_device_unregister(): release every device of this instance, no probe lock taken */
export function* iommuDeviceUnregister(iommu: IommuDevice): Gen {
  const g = iommuCore;
  for (const bus of g.iommuBuses) {
    yield* busForEachDev(bus, (dev) => removeIommuGroup(dev, iommu));
  }
  yield* atomicUpdate(g, 'iommuDeviceList', (list) => list.filter((i) => i !== iommu));
  // pairs with the allocation in generic_single_device_group()
  yield* iommuGroupPut(iommu.singletonGroup);
  iommu.singletonGroup = null;
}

/** iommu_device_link(): the sysfs links between the instance and a client device */
export function* iommuDeviceLink(iommu: IommuDevice | null, _link: Device): Gen<number> {
  if (iommu === null) return -ENODEV;
  if (yield* shouldFail('sysfs_add_link_to_group')) return -ENOMEM;
  return 0;
}

/** iommu_device_unlink() */
export function iommuDeviceUnlink(_iommu: IommuDevice | null, _link: Device): void {}
