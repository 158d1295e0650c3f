// The parts of drivers/iommu/dma-iommu.c and kernel/dma the core relies on [B]: the DMA IOVA
// cookie, iommu_setup_dma_ops(), a DMA-API map of one buffer (the first map of a deferred
// device attaches it) and the MSI doorbell pages of iommu_dma_sw_msi(). Flush queues are not
// modelled: DMA_FQ domains unmap strictly. MSI-only cookies (iommu_get_msi_cookie()) are not
// modelled either: no model user allocates one.
import type { Device } from '../base/device.js';
import { type MsiDesc, msiDescSetIommuMsiIova, msiDescToDev } from '../base/msi.js';
import { iommuDeferredAttach } from '../core/attach.js';
import { IOMMU_COOKIE_DMA_IOVA, IOMMU_COOKIE_DMA_MSI, IOMMU_COOKIE_NONE } from '../core/domain-types.js';
import { type IommuDomain, iommuIsDmaDomain } from '../core/domain.js';
import { iommuMap, iommuUnmap } from '../core/map.js';
import { iommuGetDmaDomain } from '../core/query.js';
import { IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_READ, IOMMU_WRITE } from '../hw/io-pgtable.js';
import { isPciDev } from '../pci/pci.js';
import {
  asOracle,
  atomicSection,
  deref,
  EEXIST,
  EINVAL,
  ENOMEM,
  type Gen,
  KObject,
  kfree,
  kzalloc,
  lockdepAssertHeld,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  shouldFail,
  writeOnce,
} from '../sync/index.js';

/** the per-CPU IOVA range caches (struct iova_rcache[]): iova_domain_init_rcaches() allocates them */
export class IovaRcaches extends KObject {}

/**
 * struct iova_domain, embedded in the cookie: set up by the first iommu_dma_init_domain()
 * (init_iova_domain() sets start_pfn, then the rcaches are allocated, which may fail)
 */
export class IovaDomain extends KObject {
  /** granule */
  granule = 0;
  /** start_pfn: nonzero once init_iova_domain() ran; what "already initialised" tests */
  startPfn = 0;
  /** iovad->rcaches: NULL until allocated, and again after their allocation failed */
  rcaches: IovaRcaches | null = null;
  /** next IOVA handed out (top-down allocation from below 2 GiB) */
  next = 0x7fff_0000;
  readonly inUse = new Map<number, number>();
}

/** struct iommu_dma_msi_page: one doorbell page mapped into the domain */
export class IommuDmaMsiPage extends KObject {
  /** set once the doorbell is mapped */
  iova = 0;
  constructor(readonly phys: number) {
    super();
  }
}

/** struct iommu_dma_cookie */
export class IommuDmaCookie extends KObject {
  readonly mutex = new Mutex(`&cookie#${this.oid.toString(16)}->mutex`, this, '&cookie->mutex');

  override get label(): string {
    return `cookie#${this.oid.toString(16)}`;
  }

  readonly iovad = new IovaDomain();
  /** msi_page_list: written with the group mutex of the domain's device held (prepare_msi) */
  readonly msiPages: IommuDmaMsiPage[] = [];
}

/** DMA_MAPPING_ERROR */
export const DMA_MAPPING_ERROR = -1;

/** iommu_get_dma_cookie() */
export function* iommuGetDmaCookie(domain: IommuDomain): Gen<number> {
  if (domain.cookieType !== IOMMU_COOKIE_NONE) return -EEXIST;
  const cookie = yield* kzalloc(() => new IommuDmaCookie());
  if (cookie === null) return -ENOMEM;
  domain.cookieType = IOMMU_COOKIE_DMA_IOVA;
  domain.iovaCookie = cookie;
  return 0;
}

/** iommu_put_dma_cookie() */
export function* iommuPutDmaCookie(domain: IommuDomain): Gen {
  const cookie = domain.iovaCookie;
  if (cookie === null) return;
  // put_iova_domain(): the rcaches if they were allocated
  if (cookie.iovad.rcaches !== null) yield* kfree(cookie.iovad.rcaches);
  cookie.iovad.rcaches = null;
  // the doorbell pages are freed, not unmapped: the domain goes with them
  for (const page of cookie.msiPages.splice(0)) yield* kfree(page);
  yield* kfree(cookie);
  domain.iovaCookie = null;
  domain.cookieType = IOMMU_COOKIE_NONE;
}

