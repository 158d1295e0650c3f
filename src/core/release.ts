// Releasing a device (spec core.md §4.4): unlink, release_domain, release_device, and for the
// last member the group's domains, all in one group->mutex hold (the outcome of §5b). The two
// earlier orders of §5b are patch toggles (releaseOrder).
import type { Device } from '../base/device.js';
import { modulePut } from '../base/module.js';
import { deref, type Gen, kfree, mutexLock, mutexUnlock, pausePoint, readOnce, WARN_ON, writeOnce } from '../sync/index.js';
import { driverReleaseDevice } from './contracts.js';
import { devHasIommu, devIommuFree, devIommuOps } from './dev-iommu.js';
import { iommuCore } from './globals.js';
import { iommuDeviceUnlink } from './iommu-device.js';
import { type GroupDevice, groupDevicesDel, type IommuGroup, iommuGroupPut } from './group.js';
import { iommuDeinitDevice } from './probe.js';

/** __iommu_group_free_device(): mutex held, gd already unlinked */
export function* __iommuGroupFreeDevice(group: IommuGroup, grpDev: GroupDevice): Gen {
  // sysfs_remove_link() x2
  // an empty group must have had ownership released and its domain set back to the default
  if (group.devices.length === 0) {
    WARN_ON(group.ownerCnt !== 0 || group.domain !== group.defaultDomain, 'WARN_ON(group->owner_cnt || group->domain != group->default_domain)');
  }
  yield* kfree(grpDev);
}

/** __iommu_group_remove_device() */
export function* __iommuGroupRemoveDevice(dev: Device): Gen {
  // read again, locklessly (a registration's probe publishes it under the probe lock, F3)
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  yield* mutexLock(group.mutex);
  const device = group.devices.find((gd) => gd.dev === dev);
  if (device !== undefined) {
    yield* groupDevicesDel(group, device);
    yield* __iommuGroupFreeDevice(group, device);
    if ((yield* devHasIommu(dev))) yield* iommuDeinitDevice(dev);
    else yield* writeOnce(dev, 'iommuGroup', null);
  }
  yield* mutexUnlock(group.mutex);
  // pairs with the get in iommu_init_device() or iommu_group_add_device()
  yield* iommuGroupPut(group);
}

/** iommu_release_device(): bus notifier REMOVED, or iommu_device_unregister() */
export function* iommuReleaseDevice(dev: Device): Gen {
  // lockless read: no concurrent user of dev is allowed at this point
  const group = yield* readOnce(dev, 'iommuGroup');
  // a reproducer may hold the removal here, where the IOMMU core takes it over
  yield* pausePoint('iommu_release_device');
  const order = iommuCore.patches.releaseOrder;
  if (order !== 'final' && group !== null && dev.iommu?.iommuDev != null) return yield* iommuReleaseDeviceHistorical(dev, order);
  if (group !== null) yield* __iommuGroupRemoveDevice(dev);
  // free any fwspec if no IOMMU driver ever accepted the device
  if ((yield* readOnce(dev, 'iommu')) !== null) yield* devIommuFree(dev);
}

/** iommu_group_remove_device(): exported, for fake groups */
export function* iommuGroupRemoveDevice(dev: Device): Gen {
  // lockless: iommu_group_add_device() publishes the pointer before the list entry (§6 I1 window)
  if ((yield* readOnce(dev, 'iommuGroup')) === null) return;
  yield* __iommuGroupRemoveDevice(dev);
}

/**
 * iommu_release_device() before v6.4 (patch releaseOrder, spec §5b, seed 003): `old` left the
 * group (iommu_group_remove_device(): the mutex only around the unlink; the last reference
 * frees the group and, in iommu_group_release(), its domains) and then called
 * ops->release_device(); 9ac8545199a1 (`reversal2022`) called release_device first, with no
 * lock, while the device was still a member.
 */
function* iommuReleaseDeviceHistorical(dev: Device, order: 'old' | 'reversal2022'): Gen {
  const param = deref(dev.iommu, 'dev->iommu');
  const ops = (yield* devIommuOps(dev));
  // model-only: the device is leaving (I1 does not hold for it until the end)
  dev.ghostDeinit = true;
  iommuDeviceUnlink(param.iommuDev, dev);
  // each historical order leaves a window between its two halves, with no group mutex held: a
  // reproducer may act in it (old: left the group, driver state still there; reversal2022: the
  // driver state released, still a member)
  if (order === 'reversal2022') {
    if (ops.releaseDevice !== undefined) yield* driverReleaseDevice(ops.releaseDevice, dev, null);
    yield* pausePoint('iommu_release_device:window');
    yield* iommuGroupRemoveDeviceV519(dev);
  } else {
    yield* iommuGroupRemoveDeviceV519(dev);
    yield* pausePoint('iommu_release_device:window');
    if (ops.releaseDevice !== undefined) yield* driverReleaseDevice(ops.releaseDevice, dev, null);
  }
  modulePut(ops.owner);
  yield* devIommuFree(dev);
  dev.dmaIommu = false;
  dev.ghostDeinit = false;
}

/** iommu_group_remove_device() of v5.19: unlink under the mutex, then drop the device's reference */
function* iommuGroupRemoveDeviceV519(dev: Device): Gen {
  const group = deref(dev.iommuGroup, 'dev->iommu_group');
  yield* mutexLock(group.mutex);
  const device = group.devices.find((gd) => gd.dev === dev) ?? null;
  if (device !== null) yield* groupDevicesDel(group, device);
  yield* mutexUnlock(group.mutex);
  if (device === null) return;
  // sysfs_remove_link() x2
  yield* kfree(device);
  yield* writeOnce(dev, 'iommuGroup', null);
  // the last reference: iommu_group_release() frees the default and blocking domains (v5.19)
  yield* iommuGroupPut(group);
}
