// Default-domain type choice, allocation and setup, direct mappings, and the sysfs "type" file
// (spec core.md §4.3). All with group->mutex held.
import { type Device, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE } from '../base/device.js';
import { iommuGetDmaCookie, iommuSetupDmaOps } from '../dma/dma-iommu.js';
import { isPciDev } from '../pci/pci.js';
import {
  deref,
  EACCES,
  EINVAL,
  EOPNOTSUPP,
  EPERM,
  type ErrPtr,
  type Gen,
  IS_ERR,
  lockdepAssertHeld,
  mutexLock,
  mutexUnlock,
  readOnce,
  WARN_ON,
  WARN_ON_ONCE,
  writeOnce,
} from '../sync/index.js';
import { bit, ffs } from './bits.js';
import { devIommuOps } from './dev-iommu.js';
import {
  __IOMMU_DOMAIN_PAGING,
  IOMMU_DOMAIN_DMA,
  IOMMU_DOMAIN_DMA_FQ,
  IOMMU_DOMAIN_IDENTITY,
  IOMMU_HWPT_ALLOC_PASID,
  IOMMU_SET_DOMAIN_MUST_SUCCEED,
} from './domain-types.js';
import { __iommuPagingDomainAllocFlags, type IommuDomain, iommuDomainFree, iommuDomainInit, iommuIsDmaDomain } from './domain.js';
import { iommuCore } from './globals.js';
import { groupFirstDevice, type IommuGroup } from './group.js';
import { iommuIovaToPhys, iommuMap } from './map.js';
import { iommuGetResvRegions, type IommuResvRegion, iommuPutResvRegions } from './resv.js';
import { __iommuGroupSetDomain, __iommuGroupSetDomainInternal } from './set-domain.js';

/** iommu_group_first_dev() */
function iommuGroupFirstDev(group: IommuGroup): Device {
  return deref(groupFirstDevice(group)?.dev, 'iommu_group_first_dev(group)');
}

/** iommu_get_def_domain_type(): combine the driver's per-device answer with the current one */
function* iommuGetDefDomainType(_group: IommuGroup, dev: Device, curType: number): Gen<number> {
  const ops = (yield* devIommuOps(dev));
  let type: number;
  if (ops.defaultDomain !== null) {
    // drivers that declare a global static default_domain always choose it
    type = ops.defaultDomain.type;
  } else if (ops.defDomainType !== undefined) {
    type = ops.defDomainType(dev);
  } else {
    return curType;
  }
  if (type === 0 || curType === type) return curType;
  if (curType === 0) return type;
  // dev_err_ratelimited("IOMMU driver error, requesting conflicting def_domain_type ...")
  // try to recover: drivers may force IDENTITY or DMA; IDENTITY takes precedence
  if (type === IOMMU_DOMAIN_IDENTITY) return type;
  return curType;
}

/** iommu_get_default_domain_type(): 0 = global default, a type, or -1 = refuse (CONFIG_IOMMU_DMA=y) */
export function* iommuGetDefaultDomainType(group: IommuGroup, targetType: number): Gen<number> {
  lockdepAssertHeld(group.mutex);
  let untrusted: Device | null = null;
  let driverType = 0;
  for (const gd of group.devices) {
    driverType = yield* iommuGetDefDomainType(group, gd.dev, driverType);
    if (isPciDev(gd.dev) && gd.dev.untrusted) untrusted = gd.dev;
  }
  if (untrusted !== null) {
    if (driverType !== 0 && driverType !== IOMMU_DOMAIN_DMA) {
      // dev_err_ratelimited("Device is not trusted, but driver is overriding group ... refusing to probe.")
      return -1;
    }
    driverType = IOMMU_DOMAIN_DMA;
  }
  if (targetType !== 0) {
    if (driverType !== 0 && targetType !== driverType) return -1;
    return targetType;
  }
  return driverType;
}

/** __iommu_alloc_identity_domain() */
function* __iommuAllocIdentityDomain(dev: Device): Gen<ErrPtr<IommuDomain>> {
  const ops = (yield* devIommuOps(dev));
  if (ops.identityDomain !== null) return ops.identityDomain;
  if (ops.domainAllocIdentity === undefined) return -EOPNOTSUPP;
  const domain = yield* ops.domainAllocIdentity(dev);
  if (IS_ERR(domain)) return domain;
  iommuDomainInit(domain, IOMMU_DOMAIN_IDENTITY, ops);
  return domain;
}

