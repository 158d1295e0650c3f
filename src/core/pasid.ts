// PASID attachments (spec core.md §4.8).
import type { Device } from '../base/device.js';
import {
  deref,
  EBUSY,
  EINVAL,
  ENODEV,
  EOPNOTSUPP,
  type Gen,
  mutexLock,
  mutexUnlock,
  readOnce,
  WARN_ON,
  XA_ZERO_ENTRY,
  xaCmpxchgReserve,
  xaErase,
  xaInsert,
  xaRelease,
  xaStore,
} from '../sync/index.js';
import { driverSetDevPasid } from './contracts.js';
import { devIommuOps } from './dev-iommu.js';
import { IOMMU_NO_PASID, IOMMU_PASID_INVALID } from './domain-types.js';
import type { IommuDomain } from './domain.js';
import { iommuCore } from './globals.js';
import type { IommuGroup } from './group.js';
import { type IommuAttachHandle, pasidArrayEntryToDomain, pasidEntryFor, samePasidEntry } from './pasid-entry.js';
import { domainIommuOpsCompatible } from './set-domain.js';
import { __iommuDomainTestDevice, testDevEnabled } from './test-device.js';

function maxPasids(dev: Device): number {
  return deref(dev.iommu, 'dev->iommu').maxPasids;
}

/** iommu_remove_dev_pasid(): the blocked domain's set_dev_pasid removes the PASID */
export function* iommuRemoveDevPasid(dev: Device, pasid: number, domain: IommuDomain): Gen {
  const ops = (yield* devIommuOps(dev));
  const blocked = deref(ops.blockedDomain, 'ops->blocked_domain');
  const ret = yield* driverSetDevPasid(blocked, dev, pasid, domain);
  WARN_ON(ret !== 0, 'WARN_ON(blocked_domain->ops->set_dev_pasid(blocked_domain, dev, pasid, domain))');
}

/** __iommu_set_group_pasid(): every PASID-capable member; rollback on failure */
export function* __iommuSetGroupPasid(
  domain: IommuDomain,
  group: IommuGroup,
  pasid: number,
  old: IommuDomain | null,
  /** resetRecordAttach: the member in reset, only recorded (done() programs it) */
  skip: Device | null = null,
): Gen<number> {
  const d = deref(domain, 'domain');
  const devices = group.devices;
  let ret = 0;
  let last = -1;
  // seed 002: set_dev_pasid only after test_dev accepted every member
  if (testDevEnabled()) {
    for (const gd of devices) {
      if (maxPasids(gd.dev) <= 0) continue;
      ret = yield* __iommuDomainTestDevice(d, gd.dev, pasid, old);
      if (ret !== 0) return ret;
    }
  }
  for (let i = 0; i < devices.length; i++) {
    const dev = devices[i]!.dev;
    if (dev === skip) continue;
    if (maxPasids(dev) > 0) {
      ret = yield* driverSetDevPasid(d, dev, pasid, old);
      if (ret !== 0) {
        last = i;
        break;
      }
    }
  }
  if (last < 0) {
    group.ghostPasidRevertFailed.delete(pasid);
    return 0;
  }
  // err_revert: the failing member is assumed untouched
  for (let i = 0; i < last; i++) {
    const dev = devices[i]!.dev;
    if (maxPasids(dev) <= 0 || dev === skip) continue;
    // no old domain: undo; else back to old, and it is a driver bug to fail that
    if (old === null) {
      yield* iommuRemoveDevPasid(dev, pasid, d);
    } else {
      const r = yield* driverSetDevPasid(deref(old, 'old'), dev, pasid, d);
      if (WARN_ON(r !== 0, 'WARN_ON(old->ops->set_dev_pasid(old, device->dev, pasid, domain))')) {
        group.ghostPasidRevertFailed.add(pasid);
        yield* iommuRemoveDevPasid(dev, pasid, d);
      }
    }
  }
  return ret;
}

/** __iommu_remove_group_pasid() */
export function* __iommuRemoveGroupPasid(group: IommuGroup, pasid: number, domain: IommuDomain): Gen {
  for (const gd of group.devices) if (maxPasids(gd.dev) > 0) yield* iommuRemoveDevPasid(gd.dev, pasid, domain);
  group.ghostPasidRevertFailed.delete(pasid);
}

