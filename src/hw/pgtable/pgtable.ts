// One IO page table (struct io_pgtable): the format and the root frame. Its tables are pages of
// physical memory owned as 'iopt' pages, which is all the hardware sees: an STE, a CD or a PASID
// entry holds the root's address, never this object. The object is the driver's handle.
import { driverContractSettled, type Gen, hwStep, kfree, KObject, kzalloc } from '../../sync/index.js';
import { entryField } from '../memory/page.js';
import type { PhysPage } from '../memory/page.js';
import { allocPages, freePages, pageOwner, type PhysMemory } from '../memory/phys-memory.js';
import type { PtFormat } from './format.js';
import { ptePfn, pteIsTable } from './pte.js';

export class IoPgtable extends KObject {
  constructor(
    readonly mem: PhysMemory,
    readonly fmt: PtFormat,
    /** frame of the top-level table */
    readonly root: number,
    /** owner label of its pages (e.g. the domain's name) */
    readonly tag: string,
  ) {
    super();
  }

  override get label(): string {
    return `io_pgtable(${this.tag})`;
  }

  get rootPage(): PhysPage {
    return this.mem.page(this.root);
  }

  /** physical address of the root: what TTB0 / S2TTB / FLPTPTR / SLPTPTR hold */
  get rootPa(): number {
    return this.root * 4096;
  }
}

/** format a freshly allocated page as an empty table */
export function formatTablePage(mem: PhysMemory, pfn: number): PhysPage {
  const p = mem.page(pfn);
  p.ptes = new Array<number>(512).fill(0);
  p.slots = null;
  p.format = 'pte';
  return p;
}

/** a table page of `pt`'s, allocated in steps (a fault point: null on failure) or at setup */
export function* allocTablePage(pt: IoPgtable, stepped: boolean): Gen<number | null> {
  const owner = pageOwner('iopt', pt.tag);
  const pfn = stepped ? yield* allocPages(pt.mem, 0, owner) : pt.mem.allocNow(0, owner);
  if (pfn !== null) formatTablePage(pt.mem, pfn);
  return pfn;
}

/** alloc_io_pgtable_ops(): the root table, then the handle. Null (-ENOMEM) when either fails. */
export function* ioPgtableAlloc(mem: PhysMemory, fmt: PtFormat, tag: string): Gen<IoPgtable | null> {
  const root = yield* allocPages(mem, 0, pageOwner('iopt', tag));
  if (root === null) return null;
  formatTablePage(mem, root);
  const pt = yield* kzalloc(() => new IoPgtable(mem, fmt, root, tag));
  if (pt === null) yield* freePages(mem, root);
  return pt;
}

/** a page table built at setup (not tracked by kmemleak) */
export function ioPgtableNow(mem: PhysMemory, fmt: PtFormat, tag: string): IoPgtable {
  const root = mem.allocNow(0, pageOwner('iopt', tag));
  formatTablePage(mem, root);
  return new IoPgtable(mem, fmt, root, tag);
}

/** every table frame of `pt`, children before parents (the order free_io_pgtable_ops frees them) */
export function ioPgtableFrames(pt: IoPgtable): number[] {
  const out: number[] = [];
  const visit = (pfn: number, level: number): void => {
    const ptes = pt.mem.page(pfn).ptes;
    if (ptes !== null && level < pt.fmt.levels - 1) {
      for (let i = 0; i < 512; i++) if (pteIsTable(ptes[i]!)) visit(ptePfn(ptes[i]!), level + 1);
    }
    out.push(pfn);
  };
  visit(pt.root, 0);
  return out;
}

/**
 * Table pages go back to the allocator once no walk can reach them (the driver unlinked them and
 * its walk-covering invalidation completed: tlb_flush_walk + CMD_SYNC, a PSI without IH or a DSI
 * + wait descriptor; or the domain is detached and its tag flushed). H4 (hardware.md §6) is
 * checked first, once for the batch, as a step of its own naming what it reads (`table_free`,
 * core/contracts.ts): no installed entry, table, walk cache or cached configuration of a unit on
 * this memory may still point at any of them (nothing can start to while they go: a new
 * reference needs a walk through a linked table). Then they are freed one by one.
 */
export function* freeTablePages(mem: PhysMemory, pfns: readonly number[]): Gen {
  if (pfns.length === 0) return;
  yield* driverContractSettled('table_free', { mem, pfns });
  for (const pfn of pfns) yield* freePages(mem, pfn);
}

/**
 * free_io_pgtable_ops(): every table page goes back at once. The driver must have made sure no
 * entry points at the root and no walk cache holds its tables (the domain is detached and its tag
 * flushed): the pages are freed without any invalidation, as in the kernel.
 */
export function* ioPgtableFree(pt: IoPgtable): Gen {
  const frames = ioPgtableFrames(pt);
  for (const pfn of frames) yield* hwStep(pt.mem.page(pfn), entryField(0), 'read', 'io_pgtable_free');
  yield* freeTablePages(pt.mem, frames);
  if (pt.tracked) yield* kfree(pt);
}

/** run a page-table operation started with `stepped` false: it never yields */
export function runNow<T>(g: Gen<T>): T {
  const r = g.next();
  if (r.done !== true) throw new Error(`a setup-time hardware operation yielded ${r.value.verb ?? ''}`);
  return r.value;
}