/** __iommu_group_alloc_default_domain(): "alloc_type" */
function* __iommuGroupAllocDefaultDomain(group: IommuGroup, reqType: number): Gen<ErrPtr<IommuDomain>> {
  const dev = iommuGroupFirstDev(group);
  if (group.defaultDomain !== null && group.defaultDomain.type === reqType) return group.defaultDomain;
  // assume the DMA API domain will be used with PASID: make the RID's domain PASID compatible
  if ((reqType & __IOMMU_DOMAIN_PAGING) !== 0) {
    const flags = deref(dev.iommu, 'dev->iommu').maxPasids > 0 ? IOMMU_HWPT_ALLOC_PASID : 0;
    let dom = yield* __iommuPagingDomainAllocFlags(dev, reqType, flags);
    // the driver does not support PASID: try a non-PASID domain
    if (dom === -EOPNOTSUPP) dom = yield* __iommuPagingDomainAllocFlags(dev, reqType, 0);
    if (!IS_ERR(dom)) dom.tag = 'default';
    return dom;
  }
  if (reqType === IOMMU_DOMAIN_IDENTITY) return yield* __iommuAllocIdentityDomain(dev);
  return -EINVAL;
}

/** iommu_group_alloc_default_domain(): req 0 = "auto" */
export function* iommuGroupAllocDefaultDomain(group: IommuGroup, reqType: number): Gen<ErrPtr<IommuDomain>> {
  const ops = (yield* devIommuOps(iommuGroupFirstDev(group)));
  lockdepAssertHeld(group.mutex);
  // legacy drivers may name the default domain (IDENTITY/BLOCKED/PLATFORM)
  if (ops.defaultDomain !== null) {
    if (reqType !== ops.defaultDomain.type) return -EINVAL;
    return ops.defaultDomain;
  }
  if (reqType !== 0) return yield* __iommuGroupAllocDefaultDomain(group, reqType);
  // the driver gave no guidance: try the default
  const defType = iommuCore.iommuDefDomainType;
  let dom = yield* __iommuGroupAllocDefaultDomain(group, defType);
  if (!IS_ERR(dom)) return dom;
  // otherwise IDENTITY and DMA_FQ defaults try DMA
  if (defType === IOMMU_DOMAIN_DMA) return -EINVAL;
  dom = yield* __iommuGroupAllocDefaultDomain(group, IOMMU_DOMAIN_DMA);
  if (IS_ERR(dom)) return dom;
  // pr_warn("Failed to allocate default IOMMU domain of type %u ... Falling back to IOMMU_DOMAIN_DMA")
  return dom;
}

/** iommu_create_device_direct_mappings(): map DIRECT regions 1:1 into a DMA domain; sets require_direct */
export function* iommuCreateDeviceDirectMappings(domain: IommuDomain, dev: Device): Gen<number> {
  const pgSize = domain.pgsizeBitmap !== 0 ? bit(ffs(domain.pgsizeBitmap)) : 0;
  if (WARN_ON_ONCE(iommuIsDmaDomain(domain) && pgSize === 0, domain, 'WARN_ON_ONCE(iommu_is_dma_domain(domain) && !pg_size)')) return -EINVAL;
  const mappings: IommuResvRegion[] = [];
  yield* iommuGetResvRegions(dev, mappings);
  let ret = 0;
  // overlapping regions of different devices are possible: map only what is not mapped yet
  outer: for (const entry of mappings) {
    if (entry.type === IOMMU_RESV_DIRECT) deref(dev.iommu, 'dev->iommu').requireDirect = true;
    if ((entry.type !== IOMMU_RESV_DIRECT && entry.type !== IOMMU_RESV_DIRECT_RELAXABLE) || !iommuIsDmaDomain(domain)) continue;
    const start = Math.ceil(entry.start / pgSize) * pgSize;
    const end = Math.ceil((entry.start + entry.length) / pgSize) * pgSize;
    let mapSize = 0;
    for (let addr = start; addr <= end; addr += pgSize) {
      if (addr !== end) {
        const phys = yield* iommuIovaToPhys(domain, addr);
        if (phys === 0) {
          mapSize += pgSize;
          continue;
        }
      }
      if (mapSize !== 0) {
        ret = yield* iommuMap(domain, addr - mapSize, addr - mapSize, mapSize, entry.prot);
        if (ret !== 0) break outer;
        mapSize = 0;
      }
    }
  }
  yield* iommuPutResvRegions(mappings);
  return ret;
}

