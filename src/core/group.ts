// struct iommu_group and struct group_device, their lifetime and the exported helpers
// (spec core.md §2.5, §4.2 "Group object helpers").
import type { Device } from '../base/device.js';
import {
  atomicUpdate,
  ENOMEM,
  type ErrPtr,
  type Gen,
  KObject,
  kfree,
  kzalloc,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  Refcount,
  refcountDecAndTest,
  refcountInc,
  shouldFail,
  WARN_ON,
  writeOnce,
  XArray,
} from '../sync/index.js';
import { type IommuDomain, iommuDomainFree } from './domain.js';
import { iommuCore } from './globals.js';
import type { PasidEntry } from './pasid-entry.js';

export class GroupDevice extends KObject {
  /** sysfs link name under the group's devices/ */
  name: string;
  constructor(readonly dev: Device) {
    super();
    this.name = dev.name;
  }

  override get label(): string {
    return `group_device:${this.dev.name}`;
  }
}

export class IommuGroup extends KObject {
  /** devices_kobj reference count: iommu_group_get/put */
  readonly kobj = new Refcount(1, `group#${this.oid.toString(16)}->devices_kobj`, this);
  readonly mutex = new Mutex(`&group#${this.oid.toString(16)}->mutex`, this, '&group->mutex');
  /** group->devices, in insertion order; protected by mutex */
  readonly devices: GroupDevice[] = [];
  /** pasid -> domain or attach handle; writers hold mutex */
  readonly pasidArray = new XArray<PasidEntry>(`group#${this.oid.toString(16)}->pasid_array`);
  iommuData: unknown = null;
  iommuDataRelease: ((data: unknown) => void) | null = null;
  name: string | null = null;
  id = -1;
  defaultDomain: IommuDomain | null = null;
  blockingDomain: IommuDomain | null = null;
  resettingDomain: IommuDomain | null = null;
  /** patch resetDriverQuery=resetDevice: the function prepare blocked (the kernel would keep a per-device mark) */
  resettingDev: Device | null = null;
  domain: IommuDomain | null = null;
  /** group->entry: the bus_iommu_probe() list it is queued on, or null (list_empty) */
  entry: IommuGroup[] | null = null;
  ownerCnt = 0;
  owner: unknown = null;
  /**
   * model-only: a MUST_SUCCEED switch or a revert failed on some member (WARN raised), so I3
   * does not hold until a later switch attaches every member again
   */
  ghostNofailFailed = false;
  /**
   * model-only: PASIDs whose rollback in __iommu_set_group_pasid() failed (WARN); their
   * pasid_array entry and hardware disagree until the PASID is set or removed on every member
   */
  readonly ghostPasidRevertFailed = new Set<number>();
  /** model-only: the function pci_dev_reset_iommu_prepare() blocked (set with resetting_domain) */
  ghostResetDev: Device | null = null;
  /** patch resetHotAddBlocked: members probed onto the blocking domain during the reset (until done) */
  readonly ghostParked = new Set<Device>();

  override get label(): string {
    return `group#${this.oid.toString(16)}`;
  }
}

/** for_each_group_device() / list_first_entry() helpers */
export function groupFirstDevice(group: IommuGroup): GroupDevice | undefined {
  return group.devices[0];
}

/** list_count_nodes(&group->devices) */
export function iommuGroupDeviceCount(group: IommuGroup): number {
  return group.devices.length;
}

/** iommu_group_alloc(): a new group holding one reference */
export function* iommuGroupAlloc(): Gen<ErrPtr<IommuGroup>> {
  const g = iommuCore;
  const group = yield* kzalloc(() => new IommuGroup());
  if (group === null) return -ENOMEM;
  g.ghostGroups.add(group);
  // ida_alloc(&iommu_group_ida)
  if (yield* shouldFail('ida_alloc')) {
    yield* kfree(group);
    return -ENOMEM;
  }
  // the IDA locks itself: the lowest free id is taken in one atomic step
  let id = 0;
  yield* atomicUpdate(g, 'groupIds', (ids) => {
    while (ids.has(id)) id++;
    ids.add(id);
    return ids;
  });
  group.id = id;
  // kobject_init_and_add(), the devices/ kobject and the sysfs attribute files, as one fault point
  if (yield* shouldFail('kobject_init_and_add')) {
    yield* iommuGroupRelease(group);
    return -ENOMEM;
  }
  return group;
}

