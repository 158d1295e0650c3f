// Domain switching internals, all with group->mutex held (spec core.md §4.5).
import type { Device } from '../base/device.js';
import { deref, EBUSY, EINVAL, ENODEV, type Gen, lockdepAssertHeld, readOnceDeref, WARN_ON, writeOnce } from '../sync/index.js';
import { devIommuOpsIfAny } from './dev-iommu.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_NO_PASID, IOMMU_SET_DOMAIN_MUST_SUCCEED } from './domain-types.js';
import { __iommuDomainTestDevice, testDevEnabled } from './test-device.js';
import type { IommuDomain } from './domain.js';
import { groupFirstDevice, type IommuGroup } from './group.js';
import type { IommuOps } from './ops.js';
import { driverAttachDev } from './contracts.js';
import { iommuCore } from './globals.js';

/** __iommu_attach_device(): call the driver; clear attach_deferred on success */
export function* __iommuAttachDevice(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number> {
  const d = deref(domain, 'domain');
  if (d.ops?.attachDev === undefined) return -ENODEV;
  // seed 002: attach_dev only after test_dev accepted the same (domain, dev, old)
  if (testDevEnabled()) {
    const t = yield* __iommuDomainTestDevice(d, dev, IOMMU_NO_PASID, old);
    if (t !== 0) return t;
  }
  const ret = yield* driverAttachDev(d, dev, old);
  if (ret !== 0) return ret;
  // dev->iommu->attach_deferred = 0: iommu_deferred_attach() tests it locklessly (a write of
  // false over false is not seen, so only the change is an event)
  const r = yield* readOnceDeref(dev, 'iommu', 'attachDeferred');
  const param = deref(r.ptr, 'dev->iommu');
  if (r.value === true) yield* writeOnce(param, 'attachDeferred', false);
  return 0;
}

/** __iommu_device_set_domain() */
export function* __iommuDeviceSetDomain(
  group: IommuGroup,
  dev: Device,
  newDomain: IommuDomain,
  oldDomain: IommuDomain | null,
  flags: number,
): Gen<number> {
  // dev->iommu and attach_deferred: the probe wrote them before the device joined the group (under
  // the probe lock, not this mutex), and a release outside the mutex (the historical orders) frees
  // dev->iommu: READ_ONCEs
  const r = yield* readOnceDeref(dev, 'iommu', 'attachDeferred');
  const param = deref(r.ptr, 'dev->iommu');
  const nd = deref(newDomain, 'new_domain');
  // a device needing IOMMU_RESV_DIRECT may never be put on a domain without its 1:1 mappings
  if (param.requireDirect && (nd.type === IOMMU_DOMAIN_BLOCKED || nd === group.blockingDomain)) {
    // dev_warn(): "Firmware has requested this device have a 1:1 IOMMU mapping, rejecting ..."
    return -EINVAL;
  }
  if (r.value === true) {
    if (nd === group.defaultDomain) return 0;
    yield* writeOnce(param, 'attachDeferred', false);
  }
  const ret = yield* __iommuAttachDevice(nd, dev, oldDomain);
  if (ret !== 0) {
    // try the blocking domain in hopes of avoiding a UAF
    if ((flags & IOMMU_SET_DOMAIN_MUST_SUCCEED) !== 0 && group.blockingDomain !== null && group.blockingDomain !== nd) {
      yield* __iommuAttachDevice(group.blockingDomain, dev, oldDomain);
    }
    return ret;
  }
  return 0;
}

/** __iommu_group_set_domain_internal() (baseline, with the reset check) */
export function* __iommuGroupSetDomainInternal(group: IommuGroup, newDomain: IommuDomain | null, flags: number): Gen<number> {
  lockdepAssertHeld(group.mutex);
  if (group.domain === newDomain) return 0;
  if (WARN_ON(newDomain === null, 'WARN_ON(!new_domain)')) return -EINVAL;
  // seed 002: every member must pass test_dev before any is attached
  if (testDevEnabled()) {
    for (const gd of group.devices) {
      const t = yield* __iommuDomainTestDevice(newDomain!, gd.dev, IOMMU_NO_PASID, group.domain);
      if (t !== 0) return t;
    }
  }
  // a concurrent attach during device recovery: rejected until pci_dev_reset_iommu_done()
  if (group.resettingDomain !== null && iommuCore.patches.resetRecordAttach) {
    // the design test_dev was for: record it, done() applies it; the other members now
    for (const gd of group.devices) {
      if (gd.dev === group.ghostResetDev) continue;
      const r = yield* __iommuDeviceSetDomain(group, gd.dev, newDomain!, group.domain, flags);
      if (r !== 0) return r;
    }
    group.domain = newDomain;
    return 0;
  }
  if (group.resettingDomain !== null && iommuCore.patches.resetFence !== 'none') return -EBUSY;
  let result = 0;
  let failedAt = -1;
  let ret = 0;
  const devices = group.devices;
  for (let i = 0; i < devices.length; i++) {
    ret = yield* __iommuDeviceSetDomain(group, devices[i]!.dev, newDomain!, group.domain, flags);
    if (ret !== 0) {
      result = ret;
      if ((flags & IOMMU_SET_DOMAIN_MUST_SUCCEED) !== 0) {
        group.ghostNofailFailed = true;
        continue;
      }
      failedAt = i;
      break;
    }
  }
  if (failedAt < 0) {
    group.domain = newDomain;
    // model-only: every member was attached to newDomain, so I3 holds again after a failed nofail
    if (result === 0) group.ghostNofailFailed = false;
    return result;
  }
  // err_revert: a well behaved driver always allows re-attaching a domain that was attached
  for (let i = 0; i < failedAt; i++) {
    // no need to revert the device that failed; a NULL domain happens only at first probe
    if (group.domain !== null) {
      const r = yield* __iommuDeviceSetDomain(group, devices[i]!.dev, group.domain, newDomain, IOMMU_SET_DOMAIN_MUST_SUCCEED);
      if (WARN_ON(r !== 0, 'WARN_ON(__iommu_device_set_domain(group, gdev->dev, group->domain, new_domain, MUST_SUCCEED))')) {
        group.ghostNofailFailed = true;
      }
    }
  }
  return ret;
}

/** __iommu_group_set_domain(): rollback on error */
export function* __iommuGroupSetDomain(group: IommuGroup, newDomain: IommuDomain | null): Gen<number> {
  return yield* __iommuGroupSetDomainInternal(group, newDomain, 0);
}

/** __iommu_group_set_domain_nofail(): MUST_SUCCEED, WARN if it still failed */
export function* __iommuGroupSetDomainNofail(group: IommuGroup, newDomain: IommuDomain | null): Gen {
  const ret = yield* __iommuGroupSetDomainInternal(group, newDomain, IOMMU_SET_DOMAIN_MUST_SUCCEED);
  WARN_ON(ret !== 0, 'WARN_ON(__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED))');
}

/** __iommu_group_set_core_domain(): back to blocking (owned) or default (DMA API) */
export function* __iommuGroupSetCoreDomain(group: IommuGroup): Gen<number> {
  const newDomain = group.owner !== null ? group.blockingDomain : group.defaultDomain;
  yield* __iommuGroupSetDomainNofail(group, newDomain);
  return 0;
}

/** domain_iommu_ops_compatible(): allocated by this driver, or one of its static domains */
export function domainIommuOpsCompatible(ops: IommuOps, domain: IommuDomain): boolean {
  const d = deref(domain, 'domain');
  if (d.owner === ops) return true;
  // for static domains, owner isn't set
  return d === ops.blockedDomain || d === ops.identityDomain;
}

/** __iommu_attach_group() */
export function* __iommuAttachGroup(domain: IommuDomain, group: IommuGroup): Gen<number> {
  if (group.domain !== null && group.domain !== group.defaultDomain && group.domain !== group.blockingDomain) return -EBUSY;
  const dev = deref(groupFirstDevice(group)?.dev, 'iommu_group_first_dev(group)');
  const ops = yield* devIommuOpsIfAny(dev);
  if (ops === null || !domainIommuOpsCompatible(ops, domain)) return -EINVAL;
  return yield* __iommuGroupSetDomain(group, domain);
}
