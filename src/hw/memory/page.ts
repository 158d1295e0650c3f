// One 4 KiB frame of physical memory as the hardware sees it: what it holds that an IOMMU reads
// (IO page-table entries, or the slots of a stream/CD/context/PASID table) and, through its
// allocation block, who owns it. A page is not a KObject: pages materialize lazily, the first time
// anything names one, and their object ids derive from the frame number, so the id a step names
// does not depend on which thread touched the page first (DPOR compares ops across executions).
import type { Shared } from '../../sync/index.js';
import type { PageBlock, PageOwner, PhysMemory } from './phys-memory.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;

/** the field an op names for slot `i` of a page (a PTE, an STE, a PASID entry ...), interned */
const entryFields: string[] = [];
for (let i = 0; i < 512; i++) entryFields.push(`e${i}`);
export function entryField(i: number): string {
  return entryFields[i] ?? `e${i}`;
}

export class PhysPage implements Shared {
  readonly oid: number;
  /**
   * IO page-table entries (see pgtable/pte.ts), when the page is formatted as a page table (a
   * plain array of 512 numbers: a world snapshot copies plain arrays, rt/clone.ts)
   */
  ptes: number[] | null = null;
  /** entries of a hardware structure (STE words, CDs, context or PASID entries), when formatted as one */
  slots: unknown[] | null = null;
  /** what the content is, for reports: 'pte', 'ste', 'cd', 'l1', 'root', 'ctx', 'pasid-dir', 'pasid' */
  format = '';
  /** the allocation block it belongs to now (kept current by PhysMemory), null if never allocated */
  block: PageBlock | null;
  /**
   * How many live IOMMU mappings pin it (a user buffer: iommufd/VFIO pin a page for each mapping
   * and unpin it after the unmap returned). A user page with no pin is not given to any device:
   * the isolation oracle reads it (hw/dma.ts). Written in a step on the page (`pin_user_pages`).
   */
  pins = 0;

  constructor(
    readonly mem: PhysMemory,
    readonly pfn: number,
  ) {
    this.oid = mem.pageOidBase + pfn;
    this.block = mem.blockOf(pfn);
  }

  get label(): string {
    return `page[0x${this.pfn.toString(16)}]`;
  }

  get pa(): number {
    return this.pfn * PAGE_SIZE;
  }

  /** the owner of the block this frame belongs to (free when never allocated or freed) */
  get owner(): PageOwner {
    return this.block?.owner ?? this.mem.ownerOf(this.pfn);
  }

  /** freed (or never allocated): reading it is reading memory nobody owns */
  get freed(): boolean {
    return this.block === null || this.block.owner.kind === 'free';
  }
}
