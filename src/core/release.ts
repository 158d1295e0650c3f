// Releasing a device (spec core.md §4.4): unlink, release_domain, release_device, and for the
// last member the group's domains, all in one group->mutex hold (the outcome of §5b).
import type { Device } from '../base/device.js';
import { deref, type Gen, kfree, mutexLock, mutexUnlock, readOnce, WARN_ON, writeOnce } from '../sync/index.js';
import { devHasIommu, devIommuFree } from './dev-iommu.js';
import { type GroupDevice, type IommuGroup, iommuGroupPut } from './group.js';
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
  const group = deref(dev.iommuGroup, 'dev->iommu_group');
  yield* mutexLock(group.mutex);
  const i = group.devices.findIndex((gd) => gd.dev === dev);
  if (i >= 0) {
    const device = group.devices[i]!;
    group.devices.splice(i, 1);
    yield* __iommuGroupFreeDevice(group, device);
    if (devHasIommu(dev)) yield* iommuDeinitDevice(dev);
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
  if (group !== null) yield* __iommuGroupRemoveDevice(dev);
  // free any fwspec if no IOMMU driver ever accepted the device
  if (dev.iommu !== null) yield* devIommuFree(dev);
}

/** iommu_group_remove_device(): exported, for fake groups */
export function* iommuGroupRemoveDevice(dev: Device): Gen {
  // lockless: iommu_group_add_device() publishes the pointer before the list entry (§6 I1 window)
  if ((yield* readOnce(dev, 'iommuGroup')) === null) return;
  yield* __iommuGroupRemoveDevice(dev);
}
