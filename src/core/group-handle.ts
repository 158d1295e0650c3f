// Group-handle APIs (iommufd): RID attach recorded at pasid_array[IOMMU_NO_PASID] (spec core.md §4.6).
import {
  EBUSY,
  EINVAL,
  ENOENT,
  type ErrPtr,
  type Gen,
  mutexLock,
  mutexUnlock,
  WARN_ON,
  XA_ZERO_ENTRY,
  xaErase,
  xaInsert,
  xaLoad,
  xaRelease,
  xaReserve,
  xaStore,
} from '../sync/index.js';
import { IOMMU_NO_PASID } from './domain-types.js';
import type { IommuDomain } from './domain.js';
import type { IommuGroup } from './group.js';
import { type IommuAttachHandle, pasidEntryFor } from './pasid-entry.js';
import { __iommuAttachGroup, __iommuGroupSetCoreDomain, __iommuGroupSetDomain } from './set-domain.js';

/** iommu_attach_group_handle() */
export function* iommuAttachGroupHandle(domain: IommuDomain, group: IommuGroup, handle: IommuAttachHandle | null): Gen<number> {
  if (handle === null) return -EINVAL;
  yield* mutexLock(group.mutex);
  const entry = pasidEntryFor(domain, handle);
  let ret = yield* xaInsert(group.pasidArray, IOMMU_NO_PASID, XA_ZERO_ENTRY);
  if (ret === 0) {
    ret = yield* __iommuAttachGroup(domain, group);
    if (ret !== 0) {
      yield* xaRelease(group.pasidArray, IOMMU_NO_PASID);
    } else {
      // the reservation holds the memory and the mutex is held: this cannot fail
      const r = yield* xaStore(group.pasidArray, IOMMU_NO_PASID, entry);
      WARN_ON(typeof r === 'number', 'WARN_ON(xa_is_err(xa_store(&group->pasid_array, IOMMU_NO_PASID, entry)))');
    }
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_detach_group_handle() */
export function* iommuDetachGroupHandle(_domain: IommuDomain | null, group: IommuGroup): Gen {
  yield* mutexLock(group.mutex);
  yield* __iommuGroupSetCoreDomain(group);
  yield* xaErase(group.pasidArray, IOMMU_NO_PASID);
  yield* mutexUnlock(group.mutex);
}

/** iommu_replace_group_handle(): no -EBUSY ownership check, no ops compatibility check */
export function* iommuReplaceGroupHandle(
  group: IommuGroup,
  newDomain: IommuDomain | null,
  handle: IommuAttachHandle | null,
): Gen<number> {
  if (newDomain === null || handle === null) return -EINVAL;
  yield* mutexLock(group.mutex);
  const entry = pasidEntryFor(newDomain, handle);
  let ret = yield* xaReserve(group.pasidArray, IOMMU_NO_PASID);
  if (ret === 0) {
    ret = yield* __iommuGroupSetDomain(group, newDomain);
    if (ret !== 0) {
      yield* xaRelease(group.pasidArray, IOMMU_NO_PASID);
    } else {
      const curr = yield* xaStore(group.pasidArray, IOMMU_NO_PASID, entry);
      WARN_ON(typeof curr === 'number', 'WARN_ON(xa_is_err(curr))');
    }
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_attach_handle_get(): the one lockless pasid_array reader (under the xarray lock) */
export function* iommuAttachHandleGet(group: IommuGroup, pasid: number, type: number): Gen<ErrPtr<IommuAttachHandle>> {
  const entry = yield* xaLoad(group.pasidArray, pasid);
  if (entry === null || entry.kind !== 'handle') return -ENOENT;
  if (type !== 0 && entry.handle.domain!.type !== type) return -EBUSY;
  return entry.handle;
}
