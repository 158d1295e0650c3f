// The public attach / detach APIs and deferred attach (spec core.md §4.6).
import type { Device } from '../base/device.js';
import { deref, EBUSY, EINVAL, ENODEV, type Gen, mutexLock, mutexUnlock, pausePoint, readOnce, WARN_ON } from '../sync/index.js';
import type { IommuDomain } from './domain.js';
import { type IommuGroup, iommuGroupDeviceCount } from './group.js';
import { __iommuAttachDevice, __iommuAttachGroup, __iommuGroupSetCoreDomain } from './set-domain.js';
import { iommuCore } from './globals.js';

/** iommu_attach_device(): a driver bound to dev; the group must have exactly one device */
export function* iommuAttachDevice(domain: IommuDomain, dev: Device): Gen<number> {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return -ENODEV;
  // lock the group so the device count does not change while attaching
  yield* mutexLock(group.mutex);
  let ret = -EINVAL;
  if (iommuGroupDeviceCount(group) === 1) ret = yield* __iommuAttachGroup(domain, group);
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_detach_device() */
export function* iommuDetachDevice(domain: IommuDomain, dev: Device): Gen {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return;
  yield* mutexLock(group.mutex);
  if (
    !WARN_ON(domain !== group.domain, 'WARN_ON(domain != group->domain)') &&
    !WARN_ON(iommuGroupDeviceCount(group) !== 1, 'WARN_ON(list_count_nodes(&group->devices) != 1)')
  ) {
    yield* __iommuGroupSetCoreDomain(group);
  }
  yield* mutexUnlock(group.mutex);
}

/** iommu_attach_group(): -EINVAL is soft (another domain may work) */
export function* iommuAttachGroup(domain: IommuDomain, group: IommuGroup): Gen<number> {
  yield* mutexLock(group.mutex);
  const ret = yield* __iommuAttachGroup(domain, group);
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_detach_group(): the domain argument is not used */
export function* iommuDetachGroup(_domain: IommuDomain | null, group: IommuGroup): Gen {
  yield* mutexLock(group.mutex);
  yield* __iommuGroupSetCoreDomain(group);
  yield* mutexUnlock(group.mutex);
}

/** iommu_deferred_attach(): iommu-dma's map path with the default domain; the first check is lockless */
export function* iommuDeferredAttach(dev: Device, domain: IommuDomain): Gen<number> {
  const param = yield* readOnce(dev, 'iommu');
  if (param === null || !(yield* readOnce(param, 'attachDeferred'))) return 0;
  // a reproducer may hold the first map here, between the lockless test and the mutex
  yield* pausePoint('iommu_deferred_attach');
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  yield* mutexLock(group.mutex);
  let ret: number;
  // a concurrent attach while a group device is resetting: this may fail the DMA map
  if (group.resettingDomain !== null && iommuCore.patches.resetFence === 'merged') ret = -EBUSY;
  // patch deferredAttachRecheck (F21): attached meanwhile (a whole reset, another first map)
  else if (iommuCore.patches.deferredAttachRecheck && !(yield* readOnce(param, 'attachDeferred'))) ret = 0;
  else ret = yield* __iommuAttachDevice(domain, dev, null);
  yield* mutexUnlock(group.mutex);
  return ret;
}
