// Attaching devices and PASIDs (intel/iommu.c, hardware.md §2.6). A RID attach is not hitless:
// device_block_translation() first tears the RID_PASID entry down (by the driver's own record of
// the domain, info->domain), then the new entry is set up into the empty slot; a failure leaves
// the device blocked. PASID attaches use the `old` domain they are handed: its DID for the
// in-place replace's flush, its cache tags and DID reference to drop afterwards.
import type { Device } from '../../base/device.js';
import { __IOMMU_DOMAIN_PAGING, IOMMU_DOMAIN_IDENTITY, IOMMU_NO_PASID } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import { type PasidEntry, pasidFl, pasidPt, pasidSl } from '../../hw/vtd/entries.js';
import { SZ_1G, SZ_2M } from '../../hw/pgtable/format.js';
import { asOracle, atomicUpdate, deref, EINVAL, ENOMEM, EOPNOTSUPP, type Gen, kfree, kzalloc, lockdepAssertHeld, spinLock, spinUnlock, WARN_ON_ONCE } from '../../sync/index.js';
import { cacheTagAssignDomain, cacheTagUnassignDomain } from './cache.js';
import { type DeviceDomainInfo, deviceInfo } from './device.js';
import { domainAttachIommu, domainDetachIommu, domainIdIommu, iommuDomainDid } from './did.js';
import { DevPasidInfo, type DmarDomain, toDmarDomain } from './domain.js';
import { intelPasidReplace, intelPasidSetup, intelPasidTearDownEntry } from './pasid.js';

// the call sites of the driver's WARN_ON_ONCEs
const onceNotPaging = Object.freeze({ site: 'intel_iommu_set_dev_pasid' });
const onceNoDevPasid = Object.freeze({ site: 'domain_remove_dev_pasid' });

/** iommu_group_mutex_assert(): attach_dev and set_dev_pasid run under the device's group mutex */
function iommuGroupMutexAssert(dev: Device): void {
  // a lockdep assertion: a check, not one of the model's accesses (the yield rule's checker)
  const group = asOracle(() => dev.iommuGroup);
  if (group !== null) lockdepAssertHeld(group.mutex);
}

/** device_block_translation(): the RID blocked, and out of the domain the driver recorded for it */
export function* deviceBlockTranslation(dev: Device): Gen {
  const info = yield* deviceInfo(dev);
  // already blocked: nothing to do
  if (!info.domainAttached) return;
  const domain = info.domain;
  if (domain !== null) yield* cacheTagUnassignDomain(domain, info, IOMMU_NO_PASID);
  yield* intelPasidTearDownEntry(info, IOMMU_NO_PASID, false);
  info.domainAttached = false;
  if (domain === null) return;
  yield* spinLock(domain.lock);
  yield* atomicUpdate(domain, 'devices', (l) => l.filter((x) => x !== info));
  yield* spinUnlock(domain.lock);
  yield* domainDetachIommu(domain, info.iommu);
  info.domain = null;
}

/** paging_domain_compatible(): can this unit walk the domain's tables? 0 or -EINVAL */
export function pagingDomainCompatible(domain: DmarDomain, info: DeviceDomainInfo): number {
  const caps = info.iommu.hw.caps;
  if (domain.useFirstLevel) {
    // paging_domain_compatible_first_stage()
    if (!info.iommu.hw.sm || !caps.flts) return -EINVAL;
    if ((domain.pgsizeBitmap & SZ_1G) !== 0 && !caps.fl1gp) return -EINVAL;
  } else {
    // paging_domain_compatible_second_stage()
    if (!caps.slts) return -EINVAL;
    if ((domain.pgsizeBitmap & SZ_2M) !== 0 && (caps.sllps & SZ_2M) === 0) return -EINVAL;
    if ((domain.pgsizeBitmap & SZ_1G) !== 0 && (caps.sllps & SZ_1G) === 0) return -EINVAL;
  }
  // the domain's levels against what the unit can walk (agaw)
  const levels = deref(domain.pt, 'dmar_domain->pt').fmt.levels;
  if (!domain.useFirstLevel && !caps.sagaw.includes(levels)) return -EINVAL;
  return 0;
}

