// struct dmar_domain: a paging domain over a first- or second-level IO page table, and the static
// identity and blocking domains. Per unit it holds a DID with the count of its attachments there
// (iommu_array of struct iommu_domain_info), the RID attachments (devices), the PASID attachments
// (dev_pasids) and the cache tags its invalidations walk (cache_tags).
import { IommuDomain } from '../../core/domain.js';
import type { IoPgtable } from '../../hw/pgtable/pgtable.js';
import { KObject, Spinlock } from '../../sync/index.js';
import type { DeviceDomainInfo } from './device.js';
import type { VtdDriver } from './intel-iommu.js';
import type { IntelIommu } from './iommu.js';

export type DmarDomainKind = 'paging' | 'identity' | 'blocked';

/** struct iommu_domain_info: a domain's DID on one unit and how many attachments use it */
export class IommuDomainInfo extends KObject {
  refcnt = 1;
  did = 0;

  constructor(readonly iommu: IntelIommu) {
    super();
  }

  override get label(): string {
    return `iommu_domain_info:${this.iommu.name}/did${this.did}#${this.oid.toString(16)}`;
  }
}

/** struct dev_pasid_info: one PASID attachment, on the domain's dev_pasids list */
export class DevPasidInfo extends KObject {
  constructor(
    readonly info: DeviceDomainInfo,
    readonly pasid: number,
  ) {
    super();
  }

  override get label(): string {
    return `dev_pasid_info:${this.info.dev.name}/${this.pasid}`;
  }
}

export type CacheTagType = 'iotlb' | 'devtlb';

/** struct cache_tag: what an invalidation of the domain must reach */
export class CacheTag extends KObject {
  users = 1;

  constructor(
    readonly type: CacheTagType,
    readonly iommu: IntelIommu,
    /** the device (devTLB tags; IOTLB tags are shared per unit and DID) */
    readonly info: DeviceDomainInfo,
    readonly did: number,
    readonly pasid: number,
  ) {
    super();
  }

  override get label(): string {
    // an IOTLB tag is the unit's (shared by the domain's devices there), a devTLB tag the device's;
    // DIDs are reused, so the id tells two tags of one DID apart
    const dev = this.type === 'devtlb' ? `/${this.info.dev.name}` : '';
    return `cache_tag:${this.type}/did${this.did}/pasid${this.pasid}${dev}#${this.oid.toString(16)}`;
  }
}

export class DmarDomain extends IommuDomain {
  /** domain->use_first_level: first-level (x86-64 format) tables, else second level */
  useFirstLevel = false;
  /** the IO page table (paging domains) */
  pt: IoPgtable | null = null;
  /** domain->iommu_array: seq_id -> info; written under the unit's did_lock, read locklessly */
  iommuArray: ReadonlyMap<number, IommuDomainInfo> = new Map();
  /** domain->devices: RID attachments (written under domain->lock; domain_free reads it locklessly) */
  devices: readonly DeviceDomainInfo[] = [];
  /** domain->dev_pasids: PASID attachments (under domain->lock) */
  readonly devPasids: DevPasidInfo[] = [];
  /** domain->cache_tags (under domain->cache_lock) */
  readonly cacheTags: CacheTag[] = [];
  readonly lock: Spinlock;
  readonly cacheLock: Spinlock;

  constructor(
    readonly kind: DmarDomainKind,
    tag: string,
    /** the driver state of this boot */
    readonly drv: VtdDriver,
  ) {
    super(tag);
    // by the domain's id: a trace names them by the domain (&D->lock), whatever its tag becomes
    this.lock = new Spinlock(`&dmar_domain#${this.oid.toString(16)}->lock`, this, 'dmar_domain->lock');
    this.cacheLock = new Spinlock(`&dmar_domain#${this.oid.toString(16)}->cache_lock`, this, 'dmar_domain->cache_lock');
  }
}

/** to_dmar_domain() */
export function toDmarDomain(d: IommuDomain): DmarDomain {
  return d as DmarDomain;
}
