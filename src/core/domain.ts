// struct iommu_domain and its allocation and free (spec core.md §2.6, §4.10).
import type { Device } from '../base/device.js';
import { iommuPutDmaCookie, type IommuDmaCookie } from '../dma/dma-iommu.js';
import { deref, EOPNOTSUPP, ENODEV, ENOMEM, type ErrPtr, type Gen, IS_ERR, KObject } from '../sync/index.js';
import { driverDomainFree } from './contracts.js';
import { devIommuOpsIfAny } from './dev-iommu.js';
import {
  __IOMMU_DOMAIN_DMA_API,
  __IOMMU_DOMAIN_PAGING,
  domainTypeName,
  IOMMU_COOKIE_DMA_IOVA,
  IOMMU_COOKIE_NONE,
  IOMMU_DOMAIN_BLOCKED,
  IOMMU_DOMAIN_UNMANAGED,
} from './domain-types.js';
import type { IommuDomainOps, IommuOps } from './ops.js';

export interface IommuDomainGeometry {
  apertureStart: number;
  apertureEnd: number;
  forceAperture: boolean;
}

export class IommuDomain extends KObject {
  type = IOMMU_DOMAIN_BLOCKED;
  cookieType = IOMMU_COOKIE_NONE;
  /** built on the generic page-table library (iommupt) */
  isIommupt = false;
  ops: IommuDomainOps | null = null;
  /** the iommu_ops whose allocator made it; null for a driver's static domains */
  owner: IommuOps | null = null;
  pgsizeBitmap = 0;
  readonly geometry: IommuDomainGeometry = { apertureStart: 0, apertureEnd: 2 ** 48 - 1, forceAperture: true };
  /** cookie union: the DMA IOVA cookie */
  iovaCookie: IommuDmaCookie | null = null;
  /** model-only: a name for traces ("default", a scenario's "D1", ...) */
  tag: string;

  constructor(tag = 'domain') {
    super();
    this.tag = tag;
  }

  override get label(): string {
    return `domain:${this.tag}#${this.oid.toString(16)}`;
  }

  get typeName(): string {
    return domainTypeName(this.type);
  }
}

/** iommu_is_dma_domain() */
export function iommuIsDmaDomain(domain: IommuDomain): boolean {
  return (domain.type & __IOMMU_DOMAIN_DMA_API) !== 0;
}

/** "paging domain": the PAGING type bit */
export function iommuIsPagingDomain(domain: IommuDomain): boolean {
  return (domain.type & __IOMMU_DOMAIN_PAGING) !== 0;
}

/** iommu_domain_init() */
export function iommuDomainInit(domain: IommuDomain, type: number, ops: IommuOps): void {
  domain.type = type;
  domain.owner = ops;
  if (domain.ops === null) domain.ops = ops.defaultDomainOps;
  if (domain.pgsizeBitmap === 0) domain.pgsizeBitmap = ops.pgsizeBitmap;
}

/** __iommu_paging_domain_alloc_flags() */
export function* __iommuPagingDomainAllocFlags(dev: Device, type: number, flags: number): Gen<ErrPtr<IommuDomain>> {
  const ops = yield* devIommuOpsIfAny(dev);
  if (ops === null) return -ENODEV;
  let domain: ErrPtr<IommuDomain> | null;
  if (ops.domainAllocPaging !== undefined && flags === 0) domain = yield* ops.domainAllocPaging(dev);
  else if (ops.domainAllocPagingFlags !== undefined) domain = yield* ops.domainAllocPagingFlags(dev, flags, null);
  else return -EOPNOTSUPP;
  if (IS_ERR(domain)) return domain;
  if (domain === null) return -ENOMEM;
  iommuDomainInit(domain, type, ops);
  return domain;
}

/** iommu_paging_domain_alloc_flags(): an UNMANAGED paging domain for an API user */
export function* iommuPagingDomainAllocFlags(dev: Device, flags: number): Gen<ErrPtr<IommuDomain>> {
  return yield* __iommuPagingDomainAllocFlags(dev, IOMMU_DOMAIN_UNMANAGED, flags);
}

/** iommu_paging_domain_alloc() */
export function* iommuPagingDomainAlloc(dev: Device): Gen<ErrPtr<IommuDomain>> {
  return yield* iommuPagingDomainAllocFlags(dev, 0);
}

/** iommu_domain_free(): drop the cookie, then the driver's free. No check that D is detached (I5). */
export function* iommuDomainFree(domain: IommuDomain): Gen {
  const d = deref(domain, 'domain');
  switch (d.cookieType) {
    case IOMMU_COOKIE_DMA_IOVA:
      yield* iommuPutDmaCookie(d);
      break;
    default:
      break;
  }
  if (d.ops?.free !== undefined) yield* driverDomainFree(d);
}
