// The parts of drivers/iommu/dma-iommu.c and kernel/dma the core relies on [B]: the DMA IOVA
// cookie, iommu_setup_dma_ops(), and a DMA-API map of one buffer (the first map of a deferred
// device attaches it). Flush queues are not modelled: DMA_FQ domains unmap strictly.
import type { Device } from '../base/device.js';
import { iommuDeferredAttach } from '../core/attach.js';
import { IOMMU_COOKIE_DMA_IOVA, IOMMU_COOKIE_NONE } from '../core/domain-types.js';
import { type IommuDomain, iommuIsDmaDomain } from '../core/domain.js';
import { iommuMap, iommuUnmap } from '../core/map.js';
import { iommuGetDmaDomain } from '../core/query.js';
import { IOMMU_READ, IOMMU_WRITE } from '../hw/io-pgtable.js';
import { isPciDev } from '../pci/pci.js';
import {
  deref,
  EEXIST,
  EINVAL,
  ENOMEM,
  type Gen,
  KObject,
  kfree,
  kzalloc,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  shouldFail,
} from '../sync/index.js';

/** struct iova_domain with its rcaches: allocated at the first iommu_dma_init_domain() */
export class IovaDomain extends KObject {
  /** granule */
  readonly granule = 4096;
  /** next IOVA handed out (top-down allocation from below 2 GiB) */
  next = 0x7fff_0000;
  readonly inUse = new Map<number, number>();
}

/** struct iommu_dma_cookie */
export class IommuDmaCookie extends KObject {
  readonly mutex = new Mutex(`&cookie#${this.oid.toString(16)}->mutex`, this, '&cookie->mutex');
  iovad: IovaDomain | null = null;
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
  // put_iova_domain()
  if (cookie.iovad !== null) yield* kfree(cookie.iovad);
  cookie.iovad = null;
  yield* kfree(cookie);
  domain.iovaCookie = null;
  domain.cookieType = IOMMU_COOKIE_NONE;
}

/** iommu_dma_init_domain(): the IOVA allocator, once per domain */
function* iommuDmaInitDomain(domain: IommuDomain, _dev: Device): Gen<number> {
  const cookie = domain.iovaCookie;
  if (cookie === null || domain.cookieType !== IOMMU_COOKIE_DMA_IOVA) return -EINVAL;
  yield* mutexLock(cookie.mutex);
  let ret = 0;
  if (cookie.iovad === null) {
    // init_iova_domain() + iova_domain_init_rcaches()
    const iovad = yield* kzalloc(() => new IovaDomain());
    if (iovad === null) ret = -ENOMEM;
    else cookie.iovad = iovad;
  }
  yield* mutexUnlock(cookie.mutex);
  return ret;
}

/** iommu_setup_dma_ops(): dev->dma_iommu = is_dma(domain); falls back to dma-direct if IOVA init fails */
export function* iommuSetupDmaOps(dev: Device, domain: IommuDomain): Gen {
  if (isPciDev(dev)) deref(dev.iommu, 'dev->iommu').pci32bitWorkaround = true;
  dev.dmaIommu = iommuIsDmaDomain(domain);
  if (dev.dmaIommu && (yield* iommuDmaInitDomain(domain, dev)) !== 0) {
    // pr_warn("Failed to set up IOMMU for device %s; retaining platform DMA ops")
    dev.dmaIommu = false;
  }
}

/** iommu_dma_alloc_iova() */
function* iommuDmaAllocIova(domain: IommuDomain, size: number): Gen<number> {
  const iovad = deref(deref(domain.iovaCookie, 'domain->iova_cookie').iovad, 'cookie->iovad');
  // alloc_iova_fast(): an rcache miss allocates a node
  if (yield* shouldFail('alloc_iova_fast')) return 0;
  const pages = Math.ceil(size / iovad.granule);
  iovad.next -= pages * iovad.granule;
  iovad.inUse.set(iovad.next, pages * iovad.granule);
  return iovad.next;
}

/** iommu_dma_free_iova() */
function iommuDmaFreeIova(domain: IommuDomain, iova: number): void {
  domain.iovaCookie?.iovad?.inUse.delete(iova);
}

/** __iommu_dma_map(): deferred attach, IOVA, iommu_map() */
function* __iommuDmaMap(dev: Device, phys: number, size: number, prot: number): Gen<number> {
  const domain = deref(yield* iommuGetDmaDomain(dev), 'iommu_get_dma_domain(dev)');
  if ((yield* iommuDeferredAttach(dev, domain)) !== 0) return DMA_MAPPING_ERROR;
  const iova = yield* iommuDmaAllocIova(domain, size);
  if (iova === 0) return DMA_MAPPING_ERROR;
  if ((yield* iommuMap(domain, iova, phys, size, prot)) !== 0) {
    iommuDmaFreeIova(domain, iova);
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
  iommuDmaFreeIova(domain, addr);
}
