// Physical memory: frames handed out in naturally aligned blocks of 2^order pages, each block
// with an owner (the kernel, a driver's DMA-API buffer, an iommufd/VFIO user, an IO page table,
// an IOMMU structure such as a stream table). Owners are plain labels: memory never points into a
// kernel object. Freed blocks keep their content until reused (a stale walk reads what was
// there) and are reused last-in first-out, like the page allocator's hot lists, so a use after
// free meets the page's next owner soon. Reading a freed frame is detectable through `ownerOf`.
import { BUG_ON, type Gen, hwStep, hwStepDone, KObject, shouldFail } from '../../sync/index.js';
import { PAGE_SIZE, PhysPage } from './page.js';

export type OwnerKind = 'free' | 'kernel' | 'dma' | 'user' | 'iopt' | 'iommu';

export interface PageOwner {
  readonly kind: OwnerKind;
  /** who, in words (a driver, a domain's table, a user): for reports only */
  readonly tag: string;
}

export const PAGE_FREE: PageOwner = { kind: 'free', tag: '' };

export function pageOwner(kind: Exclude<OwnerKind, 'free'>, tag: string): PageOwner {
  return { kind, tag };
}

/** one allocation: 2^order frames from `head` */
export interface PageBlock {
  readonly head: number;
  readonly order: number;
  owner: PageOwner;
  /** the owner before the last free (for reports on a freed page) */
  lastOwner: PageOwner;
  /** allocation count when it was last allocated: a page freed and reallocated has a new gen */
  gen: number;
}

const MAX_FRAMES = 1 << 22;

/**
 * The frames themselves: each frame's page object (made the first time anything names it) and
 * the block it belongs to, with its owner. Kept in an object of a class of its own, which the
 * yield rule's checker hands out as it is (as it does PhysPage): a frame's content and owner are
 * named in the ops by the frame's page (the block's head page for the owner: page_init and
 * free_pages write it, a DMA or a check that reads the owner declares it), not by these maps,
 * and making a page object changes nothing another thread could observe.
 */
class Frames {
  readonly pages = new Map<number, PhysPage>();
  readonly blocks = new Map<number, PageBlock>();
  /** orders that have at least one block, ascending (the owner lookup tries these) */
  orders: number[] = [];
}
const PAGE_OID_BASE = 2 ** 44;

export interface PhysMemoryOptions {
  /** number of frames (default 2^20 = 4 GiB) */
  readonly frames?: number;
  /** first frame handed out (frames below it are firmware's; default 16) */
  readonly firstFrame?: number;
}

export class PhysMemory extends KObject {
  readonly frames: number;
  /** object ids of pages: PAGE_OID_BASE + per-memory offset + pfn (see page.ts) */
  readonly pageOidBase: number;
  private readonly f = new Frames();
  /** next never-used frame */
  private top: number;
  /** per order, freed block heads (LIFO) */
  private readonly freeLists: number[][] = [];
  /** frames reserved for the scenario's buffers (reserve()): the allocator skips them */
  private readonly reserved = new Set<number>();
  /** blocks allocated so far (the source of PageBlock.gen) */
  allocations = 0;

  constructor(
    readonly name = 'mem',
    opts: PhysMemoryOptions = {},
  ) {
    super();
    this.frames = Math.min(opts.frames ?? 1 << 20, MAX_FRAMES);
    this.top = opts.firstFrame ?? 16;
    this.pageOidBase = PAGE_OID_BASE + (this.oid % (1 << 20)) * MAX_FRAMES;
  }

  override get label(): string {
    return this.name;
  }

  /** the page object of frame `pfn` (made on first use) */
  page(pfn: number): PhysPage {
    let p = this.f.pages.get(pfn);
    if (p === undefined) {
      p = new PhysPage(this, pfn);
      this.f.pages.set(pfn, p);
    }
    return p;
  }

  /** the page object at physical address `pa` */
  pageAt(pa: number): PhysPage {
    return this.page(Math.floor(pa / PAGE_SIZE));
  }

  /** the allocation block containing `pfn`, if it was ever allocated */
  blockOf(pfn: number): PageBlock | null {
    for (const o of this.f.orders) {
      const size = 2 ** o;
      const b = this.f.blocks.get(pfn - (pfn % size));
      if (b !== undefined && b.order === o) return b;
    }
    return null;
  }

  ownerOf(pfn: number): PageOwner {
    return this.blockOf(pfn)?.owner ?? PAGE_FREE;
  }

  /**
   * The page whose object stands for the ownership of `pfn`'s block: the block's head. Ops that
   * allocate or free a block name it; a check that reads the owner of `pfn` names it too.
   */
  ownerPage(pfn: number): PhysPage {
    const b = this.blockOf(pfn);
    return this.page(b === null ? pfn : b.head);
  }

  /** blocks with an owner now (the leak check at the end of a run) */
  allocated(): PageBlock[] {
    return [...this.f.blocks.values()].filter((b) => b.owner.kind !== 'free');
  }