/**
 * iommu_dma_init_domain(): the IOVA allocator, once per domain. "Once" is start_pfn being set,
 * which init_iova_domain() does before the rcache allocation that may fail: after a failure
 * the next caller (another member of the group, a device hot-added into it) is told 0, gets no
 * rcaches, and its reserved regions are not reserved (iova_reserve_iommu_regions() is skipped).
 */
function* iommuDmaInitDomain(domain: IommuDomain, _dev: Device): Gen<number> {
  const cookie = domain.iovaCookie;
  if (cookie === null || domain.cookieType !== IOMMU_COOKIE_DMA_IOVA) return -EINVAL;
  const iovad = cookie.iovad;
  yield* mutexLock(cookie.mutex);
  let ret = 0;
  // start_pfn is always nonzero for an already-initialised domain (same granule and base here)
  if (iovad.startPfn === 0) {
    // init_iova_domain(iovad, 1UL << order, base_pfn)
    iovad.granule = 4096;
    iovad.startPfn = 1;
    // iova_domain_init_rcaches(): on failure free_iova_rcaches() leaves rcaches NULL
    const rcaches = yield* kzalloc(() => new IovaRcaches());
    if (rcaches === null) ret = -ENOMEM;
    else yield* writeOnce(iovad, 'rcaches', rcaches);
    // iommu_dma_init_options(), the flush queue (not modelled), iova_reserve_iommu_regions()
  }
  yield* mutexUnlock(cookie.mutex);
  return ret;
}

/** iommu_setup_dma_ops(): dev->dma_iommu = is_dma(domain); falls back to dma-direct if IOVA init fails */
export function* iommuSetupDmaOps(dev: Device, domain: IommuDomain): Gen {
  if (isPciDev(dev)) deref(dev.iommu, 'dev->iommu').pci32bitWorkaround = true;
  // dev->dma_iommu is read locklessly by the DMA API (use_dma_iommu())
  const dma = iommuIsDmaDomain(domain);
  yield* writeOnce(dev, 'dmaIommu', dma);
  if (dma && (yield* iommuDmaInitDomain(domain, dev)) !== 0) {
    // pr_warn("Failed to set up IOMMU for device %s; retaining platform DMA ops")
    yield* writeOnce(dev, 'dmaIommu', false);
  }
}

/** iommu_dma_alloc_iova() */
function* iommuDmaAllocIova(domain: IommuDomain, size: number): Gen<number> {
  const iovad = deref(domain.iovaCookie, 'domain->iova_cookie').iovad;
  return yield* allocIovaFast(iovad, size);
}

/** alloc_iova_fast() on the cookie's allocator: 0 when it fails */
function* allocIovaFast(iovad: IovaDomain, size: number): Gen<number> {
  // iova_rcache_get(): &iovad->rcaches[log_size] then its per-CPU cache, with no NULL check
  deref(yield* readOnce(iovad, 'rcaches'), 'iovad->rcaches');
  // an rcache miss allocates a node (alloc_iova())
  if (yield* shouldFail('alloc_iova_fast')) return 0;
  // under iova_rbtree_lock: one atomic step on the allocator (devices of a group share it)
  return yield* atomicSection(iovad, 'alloc_iova', (a) => {
    const pages = Math.ceil(size / a.granule);
    a.next -= pages * a.granule;
    a.inUse.set(a.next, pages * a.granule);
    return a.next;
  });
}

/** iommu_dma_free_iova() */
function* iommuDmaFreeIova(domain: IommuDomain, iova: number): Gen {
  const iovad = domain.iovaCookie?.iovad;
  if (iovad !== undefined) yield* atomicSection(iovad, 'free_iova', (a) => a.inUse.delete(iova));
}