/** iommu_attach_device_pasid() */
export function* iommuAttachDevicePasid(
  domain: IommuDomain,
  dev: Device,
  pasid: number,
  handle: IommuAttachHandle | null,
): Gen<number> {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return -ENODEV;
  const ops = (yield* devIommuOps(dev));
  const d = deref(domain, 'domain');
  const blocked = ops.blockedDomain;
  if (d.ops?.setDevPasid === undefined || blocked === null || blocked.ops?.setDevPasid === undefined) return -EOPNOTSUPP;
  if (!domainIommuOpsCompatible(ops, d) || pasid === IOMMU_NO_PASID) return -EINVAL;
  yield* mutexLock(group.mutex);
  let ret = 0;
  // a concurrent attach during device recovery: rejected until pci_dev_reset_iommu_done()
  // (seed 002's design: recorded for the member in reset, which done() programs)
  const recordFor = group.resettingDomain !== null && iommuCore.patches.resetRecordAttach ? group.ghostResetDev : null;
  if (group.resettingDomain !== null && recordFor === null && iommuCore.patches.resetFence !== 'none') ret = -EBUSY;
  // devices without PASID support cannot issue PASID transactions: skipped
  if (ret === 0 && group.devices.some((gd) => maxPasids(gd.dev) > 0 && pasid >= maxPasids(gd.dev))) ret = -EINVAL;
  if (ret === 0) {
    const entry = pasidEntryFor(d, handle);
    // an existing entry is a failure: xa_insert(), not xa_reserve()
    ret = yield* xaInsert(group.pasidArray, pasid, XA_ZERO_ENTRY);
    if (ret === 0) {
      ret = yield* __iommuSetGroupPasid(d, group, pasid, null, recordFor);
      if (ret !== 0) {
        yield* xaRelease(group.pasidArray, pasid);
      } else {
        // the reservation holds the memory and the mutex is held: cannot fail. Visible only now.
        const r = yield* xaStore(group.pasidArray, pasid, entry);
        WARN_ON(typeof r === 'number', 'WARN_ON(xa_is_err(xa_store(&group->pasid_array, pasid, entry)))');
      }
    }
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_replace_device_pasid() */
export function* iommuReplaceDevicePasid(
  domain: IommuDomain,
  dev: Device,
  pasid: number,
  handle: IommuAttachHandle | null,
): Gen<number> {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return -ENODEV;
  const d = deref(domain, 'domain');
  if (d.ops?.setDevPasid === undefined) return -EOPNOTSUPP;
  if (!domainIommuOpsCompatible((yield* devIommuOps(dev)), d) || pasid === IOMMU_NO_PASID || handle === null) {
    return -EINVAL;
  }
  yield* mutexLock(group.mutex);
  let ret = 0;
  if (group.resettingDomain !== null && iommuCore.patches.resetFence !== 'none') {
    ret = -EBUSY;
  } else {
    const entry = pasidEntryFor(d, handle);
    const curr = yield* xaCmpxchgReserve(group.pasidArray, pasid);
    if (typeof curr === 'number') {
      ret = curr;
    } else if (curr === null) {
      // nothing attached: not a replace
      yield* xaRelease(group.pasidArray, pasid);
      ret = -EINVAL;
    } else if (samePasidEntry(curr, entry)) {
      // reusing the handle is rejected: paths read it without a lock
      WARN_ON(true, 'WARN_ON(1): iommu_replace_device_pasid() with the attached handle');
      ret = -EINVAL;
    } else {
      const currDomain = pasidArrayEntryToDomain(curr);
      if (currDomain !== d) ret = yield* __iommuSetGroupPasid(d, group, pasid, currDomain);
      if (ret === 0) {
        const r = yield* xaStore(group.pasidArray, pasid, entry);
        WARN_ON(typeof r === 'number', 'WARN_ON(xa_is_err(xa_store(&group->pasid_array, pasid, entry)))');
      }
    }
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_detach_device_pasid(): no check that the slot holds `domain`; dev->iommu_group not NULL-checked */
export function* iommuDetachDevicePasid(domain: IommuDomain, dev: Device, pasid: number): Gen {
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  yield* mutexLock(group.mutex);
  yield* __iommuRemoveGroupPasid(group, pasid, domain);
  yield* xaErase(group.pasidArray, pasid);
  yield* mutexUnlock(group.mutex);
}

/** iommu_alloc_global_pasid(): an id in [1, max_pasids - 1], IOMMU_PASID_INVALID if none; dev->iommu is not NULL-checked */
export function iommuAllocGlobalPasid(dev: Device): number {
  const max = maxPasids(dev);
  if (max === 0) return IOMMU_PASID_INVALID;
  const g = iommuCore;
  for (let p = 1; p < max; p++) {
    if (!g.globalPasids.has(p)) {
      g.globalPasids.add(p);
      return p;
    }
  }
  return IOMMU_PASID_INVALID;
}

/** iommu_free_global_pasid() */
export function iommuFreeGlobalPasid(pasid: number): void {
  if (WARN_ON(pasid === IOMMU_PASID_INVALID, 'WARN_ON(pasid == IOMMU_PASID_INVALID)')) return;
  iommuCore.globalPasids.delete(pasid);
}
