// Walking an IO page table as the IOMMU does (hardware.md §4): from a table frame at some level
// down to a leaf, reading one entry per level. Pure functions: the DMA path calls walkLevel once
// per step (after yielding a read of that entry), the fast path loops. A table pointer (and, for
// a nested first stage, the root) may be an intermediate physical address that `resolve`
// translates (stage 2); a table frame that is not a page table any more (freed, or reused by
// another owner) is read as it is and reported in `badTable`, the hardware's use after free.
import type { PhysMemory } from '../memory/phys-memory.js';
import { levelShift, pow2, tableIndex, type PtFormat } from './format.js';
import { pteAddr, pteFlags, pteIsLeaf, pteIsTable, ptePfn } from './pte.js';

/** a leaf found by a walk */
export interface PtLeaf {
  /** IOVA of the start of the leaf */
  readonly iova: number;
  /** output address of the start of the leaf */
  readonly out: number;
  readonly size: number;
  readonly flags: number;
  readonly level: number;
}

export type WalkFault = 'translation' | 'stage2';

export interface WalkResult {
  readonly leaf: PtLeaf | null;
  readonly fault: WalkFault | null;
  /** frames of the tables read, in order, with the level of each */
  readonly tables: readonly number[];
  /** a frame walked that is not an IO page table now (freed or reused): -1 if none */
  readonly badTable: number;
}

/** what one level gives: the next table frame (a number >= 0), a leaf, or nothing */
export const WALK_FAULT = -1;
export const WALK_LEAF = -2;

export interface LevelRead {
  /** next table frame, WALK_LEAF or WALK_FAULT */
  next: number;
  entry: number;
  /** the frame read was not a page table (freed, reused) */
  bad: boolean;
}

/** read the entry of `iova` in table frame `pfn` at `level` */
export function walkLevel(mem: PhysMemory, fmt: PtFormat, pfn: number, level: number, iova: number, out: LevelRead): void {
  const page = mem.page(pfn);
  const ptes = page.ptes;
  out.bad = ptes === null || page.freed;
  const e = ptes === null ? 0 : ptes[tableIndex(iova, levelShift(fmt, level))]!;
  out.entry = e;
  if ((e & 1) === 0) out.next = WALK_FAULT;
  else if (pteIsLeaf(e)) out.next = level === fmt.levels - 1 || (fmt.pgsizeBitmap & pow2(levelShift(
    fmt,
    level,
  ))) !== 0
    ? WALK_LEAF
    : WALK_FAULT;
  else out.next = level === fmt.levels - 1 ? WALK_FAULT : ptePfn(e);
}

/** the leaf of an entry read at `level` for `iova` */
export function leafOf(fmt: PtFormat, level: number, iova: number, entry: number): PtLeaf {
  const size = pow2(levelShift(fmt, level));
  const base = Math.floor(iova / size) * size;
  return { iova: base, out: pteAddr(entry), size, flags: pteFlags(entry), level };
}

/**
 * Walk from frame `pfn` at `level` (the root at 0, or a table a walk cache gave). `resolve` maps a
 * table pointer to a physical frame for a nested stage 1 (null: pointers are physical).
 */
export function ptWalk(
  mem: PhysMemory,
  fmt: PtFormat,
  pfn: number,
  level: number,
  iova: number,
  resolve: ((ipa: number) => number) | null = null,
): WalkResult {
  const tables: number[] = [];
  const r: LevelRead = { next: 0, entry: 0, bad: false };
  let badTable = -1;
  let frame = pfn;
  for (let l = level; l < fmt.levels; l++) {
    if (resolve !== null) {
      const pa = resolve(frame * 4096);
      if (pa < 0) return { leaf: null, fault: 'stage2', tables, badTable };
      frame = pa / 4096;
    }
    tables.push(frame);
    walkLevel(mem, fmt, frame, l, iova, r);
    if (r.bad && badTable < 0) badTable = frame;
    if (r.next === WALK_FAULT) return { leaf: null, fault: 'translation', tables, badTable };
    if (r.next === WALK_LEAF) return { leaf: leafOf(fmt, l, iova, r.entry), fault: null, tables, badTable };
    frame = r.next;
  }
  return { leaf: null, fault: 'translation', tables, badTable };
}

/** iova_to_phys as the kernel's page-table code computes it: the output address, or 0 */
export function ptIovaToPhys(mem: PhysMemory, fmt: PtFormat, rootPfn: number, iova: number): number {
  const w = ptWalk(mem, fmt, rootPfn, 0, iova);
  return w.leaf === null ? 0 : w.leaf.out + (iova - w.leaf.iova);
}

/** every leaf of a table, in IOVA order (checks and tests) */
export function ptLeaves(mem: PhysMemory, fmt: PtFormat, rootPfn: number): PtLeaf[] {
  const out: PtLeaf[] = [];
  const visit = (pfn: number, level: number, base: number): void => {
    const ptes = mem.page(pfn).ptes;
    if (ptes === null) return;
    const span = pow2(levelShift(fmt, level));
    for (let i = 0; i < 512; i++) {
      const e = ptes[i]!;
      if ((e & 1) === 0) continue;
      if (pteIsLeaf(e)) out.push(leafOf(fmt, level, base + i * span, e));
      else if (level < fmt.levels - 1) visit(ptePfn(e), level + 1, base + i * span);
    }
  };
  visit(rootPfn, 0, 0);
  return out;
}

/** every table frame below root `rootPfn` of a `levels`-level table, the root included, with `by` (checks) */
export function ptTableFrames(
  mem: PhysMemory,
  rootPfn: number,
  levels: number,
  by: string,
  out: Array<{ pfn: number; by: string }>,
): void {
  const visit = (pfn: number, level: number): void => {
    out.push({ pfn, by });
    const ptes = mem.page(pfn).ptes;
    if (ptes === null || level >= levels - 1) return;
    for (let i = 0; i < 512; i++) if (pteIsTable(ptes[i]!)) visit(ptePfn(ptes[i]!), level + 1);
  };
  visit(rootPfn, 0);
}
