// Map / unmap at the model level (spec core.md §4.11): the legacy (non-iommupt) branch with the
// intended all-or-nothing semantics, page-size selection, gather and sync. No core lock is taken.
import { BUG_ON, EINVAL, ENODEV, type Gen, WARN_ON } from '../sync/index.js';
import { bit, ffs, fls, genmask, isAligned } from './bits.js';
import { __IOMMU_DOMAIN_PAGING, IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_IDENTITY } from './domain-types.js';
import type { IommuDomain } from './domain.js';
import { driverMapPages, driverUnmapPages, unmapSynced } from './contracts.js';
import { type IommuIotlbGather, iommuIotlbGatherInit } from './ops.js';

/** iommu_pgsize(): the largest usable page size and how many of them to map in one call */
export function iommuPgsize(domain: IommuDomain, iova: number, paddr: number, size: number): { pgsize: number; count: number } {
  const addrMerge = paddr | iova;
  // page sizes supported by the hardware and small enough for size
  let pgsizes = domain.pgsizeBitmap & genmask(fls(size));
  // constrain further by the maximum alignment
  if (addrMerge !== 0) pgsizes &= genmask(ffs(addrMerge));
  BUG_ON(pgsizes === 0, 'BUG_ON(!pgsizes)');
  // the biggest page size remaining
  const pgsizeIdx = fls(pgsizes);
  const pgsize = bit(pgsizeIdx);
  // the next bigger supported page size, if it exists
  const bigger = domain.pgsizeBitmap & ~genmask(pgsizeIdx);
  if (bigger !== 0) {
    const pgsizeNext = bit(ffs(bigger));
    // no point trying a bigger page unless both addresses are similarly offset within it
    if (((iova ^ paddr) & (pgsizeNext - 1)) === 0) {
      // offset to the next bigger page boundary; if the larger page fits, map up to there
      const offset = pgsizeNext - (addrMerge & (pgsizeNext - 1));
      if (offset + pgsizeNext <= size) size = offset;
    }
  }
  return { pgsize, count: Math.floor(size / pgsize) };
}

/** iommu_map_nosync(): legacy branch; on error unmap what this call mapped */
export function* iommuMapNosync(domain: IommuDomain, iova: number, paddr: number, size: number, prot: number): Gen<number> {
  const ops = domain.ops;
  if ((domain.type & __IOMMU_DOMAIN_PAGING) === 0) return -EINVAL;
  const noOps = ops?.mapPages === undefined || domain.pgsizeBitmap === 0;
  if (WARN_ON(noOps, 'WARN_ON(!ops->map_pages || domain->pgsize_bitmap == 0UL)')) return -ENODEV;
  const minPagesz = bit(ffs(domain.pgsizeBitmap));
  if (!isAligned(iova, minPagesz) || !isAligned(paddr, minPagesz) || !isAligned(size, minPagesz)) return -EINVAL; // pr_err("unaligned")
  const origIova = iova;
  const origSize = size;
  let ret = 0;
  while (size > 0) {
    const { pgsize, count } = iommuPgsize(domain, iova, paddr, size);
    const r = yield* driverMapPages(domain, iova, paddr, pgsize, count, prot);
    // pages may have been mapped even on error: account for them so they are unmapped
    size -= r.mapped;
    ret = r.ret;
    if (ret !== 0) break;
    iova += r.mapped;
    paddr += r.mapped;
  }
  // unroll in case something went wrong
  if (ret !== 0 && origSize - size > 0) yield* iommuUnmap(domain, origIova, origSize - size);
  return ret;
}

/** iommu_sync_map(): the driver's iotlb_sync_map, 0 if absent */
export function* iommuSyncMap(domain: IommuDomain, iova: number, size: number): Gen<number> {
  if (domain.ops?.iotlbSyncMap === undefined) return 0;
  return yield* domain.ops.iotlbSyncMap(domain, iova, size);
}

/** iommu_map(): all or nothing */
export function* iommuMap(domain: IommuDomain, iova: number, paddr: number, size: number, prot: number): Gen<number> {
  let ret = yield* iommuMapNosync(domain, iova, paddr, size, prot);
  if (ret !== 0) return ret;
  ret = yield* iommuSyncMap(domain, iova, size);
  if (ret !== 0) yield* iommuUnmap(domain, iova, size);
  return ret;
}

/** iommu_iotlb_gather_add_range() */
export function iommuIotlbGatherAddRange(gather: IommuIotlbGather, iova: number, size: number): void {
  const end = iova + size - 1;
  if (gather.start > iova) gather.start = iova;
  if (gather.end < end) gather.end = end;
}

/** __iommu_unmap(): stops at the first hole, so it may return less than size */
export function* __iommuUnmap(domain: IommuDomain, iova: number, size: number, gather: IommuIotlbGather): Gen<number> {
  const ops = domain.ops;
  if ((domain.type & __IOMMU_DOMAIN_PAGING) === 0) return 0;
  const noOps = ops?.unmapPages === undefined || domain.pgsizeBitmap === 0;
  if (WARN_ON(noOps, 'WARN_ON(!ops->unmap_pages || domain->pgsize_bitmap == 0UL)')) return 0;
  const minPagesz = bit(ffs(domain.pgsizeBitmap));
  if (!isAligned(iova, minPagesz) || !isAligned(size, minPagesz)) return 0; // pr_err("unaligned")
  let unmapped = 0;
  const origIova = iova;
  while (unmapped < size) {
    const { pgsize, count } = iommuPgsize(domain, iova, iova, size - unmapped);
    const unmappedPage = yield* driverUnmapPages(domain, iova, pgsize, count, gather);
    if (unmappedPage === 0) break;
    iova += unmappedPage;
    unmapped += unmappedPage;
  }
  // a driver that recorded nothing still gets the range synced
  const recorded = gather.end !== 0 || gather.start !== Number.MAX_SAFE_INTEGER;
  if (unmapped > 0 && !recorded) iommuIotlbGatherAddRange(gather, origIova, unmapped);
  return unmapped;
}

/** iommu_iotlb_sync() */
export function* iommuIotlbSync(domain: IommuDomain, gather: IommuIotlbGather): Gen {
  if (domain.ops?.iotlbSync !== undefined) yield* domain.ops.iotlbSync(domain, gather);
}

/** iommu_unmap(): after return the hardware no longer translates the removed range */
export function* iommuUnmap(domain: IommuDomain, iova: number, size: number): Gen<number> {
  const gather = iommuIotlbGatherInit();
  const ret = yield* __iommuUnmap(domain, iova, size, gather);
  const { start, end } = gather;
  yield* iommuIotlbSync(domain, gather);
  // H2: the range is invalidated and fenced once iotlb_sync returns
  yield* unmapSynced(domain, start, end);
  return ret;
}

/** iommu_unmap_fast(): the caller syncs later (DMA_FQ) */
export function* iommuUnmapFast(domain: IommuDomain, iova: number, size: number, gather: IommuIotlbGather): Gen<number> {
  return yield* __iommuUnmap(domain, iova, size, gather);
}

/** iommu_iova_to_phys() */
export function* iommuIovaToPhys(domain: IommuDomain, iova: number): Gen<number> {
  if (domain.type === IOMMU_DOMAIN_IDENTITY) return iova;
  if (domain.type === IOMMU_DOMAIN_BLOCKED) return 0;
  return yield* domain.ops!.iovaToPhys!(domain, iova);
}
