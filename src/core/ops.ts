// struct iommu_ops and struct iommu_domain_ops (include/linux/iommu.h): the interface between the
// core and an IOMMU driver (spec core.md §2.8, §2.9). Every callback that can touch shared state
// or hardware is a generator. The mock driver implements it; SMMUv3 and VT-d models will too.
// How the checker reads a driver's hardware is not here: it is the driver seam's decoder
// (drivers/registry.ts).
import type { Device } from '../base/device.js';
import type { Module } from '../base/module.js';
import type { ErrPtr, Gen } from '../sync/index.js';
import type { IommuDomain } from './domain.js';
import type { IommuGroup } from './group.js';
import type { IommuDevice } from './iommu-device.js';
import type { IommuResvRegion } from './resv.js';

/** struct iommu_iotlb_gather */
export interface IommuIotlbGather {
  start: number;
  end: number;
  pgsize: number;
  queued: boolean;
}

export function iommuIotlbGatherInit(): IommuIotlbGather {
  return { start: Number.MAX_SAFE_INTEGER, end: 0, pgsize: 0, queued: false };
}

export interface MapPagesResult {
  readonly ret: number;
  /** bytes mapped, also on error */
  readonly mapped: number;
}

export interface IommuDomainOps {
  /** test_dev(domain, dev, pasid, old): would this attach be accepted? (seed 002, the `testDevOp` toggle) */
  testDev?(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number>;
  /** attach_dev(domain, dev, old): program dev's RID; 0 or -errno, previous programming kept on failure */
  attachDev?(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number>;
  /** set_dev_pasid(domain, dev, pasid, old); on the blocked domain it removes the PASID */
  setDevPasid?(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number>;
  mapPages?(domain: IommuDomain, iova: number, paddr: number, pgsize: number, pgcount: number, prot: number): Gen<MapPagesResult>;
  unmapPages?(domain: IommuDomain, iova: number, pgsize: number, pgcount: number, gather: IommuIotlbGather): Gen<number>;
  iotlbSyncMap?(domain: IommuDomain, iova: number, size: number): Gen<number>;
  iotlbSync?(domain: IommuDomain, gather: IommuIotlbGather): Gen;
  flushIotlbAll?(domain: IommuDomain): Gen;
  iovaToPhys?(domain: IommuDomain, iova: number): Gen<number>;
  free?(domain: IommuDomain): Gen;
}

export interface IommuOps {
  readonly name: string;
  /** the module implementing the driver (try_module_get at probe) */
  readonly owner: Module | null;
  capable?(dev: Device, cap: number): boolean;
  /** probe_device(dev): the instance managing dev, or -ENODEV ("not mine") / another error */
  probeDevice(dev: Device): Gen<ErrPtr<IommuDevice>>;
  releaseDevice?(dev: Device): Gen;
  probeFinalize?(dev: Device): Gen;
  /** device_group(dev): a group with one reference taken for the caller */
  deviceGroup(dev: Device): Gen<ErrPtr<IommuGroup> | null>;
  isAttachDeferred?(dev: Device): boolean;
  /** def_domain_type(dev): 0, IOMMU_DOMAIN_IDENTITY or IOMMU_DOMAIN_DMA */
  defDomainType?(dev: Device): number;
  domainAllocPaging?(dev: Device): Gen<ErrPtr<IommuDomain> | null>;
  domainAllocPagingFlags?(dev: Device, flags: number, userData: unknown): Gen<ErrPtr<IommuDomain>>;
  domainAllocIdentity?(dev: Device): Gen<ErrPtr<IommuDomain>>;
  getResvRegions?(dev: Device, list: IommuResvRegion[]): Gen;
  readonly identityDomain: IommuDomain | null;
  readonly blockedDomain: IommuDomain | null;
  readonly releaseDomain: IommuDomain | null;
  readonly defaultDomain: IommuDomain | null;
  readonly defaultDomainOps: IommuDomainOps;
  readonly pgsizeBitmap: number;
}

/** IOMMU_CAP_* */
export const IOMMU_CAP_CACHE_COHERENCY = 0;