/** iommu_setup_default_domain(): pick, allocate, switch; target 0 = auto */
export function* iommuSetupDefaultDomain(group: IommuGroup, targetType: number): Gen<number> {
  const oldDom = group.defaultDomain;
  lockdepAssertHeld(group.mutex);
  const reqType = yield* iommuGetDefaultDomainType(group, targetType);
  if (reqType < 0) return -EINVAL;
  const dom = yield* iommuGroupAllocDefaultDomain(group, reqType);
  if (IS_ERR(dom)) return dom;
  if (group.defaultDomain === dom) return 0;
  let ret = 0;
  if (iommuIsDmaDomain(dom)) {
    ret = yield* iommuGetDmaCookie(dom);
    if (ret !== 0) {
      yield* iommuDomainFree(dom);
      return ret;
    }
  }
  // DIRECT regions must be mapped before their device is attached (continuity with firmware DMA)
  let directFailed = false;
  for (const gd of group.devices) {
    if ((yield* iommuCreateDeviceDirectMappings(dom, gd.dev)) !== 0) {
      directFailed = true;
      // dev_warn_once("IOMMU driver was not able to establish FW requested direct mapping.")
    }
  }
  // default_domain must be set early for __iommu_device_set_domain. WRITE_ONCE: bus_iommu_probe()
  // holds no reference to the group, so a removal's last put does not order it against
  // iommu_group_release()'s WARN_ON (F3)
  yield* writeOnce(group, 'defaultDomain', dom);
  let restore: 'none' | 'domain' | 'default' = 'none';
  if (group.domain === null) {
    // drivers may not fail the first attach; the domain stays in default_domain to be freed after
    ret = yield* __iommuGroupSetDomainInternal(group, dom, IOMMU_SET_DOMAIN_MUST_SUCCEED);
    if (WARN_ON(ret !== 0, 'WARN_ON(__iommu_group_set_domain_internal(group, dom, IOMMU_SET_DOMAIN_MUST_SUCCEED))')) {
      if (oldDom !== null) yield* iommuDomainFree(oldDom);
      return ret;
    }
  } else {
    ret = yield* __iommuGroupSetDomain(group, dom);
    if (ret !== 0) restore = 'default';
  }
  // drivers should accept mappings before attach, some don't: retry after attaching
  if (restore === 'none' && directFailed) {
    for (const gd of group.devices) {
      ret = yield* iommuCreateDeviceDirectMappings(dom, gd.dev);
      if (ret !== 0) {
        restore = 'domain';
        break;
      }
    }
  }
  if (restore === 'none') {
    if (oldDom !== null) yield* iommuDomainFree(oldDom);
    return ret;
  }
  // err_restore_domain
  if (restore === 'domain' && oldDom !== null) yield* __iommuGroupSetDomainInternal(group, oldDom, IOMMU_SET_DOMAIN_MUST_SUCCEED);
  // err_restore_def_domain
  if (oldDom !== null) {
    yield* iommuDomainFree(dom);
    group.defaultDomain = oldDom;
  }
  return ret;
}

/** what a write to /sys/kernel/iommu_groups/N/type asks for */
export type GroupTypeRequest = 'identity' | 'DMA' | 'DMA-FQ' | 'auto';

/** iommu_group_store_type(): the sysfs "type" file; the caller has CAP_SYS_ADMIN and CAP_SYS_RAWIO unless told otherwise */
export function* iommuGroupStoreType(group: IommuGroup, buf: string, capable = true): Gen<number> {
  if (!capable) return -EACCES;
  // an unlocked read (the kernel's too): a registration's phase 2 may be setting it
  if (WARN_ON(group === null, 'WARN_ON(!group)') || (yield* readOnce(group, 'defaultDomain')) === null) return -EINVAL;
  let reqType: number;
  if (buf === 'identity') reqType = IOMMU_DOMAIN_IDENTITY;
  else if (buf === 'DMA') reqType = IOMMU_DOMAIN_DMA;
  else if (buf === 'DMA-FQ') reqType = IOMMU_DOMAIN_DMA_FQ;
  else if (buf === 'auto') reqType = 0;
  else return -EINVAL;
  yield* mutexLock(group.mutex);
  let ret = 0;
  // (the kernel dereferences group->default_domain here, only for DMA-FQ: a dying group has none)
  const cur = reqType === IOMMU_DOMAIN_DMA_FQ ? deref(group.defaultDomain, 'group->default_domain') : null;
  if (cur !== null && cur.type === IOMMU_DOMAIN_DMA) {
    // DMA -> DMA-FQ: initialise the flush queue in place (iommu_dma_init_fq) and flip the type
    cur.type = IOMMU_DOMAIN_DMA_FQ;
  } else if (group.devices.length === 0 || group.ownerCnt !== 0) {
    // otherwise no bound driver and no owner may use the group
    ret = -EPERM;
  } else {
    ret = yield* iommuSetupDefaultDomain(group, reqType);
    if (ret === 0) for (const gd of group.devices) yield* iommuSetupDmaOps(gd.dev, deref(group.defaultDomain, 'group->default_domain'));
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}
