// DMA ownership: DMA-API users of the default domain and exclusive owners (VFIO/iommufd)
// (spec core.md §4.7).
import type { Device } from '../base/device.js';
import {
  deref,
  EBUSY,
  EINVAL,
  ENODEV,
  EPERM,
  EPROBE_DEFER,
  type Gen,
  IS_ERR,
  mutexLock,
  mutexUnlock,
  readOnce,
  WARN_ON,
  xaEmpty,
} from '../sync/index.js';
import { devIommuOps } from './dev-iommu.js';
import { iommuPagingDomainAlloc } from './domain.js';
import { iommuCore } from './globals.js';
import { groupFirstDevice, type IommuGroup } from './group.js';
import { __iommuGroupSetDomain, __iommuGroupSetDomainNofail } from './set-domain.js';

/** iommu_device_use_default_domain(): the driver core before a (non driver_managed_dma) probe [B] */
export function* iommuDeviceUseDefaultDomain(dev: Device): Gen<number> {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return 0;
  yield* mutexLock(group.mutex);
  let ret = 0;
  // we may race against bus_iommu_probe() finalising groups here (b46064a18810)
  if (!iommuCore.patches.revertUseDefaultDomainDefer && group.defaultDomain === null) {
    ret = -EPROBE_DEFER;
  } else if (
    group.ownerCnt > 0 &&
    (group.domain !== group.defaultDomain || group.owner !== null || !(xaEmpty(group.pasidArray)))
  ) {
    ret = -EBUSY;
  } else {
    group.ownerCnt++;
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_device_unuse_default_domain(): on unbind or failed probe [B] */
export function* iommuDeviceUnuseDefaultDomain(dev: Device): Gen {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return;
  yield* mutexLock(group.mutex);
  const bad = group.ownerCnt === 0 || !(xaEmpty(group.pasidArray));
  if (!WARN_ON(bad, 'WARN_ON(!group->owner_cnt || !xa_empty(&group->pasid_array))')) group.ownerCnt--;
  yield* mutexUnlock(group.mutex);
}

/** __iommu_group_alloc_blocking_domain(): static blocked domain, else an empty paging domain */
export function* __iommuGroupAllocBlockingDomain(group: IommuGroup): Gen<number> {
  const dev = deref(groupFirstDevice(group)?.dev, 'iommu_group_first_dev(group)');
  const ops = (yield* devIommuOps(dev));
  if (group.blockingDomain !== null) return 0;
  if (ops.blockedDomain !== null) {
    group.blockingDomain = ops.blockedDomain;
    return 0;
  }
  // drivers that do not understand IOMMU_DOMAIN_BLOCKED get an empty PAGING domain instead
  const domain = yield* iommuPagingDomainAlloc(dev);
  if (IS_ERR(domain)) return domain;
  domain.tag = 'blocking';
  group.blockingDomain = domain;
  return 0;
}

/** __iommu_take_dma_ownership() */
export function* __iommuTakeDmaOwnership(group: IommuGroup, owner: unknown): Gen<number> {
  if ((group.domain !== null && group.domain !== group.defaultDomain) || !(xaEmpty(group.pasidArray))) return -EBUSY;
  let ret = yield* __iommuGroupAllocBlockingDomain(group);
  if (ret !== 0) return ret;
  ret = yield* __iommuGroupSetDomain(group, group.blockingDomain);
  if (ret !== 0) return ret;
  group.owner = owner;
  group.ownerCnt++;
  return 0;
}

/** iommu_group_claim_dma_owner(): exclusive, even for the same token */
export function* iommuGroupClaimDmaOwner(group: IommuGroup, owner: unknown): Gen<number> {
  if (WARN_ON(owner === null, 'WARN_ON(!owner)')) return -EINVAL;
  yield* mutexLock(group.mutex);
  let ret: number;
  if (group.ownerCnt !== 0) ret = -EPERM;
  else ret = yield* __iommuTakeDmaOwnership(group, owner);
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_device_claim_dma_owner(): claims with the same token are counted */
export function* iommuDeviceClaimDmaOwner(dev: Device, owner: unknown): Gen<number> {
  if (WARN_ON(owner === null, 'WARN_ON(!owner)')) return -EINVAL;
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return -ENODEV;
  yield* mutexLock(group.mutex);
  let ret = 0;
  if (group.ownerCnt !== 0) {
    if (group.owner !== owner) ret = -EPERM;
    else group.ownerCnt++;
  } else {
    ret = yield* __iommuTakeDmaOwnership(group, owner);
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** __iommu_release_dma_ownership() */
export function* __iommuReleaseDmaOwnership(group: IommuGroup): Gen {
  const bad = group.ownerCnt === 0 || group.owner === null || !(xaEmpty(group.pasidArray));
  if (WARN_ON(bad, 'WARN_ON(!group->owner_cnt || !group->owner || !xa_empty(&group->pasid_array))')) return;
  group.ownerCnt = 0;
  group.owner = null;
  yield* __iommuGroupSetDomainNofail(group, group.defaultDomain);
}

/** iommu_group_release_dma_owner() */
export function* iommuGroupReleaseDmaOwner(group: IommuGroup): Gen {
  yield* mutexLock(group.mutex);
  yield* __iommuReleaseDmaOwnership(group);
  yield* mutexUnlock(group.mutex);
}

/** iommu_device_release_dma_owner(): the token is not checked; dev->iommu_group not NULL-checked */
export function* iommuDeviceReleaseDmaOwner(dev: Device): Gen {
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  yield* mutexLock(group.mutex);
  if (group.ownerCnt > 1) group.ownerCnt--;
  else yield* __iommuReleaseDmaOwnership(group);
  yield* mutexUnlock(group.mutex);
}

/** iommu_group_dma_owner_claimed(): advisory */
export function* iommuGroupDmaOwnerClaimed(group: IommuGroup): Gen<boolean> {
  yield* mutexLock(group.mutex);
  const user = group.ownerCnt;
  yield* mutexUnlock(group.mutex);
  return user !== 0;
}
