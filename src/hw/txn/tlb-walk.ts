// The part of a translation both IOMMUs share: look a tag up in the TLB (and its walk cache),
// walk the tables on a miss (one step per table read), for a nested first stage translate every
// table pointer through the second stage, and fill the TLB with what was found. A fill is
// dropped when the tag was invalidated since the lookup (the walk raced the invalidation).
import type { Tlb } from '../cache/tlb.js';
import type { CachedLeaf } from '../cache/leaf-cache.js';
import { entryField } from '../memory/page.js';
import type { PhysMemory } from '../memory/phys-memory.js';
import { levelShift, tableIndex, type PtFormat } from '../pgtable/format.js';
import { type LevelRead, leafOf, WALK_FAULT, WALK_LEAF, walkLevel } from '../pgtable/walk.js';
import { type Gen, hwStep } from '../../sync/index.js';
import type { DmaCtx, DmaPath } from './txn.js';
import type { TxnMode } from './mode.js';

/** a stage-2 translation of an intermediate address: the physical address and the S2 leaf, or null on a fault */
export type Stage2 = (ipa: number) => Gen<{ pa: number; leaf: CachedLeaf } | null>;

export type TlbWalkResult =
  | { readonly ok: true; readonly leaf: CachedLeaf }
  /** 'translation': no leaf at this stage; 'stage2': the second stage faulted on a table pointer or on the output */
  | { readonly ok: false; readonly fault: 'translation' | 'stage2' };

export interface TlbWalk {
  readonly mem: PhysMemory;
  readonly tlb: Tlb;
  readonly tag: number;
  readonly fmt: PtFormat;
  /** root table address (an intermediate address when `s2` is set) */
  readonly root: number;
  /** nested: stage 2 for the table pointers and the output */
  readonly s2: Stage2 | null;
  /** caching mode (VT-d CM): a walk that finds nothing leaves a negative entry */
  readonly negative: boolean;
}

/**
 * Translate `iova` under `w.tag`. The leaf returned is what the DMA uses: for nested, the combined
 * translation (IOVA to physical, the smaller of the two leaves, the permissions both allow).
 */
export function* tlbWalk(w: TlbWalk, iova: number, ctx: DmaCtx, m: TxnMode, path: DmaPath): Gen<TlbWalkResult> {
  const tlb = w.tlb;
  if (m.stepped) yield* hwStep(tlb, tlb.field(w.tag), 'dma', 'tlb_lookup');
  else if (m.reads !== undefined) m.reads.push({ obj: tlb, field: tlb.field(w.tag) });
  const seen = tlb.gen(w.tag);
  tlb.used(w.tag, ctx.used);
  path.tag = w.tag;
  const entries = m.cached ? tlb.entries(w.tag) : null;
  const hit = entries === null ? null : entries.lookup(iova);
  if (hit !== null) {
    path.via = 'tlb';
    path.root = hit.root;
    return { ok: true, leaf: hit };
  }
  if (entries !== null && entries.negativeLookup(iova)) return { ok: false, fault: 'translation' };
  const cached = entries === null ? null : entries.walkLookup(iova);
  let frame: number;
  let level: number;
  let rootFrame: number;
  if (cached !== null) {
    frame = cached.pfn;
    level = cached.level;
    rootFrame = cached.root;
  } else {
    level = 0;
    if (w.s2 === null) frame = Math.floor(w.root / 4096);
    else {
      const r = yield* w.s2(w.root);
      if (r === null) return { ok: false, fault: 'stage2' };
      frame = Math.floor(r.pa / 4096);
    }
    rootFrame = frame;
  }
  path.via = 'walk';
  const walks: Array<{ shift: number; pfn: number; level: number }> = [];
  const read: LevelRead = { next: 0, entry: 0, bad: false };
  let leaf: CachedLeaf | null = null;
  const fmt = w.fmt;
  for (let l = level; l < fmt.levels; l++) {
    if (m.stepped) yield* hwStep(w.mem.page(frame), entryField(tableIndex(iova, levelShift(fmt, l))), 'dma', 'ptw_read');
    else if (m.reads !== undefined) {
      m.reads.push({ obj: w.mem.page(frame), field: entryField(tableIndex(iova, levelShift(fmt, l))) });
    }
    walkLevel(w.mem, fmt, frame, l, iova, read);
    path.tables.push(frame);
    if (read.bad && path.badTable < 0) path.badTable = frame;
    if (read.next === WALK_FAULT) break;
    if (read.next === WALK_LEAF) {
      const pl = leafOf(fmt, l, iova, read.entry);
      leaf = { iova: pl.iova, size: pl.size, out: pl.out, flags: pl.flags, root: rootFrame };
      break;
    }
    let next = read.next;
    if (w.s2 !== null) {
      const r = yield* w.s2(next * 4096);
      if (r === null) return { ok: false, fault: 'stage2' };
      next = Math.floor(r.pa / 4096);
    }
    walks.push({ shift: levelShift(fmt, l), pfn: next, level: l + 1 });
    frame = next;
  }
  if (leaf !== null && w.s2 !== null) {
    const r = yield* w.s2(leaf.out + (iova - leaf.iova));
    if (r === null) return { ok: false, fault: 'stage2' };
    const size = Math.min(leaf.size, r.leaf.size);
    const base = Math.floor(iova / size) * size;
    leaf = { iova: base, size, out: r.pa - (iova - base), flags: leaf.flags & r.leaf.flags, root: rootFrame };
  }
  if (rootFrame >= 0) path.root = rootFrame;
  // a probe that notes its reads notes the fill as a write of the tag's group (txn/atomic.ts)
  if (!m.fill && m.reads !== undefined && (leaf !== null || w.negative)) {
    m.reads.push({ obj: tlb, field: tlb.field(w.tag), write: true });
  }
  if (m.fill && (leaf !== null || w.negative)) {
    if (m.stepped) yield* hwStep(tlb, tlb.field(w.tag), 'write', 'tlb_fill');
    if (tlb.gen(w.tag) === seen) {
      if (leaf !== null) tlb.insert(w.tag, leaf);
      else tlb.negativeInsert(w.tag, iova);
      for (const x of walks) tlb.walkInsert(w.tag, x.shift, iova, x.pfn, x.level, rootFrame);
    }
  }
  return leaf === null ? { ok: false, fault: 'translation' } : { ok: true, leaf };
}