/** the PASID entry a paging domain installs with DID `did` */
function pagingEntry(domain: DmarDomain, did: number): PasidEntry {
  const pt = deref(domain.pt, 'dmar_domain->pt');
  if (domain.useFirstLevel) return pasidFl({ did, root: pt.rootPa, levels: pt.fmt.levels });
  return pasidSl({ did, root: pt.rootPa, levels: pt.fmt.levels });
}

/**
 * domain_setup_first_level() / domain_setup_second_level(): into an empty entry when there is no
 * old domain, else the in-place replace with the old domain's DID
 */
function* domainSetupPaging(domain: DmarDomain, info: DeviceDomainInfo, pasid: number, old: IommuDomain | null): Gen<number> {
  const e = pagingEntry(domain, yield* domainIdIommu(domain, info.iommu));
  if (old === null) return yield* intelPasidSetup(info, pasid, e);
  return yield* intelPasidReplace(info, pasid, e, yield* iommuDomainDid(old, info.iommu));
}

/**
 * dmar_domain_attach_device(): a DID, the device on the domain's list, the RID_PASID entry, then the
 * cache tags (after the entry: an invalidation in between misses the device, Jason's Jan 2026
 * remark). A failure blocks the device.
 */
function* dmarDomainAttachDevice(domain: DmarDomain, info: DeviceDomainInfo): Gen<number> {
  const ret = yield* domainAttachIommu(domain, info.iommu);
  if (ret !== 0) return ret;
  info.domain = domain;
  info.domainAttached = true;
  yield* spinLock(domain.lock);
  yield* atomicUpdate(domain, 'devices', (l) => [...l, info]);
  yield* spinUnlock(domain.lock);
  let r = yield* domainSetupPaging(domain, info, IOMMU_NO_PASID, null);
  if (r === 0) r = yield* cacheTagAssignDomain(domain, info, IOMMU_NO_PASID);
  if (r !== 0) yield* deviceBlockTranslation(info.dev);
  return r;
}

/** intel_iommu_attach_device(): block, check, attach (the `old` the core hands in is not used) */
export function* intelIommuAttachDevice(domain: IommuDomain, dev: Device, _old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = deref(toDmarDomain(domain), 'domain');
  const info = yield* deviceInfo(dev);
  yield* deviceBlockTranslation(dev);
  const ret = pagingDomainCompatible(d, info);
  if (ret !== 0) return ret;
  return yield* dmarDomainAttachDevice(d, info);
}

/** identity_domain_attach_dev(): block, then a pass-through RID_PASID entry (DID 1) */
export function* identityDomainAttachDev(_domain: IommuDomain, dev: Device, _old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const info = yield* deviceInfo(dev);
  yield* deviceBlockTranslation(dev);
  const ret = yield* intelPasidSetup(info, IOMMU_NO_PASID, pasidPt());
  if (ret === 0) info.domainAttached = true;
  return ret;
}

/** blocking_domain_attach_dev(): the RID's entry torn down, all its DMA faults */
export function* blockingDomainAttachDev(_domain: IommuDomain, dev: Device, _old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  yield* deviceBlockTranslation(dev);
  return 0;
}

/** domain_add_dev_pasid(): a DID reference, the cache tags, the PASID on the domain's list */
function* domainAddDevPasid(domain: DmarDomain, info: DeviceDomainInfo, pasid: number): Gen<DevPasidInfo | number> {
  const devPasid = yield* kzalloc(() => new DevPasidInfo(info, pasid));
  if (devPasid === null) return -ENOMEM;
  let ret = yield* domainAttachIommu(domain, info.iommu);
  if (ret === 0) {
    ret = yield* cacheTagAssignDomain(domain, info, pasid);
    if (ret !== 0) yield* domainDetachIommu(domain, info.iommu);
  }
  if (ret !== 0) {
    yield* kfree(devPasid);
    return ret;
  }
  yield* spinLock(domain.lock);
  domain.devPasids.push(devPasid);
  yield* spinUnlock(domain.lock);
  return devPasid;
}