  // ---- the allocator (plain functions: setup uses them directly, the generators below in steps)

  /** take a free block of 2^order frames off the free lists or the top; null when out of memory */
  takeBlock(order: number): number | null {
    const list = this.freeLists[order];
    // (a free single page reserved meanwhile is not handed out)
    while (list !== undefined && list.length > 0) {
      const head = list.pop()!;
      if (order > 0 || !this.reserved.has(head)) return head;
    }
    const size = 2 ** order;
    let head = Math.ceil(this.top / size) * size;
    // never over a buffer reserved for the scenario (reserve())
    if (this.reserved.size > 0) while (this.overlapsReserved(head, size)) head += size;
    if (head + size > this.frames) return null;
    // frames skipped for alignment become free single pages, lowest handed out first
    for (let p = head - 1; p >= this.top; p--) if (!this.reserved.has(p)) this.pushFree(p, 0);
    this.top = head + size;
    return head;
  }

  /** make a taken block `owner`'s: a new generation, content formatted for the new owner */
  assign(head: number, order: number, owner: PageOwner): PageBlock {
    const old = this.f.blocks.get(head);
    const b: PageBlock = { head, order, owner, lastOwner: old?.lastOwner ?? PAGE_FREE, gen: ++this.allocations };
    this.f.blocks.set(head, b);
    if (!this.f.orders.includes(order)) this.f.orders = [...this.f.orders, order].sort((x, y) => x - y);
    for (let i = 0; i < 2 ** order; i++) {
      const p = this.f.pages.get(head + i);
      if (p !== undefined) {
        p.ptes = null;
        p.slots = null;
        p.format = '';
        p.block = b;
      }
    }
    return b;
  }

  /** the owner gives the block back; its content stays until the next owner formats it */
  release(head: number): PageBlock | null {
    const b = this.f.blocks.get(head);
    if (b === undefined || b.owner.kind === 'free') return null;
    b.lastOwner = b.owner;
    b.owner = PAGE_FREE;
    return b;
  }

  pushFree(head: number, order: number): void {
    (this.freeLists[order] ??= []).push(head);
  }

  /**
   * Setup: frame `pfn` is `owner`'s from the start (a buffer a scenario names by its physical
   * address); the allocator never hands it out.
   */
  reserve(pfn: number, owner: PageOwner): void {
    if (pfn >= this.frames) throw new Error(`${this.name}: frame 0x${pfn.toString(16)} is beyond memory`);
    const b = this.blockOf(pfn);
    if (b !== null && (b.owner.kind !== 'free' || b.head !== pfn || b.order !== 0)) {
      throw new Error(`${this.name}: frame 0x${pfn.toString(16)} is already ${b.owner.kind} ${b.owner.tag}`);
    }
    this.reserved.add(pfn);
    this.assign(pfn, 0, owner);
  }

  private overlapsReserved(head: number, size: number): boolean {
    for (let p = head; p < head + size; p++) if (this.reserved.has(p)) return true;
    return false;
  }

  /** setup-time allocation (no steps, never fails unless memory is exhausted) */
  allocNow(order: number, owner: PageOwner): number {
    const head = this.takeBlock(order);
    if (head === null) throw new Error(`${this.name}: out of memory (order ${order})`);
    this.assign(head, order, owner);
    return head;
  }

  /** setup-time free */
  freeNow(head: number): void {
    const b = this.release(head);
    if (b === null) throw new Error(`${this.name}: free of frame 0x${head.toString(16)}, which is not allocated`);
    this.pushFree(head, b.order);
  }
}

/**
 * alloc_pages(gfp, order) for `owner`: a fault point, then the allocator's free list (shared by
 * every allocating thread), then the new owner initializing the block (a write to its head page,
 * which a stale walk or a check of the page's owner is ordered against). Null on failure.
 */
export function* allocPages(mem: PhysMemory, order: number, owner: PageOwner): Gen<number | null> {
  if (yield* shouldFail('alloc_pages')) return null;
  // the allocator's state as a whole (free lists, top; no other op names the memory object)
  yield* hwStep(mem, null, 'write', 'alloc_pages');
  const head = mem.takeBlock(order);
  if (head === null) return null;
  const site = yield* hwStep(mem.page(head), null, 'write', 'page_init');
  mem.assign(head, order, owner);
  hwStepDone(site);
  return head;
}

/** __free_pages(): the owner lets go (a write to the head page), then the block goes back on the free list */
export function* freePages(mem: PhysMemory, head: number): Gen {
  const site = yield* hwStep(mem.page(head), null, 'write', 'free_pages');
  const b = mem.release(head);
  hwStepDone(site);
  BUG_ON(b === null, `Bad page state: free of frame 0x${head.toString(16)}, which is not allocated`);
  yield* hwStep(mem, null, 'write', 'free_pages');
  mem.pushFree(head, b!.order);
}
