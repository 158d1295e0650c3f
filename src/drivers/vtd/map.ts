// map/unmap and the IOTLB callbacks of a paging domain (intel/iommu.c, cache.c; hardware.md §2.8,
// §3): map writes PTEs (a flush after it only in caching mode), unmap clears them and gathers the
// range and the table pages it detached; iotlb_sync flushes every cache tag for the range (IH set
// only when no table was freed) and frees the detached tables after that flush's wait descriptor.
import type { IommuDomain } from '../../core/domain.js';
import { iommuCore } from '../../core/globals.js';
import type { IommuIotlbGather, MapPagesResult } from '../../core/ops.js';
import { ptGatherEmpty, ptGatherInit } from '../../hw/pgtable/gather.js';
import { ptMap } from '../../hw/pgtable/map.js';
import { freeTablePages } from '../../hw/pgtable/pgtable.js';
import { ptUnmap } from '../../hw/pgtable/unmap.js';
import { ptIovaToPhys } from '../../hw/pgtable/walk.js';
import { deref, type Gen, hwStep } from '../../sync/index.js';
import { cacheTagFlushAll, cacheTagFlushRange, cacheTagFlushRangeNp } from './cache.js';
import { type DmarDomain, toDmarDomain } from './domain.js';

/** struct iommu_iotlb_gather with its freelist: the table pages to free after the flush */
interface VtdGather extends IommuIotlbGather {
  freelist?: number[];
}

function pagingDomain(domain: IommuDomain): DmarDomain {
  return deref(toDmarDomain(domain), 'domain');
}

/** intel_iommu_map_pages() */
export function* intelIommuMapPages(
  domain: IommuDomain,
  iova: number,
  paddr: number,
  pgsize: number,
  pgcount: number,
  prot: number,
): Gen<MapPagesResult> {
  const d = pagingDomain(domain);
  const pt = deref(d.pt, 'dmar_domain->pt');
  const r = yield* ptMap(pt, iova, paddr, pgsize, pgcount, prot, true);
  // a large leaf replaced empty tables: free them once no walk can hold them
  if (r.freelist.length > 0) {
    yield* cacheTagFlushAll(d);
    yield* freeTablePages(pt.mem, r.freelist);
  }
  return { ret: r.ret, mapped: r.mapped };
}

/** intel_iommu_unmap_pages(): never splits a leaf; the gather collects the range and freed tables */
export function* intelIommuUnmapPages(
  domain: IommuDomain,
  iova: number,
  pgsize: number,
  pgcount: number,
  gather: IommuIotlbGather,
): Gen<number> {
  const d = pagingDomain(domain);
  const pt = deref(d.pt, 'dmar_domain->pt');
  const g = ptGatherInit();
  const n = yield* ptUnmap(pt, iova, pgsize, pgcount, g, true);
  if (!ptGatherEmpty(g)) {
    if (g.start < gather.start) gather.start = g.start;
    if (g.end > gather.end) gather.end = g.end;
    gather.pgsize = g.pgsize;
  }
  const vg = gather as VtdGather;
  if (g.freelist.length > 0) vg.freelist = [...(vg.freelist ?? []), ...g.freelist];
  return n;
}

/** intel_iommu_tlb_sync(): flush the gathered range on every tag, then free the detached tables */
export function* intelIommuTlbSync(domain: IommuDomain, gather: IommuIotlbGather): Gen {
  const d = pagingDomain(domain);
  const vg = gather as VtdGather;
  const freelist = vg.freelist ?? [];
  // patch mockNoIotlbInvalidate: a driver that forgets its flush (the tables it detached are still freed)
  const skip = iommuCore.patches.mockNoIotlbInvalidate;
  if (gather.start <= gather.end && !skip) yield* cacheTagFlushRange(d, gather.start, gather.end, freelist.length === 0);
  vg.freelist = [];
  const mem = deref(d.pt, 'dmar_domain->pt').mem;
  yield* freeTablePages(mem, freelist);
}

/** intel_iommu_iotlb_sync_map(): cache_tag_flush_range_np() */
export function* intelIommuIotlbSyncMap(domain: IommuDomain, iova: number, size: number): Gen<number> {
  yield* cacheTagFlushRangeNp(pagingDomain(domain), iova, iova + size - 1);
  return 0;
}

/** intel_flush_iotlb_all(): cache_tag_flush_all() */
export function* intelFlushIotlbAll(domain: IommuDomain): Gen {
  yield* cacheTagFlushAll(pagingDomain(domain));
}

/** intel_iommu_iova_to_phys(): a software walk of the table */
export function* intelIommuIovaToPhys(domain: IommuDomain, iova: number): Gen<number> {
  const pt = deref(pagingDomain(domain).pt, 'dmar_domain->pt');
  yield* hwStep(pt.rootPage, null, 'read', 'iova_to_phys');
  return ptIovaToPhys(pt.mem, pt.fmt, pt.root, iova);
}