/** iommu_group_release(): the last reference is gone */
function* iommuGroupRelease(group: IommuGroup): Gen {
  if (group.iommuDataRelease !== null) group.iommuDataRelease(group.iommuData);
  // ida_free(), one atomic step
  yield* atomicUpdate(iommuCore, 'groupIds', (ids) => {
    ids.delete(group.id);
    return ids;
  });
  if (iommuCore.patches.releaseOrder !== 'final') {
    // before v6.5 (patch releaseOrder): the group's last reference freed its domains
    if (group.defaultDomain !== null) yield* iommuDomainFree(group.defaultDomain);
    if (group.blockingDomain !== null) yield* iommuDomainFree(group.blockingDomain);
    group.defaultDomain = group.blockingDomain = group.domain = null;
  }
  // domains are freed by iommu_deinit_device(). READ_ONCEs: a registration's bus_iommu_probe()
  // holds no reference to the groups it queued and sets their default domain under the mutex
  // alone (F3), so the last put does not order it
  WARN_ON((yield* readOnce(group, 'defaultDomain')) !== null, 'WARN_ON(group->default_domain)');
  WARN_ON((yield* readOnce(group, 'blockingDomain')) !== null, 'WARN_ON(group->blocking_domain)');
  yield* kfree(group);
}

/** iommu_group_get(): lockless read of dev->iommu_group, plus a reference */
export function* iommuGroupGet(dev: Device): Gen<IommuGroup | null> {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group !== null) yield* refcountInc(group.kobj);
  return group;
}

/** iommu_group_ref_get() */
export function* iommuGroupRefGet(group: IommuGroup): Gen<IommuGroup> {
  yield* refcountInc(group.kobj);
  return group;
}

/** iommu_group_put(): NULL allowed */
export function* iommuGroupPut(group: IommuGroup | null): Gen {
  if (group === null) return;
  if (yield* refcountDecAndTest(group.kobj)) yield* iommuGroupRelease(group);
}

/** iommu_group_alloc_device(): the group_device and its sysfs links; does not touch the list */
export function* iommuGroupAllocDevice(group: IommuGroup, dev: Device): Gen<ErrPtr<GroupDevice>> {
  const device = yield* kzalloc(() => new GroupDevice(dev));
  if (device === null) return -ENOMEM;
  let ret = 0;
  if (yield* shouldFail('sysfs_create_link')) ret = -ENOMEM;
  else if (yield* shouldFail('kasprintf')) ret = -ENOMEM;
  else if (yield* shouldFail('sysfs_create_link_nowarn')) ret = -ENOMEM;
  if (ret !== 0) {
    yield* kfree(device);
    return ret;
  }
  return device;
}

/** iommu_group_add_device(): fake groups (VFIO no-iommu, spapr); no domain work */
export function* iommuGroupAddDevice(group: IommuGroup, dev: Device): Gen<number> {
  const gdev = yield* iommuGroupAllocDevice(group, dev);
  if (typeof gdev === 'number') return gdev;
  yield* iommuGroupRefGet(group);
  // published before the device is on the list: a lockless reader can see it in between
  yield* writeOnce(dev, 'iommuGroup', group);
  yield* mutexLock(group.mutex);
  yield* groupDevicesAdd(group, gdev);
  yield* mutexUnlock(group.mutex);
  return 0;
}

/**
 * list_add_tail(&gdev->list, &group->devices), group mutex held. A yielded write: bus_iommu_probe()
 * walks the list with no lock (its FIXME), so the mutex does not order the two.
 */
export function* groupDevicesAdd(group: IommuGroup, gdev: GroupDevice): Gen {
  yield* atomicUpdate(group, 'devices', (l) => {
    l.push(gdev);
    return l;
  });
}

/** list_del(&gdev->list), group mutex held: a yielded write, as groupDevicesAdd() */
export function* groupDevicesDel(group: IommuGroup, gdev: GroupDevice): Gen {
  yield* atomicUpdate(group, 'devices', (l) => {
    const i = l.indexOf(gdev);
    if (i >= 0) l.splice(i, 1);
    return l;
  });
}

/** iommu_group_for_each_dev(): the mutex is held across every callback */
export function* iommuGroupForEachDev(group: IommuGroup, fn: (dev: Device) => Gen<number>): Gen<number> {
  let ret = 0;
  yield* mutexLock(group.mutex);
  for (const gd of group.devices) {
    ret = yield* fn(gd.dev);
    if (ret !== 0) break;
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_group_id() */
export function iommuGroupId(group: IommuGroup): number {
  return group.id;
}
