// An IO page table as the hardware walks it (hardware.md §3): leaves of a given size mapping an
// IOVA range to a physical range with a protection. Leaves are naturally aligned and never
// overlap; there is no splitting on unmap (H18). The driver owns its allocation; the IOMMU reads it.
import { KObject } from '../sync/index.js';

export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;
/** cache coherent (snoop) mapping */
export const IOMMU_CACHE = 1 << 2;
export const IOMMU_NOEXEC = 1 << 3;
export const IOMMU_MMIO = 1 << 4;

export interface Leaf {
  readonly iova: number;
  readonly paddr: number;
  readonly size: number;
  readonly prot: number;
  /** first leaf of one map call (the mock's START bit) */
  readonly start: boolean;
  /** last leaf of one map call (the mock's LAST bit) */
  last: boolean;
}

export class IoPageTable extends KObject {
  /** leaves by IOVA */
  readonly leaves = new Map<number, Leaf>();
  /**
   * The IOVA ranges ([first, last]) whose leaves an unmap removed and whose invalidation has not
   * completed yet: the grace window in which an IOTLB may still translate them (H1, H2). Added by
   * the unmap's PTE clear, removed by the driver in the step that completes that unmap's IOTLB
   * invalidation (which every DMA through the table orders itself with: it reads this field).
   * Per range, not per table: two unmaps of one domain in flight (two CPUs, one DMA-API domain)
   * each close only their own window.
   */
  unflushed: Array<readonly [number, number]> = [];

  constructor(readonly owner: string) {
    super();
  }

  /** is `iova` in the grace window of an unmap whose invalidation has not completed? */
  unflushedAt(iova: number): boolean {
    return this.unflushed.some(([first, last]) => iova >= first && iova <= last);
  }

  override get label(): string {
    return `io_pgtable#${this.oid.toString(16)}`;
  }

  /** the leaf translating `iova`, if any */
  lookup(iova: number): Leaf | null {
    for (const l of this.leaves.values()) if (iova >= l.iova && iova < l.iova + l.size) return l;
    return null;
  }

  /** any leaf overlapping [iova, iova + size) */
  overlaps(iova: number, size: number): boolean {
    for (const l of this.leaves.values()) if (l.iova < iova + size && iova < l.iova + l.size) return true;
    return false;
  }

  get empty(): boolean {
    return this.leaves.size === 0;
  }
}

/** the IOTLB tag of the translations walked from `pt` (the mock's stand-in for an ASID) */
export function ioPgtableTag(pt: IoPageTable): number {
  return pt.oid;
}

/** iova_to_phys walk: the physical address, or 0 when nothing is mapped */
export function ioPgtableIovaToPhys(pt: IoPageTable, iova: number): number {
  const l = pt.lookup(iova);
  return l === null ? 0 : l.paddr + (iova - l.iova);
}
