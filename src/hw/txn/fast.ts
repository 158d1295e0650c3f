// The TLB part of both units' fast paths (plain functions, no steps): a hit, or a walk from the
// root (or a walk-cache entry) filling the TLB exactly as tlb-walk.ts does. Null when the case is
// not a plain one (a negative entry, no leaf, a permission fault): the caller then runs the full
// path, so answers and cache contents never differ between the two.
import type { Tlb } from '../cache/tlb.js';
import type { PhysMemory } from '../memory/phys-memory.js';
import { levelShift, type PtFormat } from '../pgtable/format.js';
import { PTE_READ, PTE_WRITE, pteToProt } from '../pgtable/pte.js';
import { ptWalk } from '../pgtable/walk.js';
import { type DmaResult, fastPath } from './txn.js';

export function fastTlb(
  mem: PhysMemory,
  tlb: Tlb,
  tag: number,
  fmt: PtFormat,
  rootPa: number,
  iova: number,
  write: boolean,
  fill: boolean,
): DmaResult | null {
  if (iova >= fmt.inputLimit) return null;
  const need = write ? PTE_WRITE : PTE_READ;
  const entries = tlb.entries(tag);
  const hit = entries === null ? null : entries.lookup(iova);
  if (hit !== null) {
    if ((hit.flags & need) === 0) return null;
    return { kind: 'ok', pa: hit.out + (iova - hit.iova), prot: pteToProt(hit.flags), path: fastPath(tag, hit.root, 'tlb') };
  }
  if (entries !== null && entries.negativeLookup(iova)) return null;
  const cached = entries === null ? null : entries.walkLookup(iova);
  const rootFrame = cached === null ? Math.floor(rootPa / 4096) : cached.root;
  const level = cached === null ? 0 : cached.level;
  const w = ptWalk(mem, fmt, cached === null ? rootFrame : cached.pfn, level, iova);
  if (w.leaf === null || (w.leaf.flags & need) === 0) return null;
  const leaf = { iova: w.leaf.iova, size: w.leaf.size, out: w.leaf.out, flags: w.leaf.flags, root: rootFrame };
  if (fill) {
    tlb.insert(tag, leaf);
    for (let i = 1; i < w.tables.length; i++) tlb.walkInsert(
      tag,
      levelShift(fmt, level + i - 1),
      iova,
      w.tables[i]!,
      level + i,
      rootFrame,
    );
  }
  return { kind: 'ok', pa: leaf.out + (iova - leaf.iova), prot: pteToProt(leaf.flags), path: fastPath(tag, rootFrame, 'walk', w.tables as number[], w.badTable) };
}