/**
 * domain_remove_dev_pasid(): the PASID off `domain`'s list, its cache tags and DID reference
 * dropped. `domain` is what the caller says the PASID was on (set_dev_pasid's `old`): a wrong one
 * finds no node (WARN_ON_ONCE) and drops another attachment's references.
 */
export function* domainRemoveDevPasid(domain: IommuDomain | null, info: DeviceDomainInfo, pasid: number): Gen {
  if (domain === null) return;
  // the identity domain keeps no PASID data
  if (domain.type === IOMMU_DOMAIN_IDENTITY) return;
  const d = deref(toDmarDomain(domain), 'domain');
  yield* spinLock(d.lock);
  const i = d.devPasids.findIndex((p) => p.info === info && p.pasid === pasid);
  const devPasid = i >= 0 ? d.devPasids.splice(i, 1)[0]! : null;
  yield* spinUnlock(d.lock);
  yield* cacheTagUnassignDomain(d, info, pasid);
  yield* domainDetachIommu(d, info.iommu);
  if (!WARN_ON_ONCE(devPasid === null, onceNoDevPasid, 'WARN_ON_ONCE(!dev_pasid)')) yield* kfree(devPasid);
}

/** intel_iommu_set_dev_pasid(): a paging domain on a PASID, over `old` or into an empty entry */
export function* intelIommuSetDevPasid(
  domain: IommuDomain,
  dev: Device,
  pasid: number,
  old: IommuDomain | null,
): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = deref(toDmarDomain(domain), 'domain');
  if (WARN_ON_ONCE((d.type & __IOMMU_DOMAIN_PAGING) === 0, onceNotPaging, 'WARN_ON_ONCE(!(domain->type & __IOMMU_DOMAIN_PAGING))')) return -EINVAL;
  const info = yield* deviceInfo(dev);
  if (!info.iommu.hw.caps.pasid) return -EOPNOTSUPP;
  const ret = pagingDomainCompatible(d, info);
  if (ret !== 0) return ret;
  const devPasid = yield* domainAddDevPasid(d, info, pasid);
  if (typeof devPasid === 'number') return devPasid;
  const r = yield* domainSetupPaging(d, info, pasid, old);
  if (r !== 0) {
    yield* domainRemoveDevPasid(d, info, pasid);
    return r;
  }
  yield* domainRemoveDevPasid(old, info, pasid);
  return 0;
}

/** identity_domain_set_dev_pasid(): a pass-through PASID entry (DID 1), over `old` or new */
export function* identityDomainSetDevPasid(
  _domain: IommuDomain,
  dev: Device,
  pasid: number,
  old: IommuDomain | null,
): Gen<number> {
  iommuGroupMutexAssert(dev);
  const info = yield* deviceInfo(dev);
  if (!info.iommu.hw.caps.pasid) return -EOPNOTSUPP;
  const ret = old === null
    ? yield* intelPasidSetup(info, pasid, pasidPt())
    : yield* intelPasidReplace(info, pasid, pasidPt(), yield* iommuDomainDid(old, info.iommu));
  if (ret !== 0) return ret;
  yield* domainRemoveDevPasid(old, info, pasid);
  return 0;
}

/** blocking_domain_set_dev_pasid(): tear the PASID's entry down, then drop what `old` held for it */
export function* blockingDomainSetDevPasid(
  _domain: IommuDomain,
  dev: Device,
  pasid: number,
  old: IommuDomain | null,
): Gen<number> {
  iommuGroupMutexAssert(dev);
  const info = yield* deviceInfo(dev);
  yield* intelPasidTearDownEntry(info, pasid, false);
  yield* domainRemoveDevPasid(old, info, pasid);
  return 0;
}
