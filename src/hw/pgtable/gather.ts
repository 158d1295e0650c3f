// What an unmap leaves the driver to invalidate (struct iommu_iotlb_gather, hardware.md §3.4): the
// IOVA range and granule of the removed leaves, and the table pages the unmap detached. Those
// pages may still be cached by a walk (paging-structure cache) or be in the middle of a walk, so
// they are freed only after an invalidation that covers walks (non-leaf TLBI, IH=0) has completed
// (H4): the driver calls ptFreelistRelease() after its sync.
import { type Gen } from '../../sync/index.js';
import { freePages, type PhysMemory } from '../memory/phys-memory.js';

export interface PtGather {
  start: number;
  /** inclusive, like the kernel's */
  end: number;
  pgsize: number;
  /** table pages detached by unmap, to free after the walk-covering invalidation */
  readonly freelist: number[];
}

export function ptGatherInit(): PtGather {
  return { start: Number.MAX_SAFE_INTEGER, end: 0, pgsize: 0, freelist: [] };
}

/** iommu_iotlb_gather_add_range(): extend the range (the granule is the last leaf size added) */
export function ptGatherAdd(g: PtGather, iova: number, size: number): void {
  if (iova < g.start) g.start = iova;
  if (iova + size - 1 > g.end) g.end = iova + size - 1;
  g.pgsize = size;
}

export function ptGatherEmpty(g: PtGather): boolean {
  return g.start > g.end;
}

/** free the gathered table pages: only after the invalidation covering them completed (H4) */
export function* ptFreelistRelease(mem: PhysMemory, g: PtGather): Gen {
  while (g.freelist.length > 0) yield* freePages(mem, g.freelist.shift()!);
}

/** the same at setup time */
export function ptFreelistReleaseNow(mem: PhysMemory, g: PtGather): void {
  while (g.freelist.length > 0) mem.freeNow(g.freelist.shift()!);
}