/** __iommu_dma_map(): deferred attach, IOVA, iommu_map() */
function* __iommuDmaMap(dev: Device, phys: number, size: number, prot: number): Gen<number> {
  const domain = deref(yield* iommuGetDmaDomain(dev), 'iommu_get_dma_domain(dev)');
  if ((yield* iommuDeferredAttach(dev, domain)) !== 0) return DMA_MAPPING_ERROR;
  const iova = yield* iommuDmaAllocIova(domain, size);
  if (iova === 0) return DMA_MAPPING_ERROR;
  if ((yield* iommuMap(domain, iova, phys, size, prot)) !== 0) {
    yield* iommuDmaFreeIova(domain, iova);
    return DMA_MAPPING_ERROR;
  }
  return iova;
}

/** dma_map_page_attrs(): dma-direct returns the physical address; iommu-dma maps an IOVA */
export function* dmaMapPage(dev: Device, phys: number, size: number): Gen<number> {
  if (!(yield* readOnce(dev, 'dmaIommu'))) return phys;
  return yield* __iommuDmaMap(dev, phys, size, IOMMU_READ | IOMMU_WRITE);
}

/** dma_unmap_page_attrs(): strict unmap (flush queues not modelled) */
export function* dmaUnmapPage(dev: Device, addr: number, size: number): Gen {
  if (!(yield* readOnce(dev, 'dmaIommu'))) return;
  const domain = deref(yield* iommuGetDmaDomain(dev), 'iommu_get_dma_domain(dev)');
  yield* iommuUnmap(domain, addr, size);
  yield* iommuDmaFreeIova(domain, addr);
}

/** has_msi_cookie(): a DMA or an MSI-only cookie keeps a doorbell page list */
function hasMsiCookie(domain: IommuDomain | null): boolean {
  return domain !== null && (domain.cookieType === IOMMU_COOKIE_DMA_IOVA || domain.cookieType === IOMMU_COOKIE_DMA_MSI);
}

/** cookie_msi_granule(): the IOVA granule of a DMA cookie */
const MSI_GRANULE = 4096;

/** iommu_dma_get_msi_page(): the page of this doorbell, mapped once per domain; NULL on failure */
function* iommuDmaGetMsiPage(msiAddr: number, domain: IommuDomain): Gen<IommuDmaMsiPage | null> {
  const cookie = deref(domain.iovaCookie, 'domain->iova_cookie');
  const prot = IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO;
  const size = MSI_GRANULE;
  const phys = msiAddr - (msiAddr % size);
  const found = cookie.msiPages.find((p) => p.phys === phys);
  if (found !== undefined) return found;
  const page = yield* kzalloc(() => new IommuDmaMsiPage(phys));
  if (page === null) return null;
  // the model's IOVA allocator works once iommu_dma_init_domain() ran for a device of the domain
  const iova = cookie.iovad.startPfn === 0 ? 0 : yield* allocIovaFast(cookie.iovad, size);
  if (iova === 0) {
    yield* kfree(page);
    return null;
  }
  if ((yield* iommuMap(domain, iova, phys, size, prot)) !== 0) {
    yield* iommuDmaFreeIova(domain, iova);
    yield* kfree(page);
    return null;
  }
  page.iova = iova;
  // list_add(): newest first
  cookie.msiPages.unshift(page);
  return page;
}

/** iommu_dma_sw_msi(): map the doorbell into a DMA-cookie domain and give the vector its IOVA */
export function* iommuDmaSwMsi(domain: IommuDomain, desc: MsiDesc, msiAddr: number): Gen<number> {
  const dev = msiDescToDev(desc);
  if (!hasMsiCookie(domain)) {
    msiDescSetIommuMsiIova(desc, 0, 0);
    return 0;
  }
  // iommu_group_mutex_assert(dev): a lockdep check, not one of the model's accesses
  lockdepAssertHeld(deref(asOracle(() => dev.iommuGroup), 'dev->iommu_group').mutex);
  const msiPage = yield* iommuDmaGetMsiPage(msiAddr, domain);
  if (msiPage === null) return -ENOMEM;
  msiDescSetIommuMsiIova(desc, msiPage.iova, Math.log2(MSI_GRANULE));
  return 0;
}
