// Checks of table memory (hardware.md §6): H4 (a page-table frame is not freed while the hardware
// can still reach it: from an installed root, or from a walk cache or a cached configuration) and
// H18 (the structure of one IO page table). Pure functions of the hardware state, for the
// oracles to call at the points where the invariant must hold; each returns what is wrong, in
// words, or nothing.
import type { PhysMemory } from '../memory/phys-memory.js';
import { levelShift, pow2, type PtFormat } from '../pgtable/format.js';
import type { IoPgtable } from '../pgtable/pgtable.js';
import { pteFlags, pteIsLeaf, pteIsTable, ptePfn } from '../pgtable/pte.js';
import type { FrameRef, HwIommu } from '../unit.js';

function ownerText(mem: PhysMemory, pfn: number): string {
  const b = mem.blockOf(pfn);
  if (b === null) return 'never allocated';
  if (b.owner.kind === 'free') return `free (was ${b.lastOwner.kind} ${b.lastOwner.tag})`;
  return `${b.owner.kind} ${b.owner.tag}`;
}

/**
 * H4: every table frame the unit can reach (installed roots and the tables below them; walk-cache
 * entries; roots named by cached configuration) is still an IO page-table page. A frame freed, or
 * freed and reused by another owner, while referenced is reported with who references it.
 */
export function tableFramesInUse(unit: HwIommu, mem: PhysMemory): string[] {
  const out: string[] = [];
  const refs: FrameRef[] = [...unit.reachableTableFrames(), ...unit.cachedTableFrames()];
  const seen = new Set<string>();
  for (const r of refs) {
    const owner = mem.ownerOf(r.pfn);
    if (owner.kind === 'iopt' || (owner.kind === 'user' && mem.page(r.pfn).ptes !== null)) continue;
    const key = `${r.pfn}:${r.by}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`H4: ${unit.name}: table frame 0x${r.pfn.toString(16)} is ${ownerText(mem, r.pfn)} but ${r.by} still points at it`);
  }
  return out;
}

/** H4 for one frame about to be freed: who in `units` can still reach it */
export function frameReferences(units: readonly HwIommu[], pfn: number): string[] {
  const out: string[] = [];
  for (const u of units) for (const r of [...u.reachableTableFrames(), ...u.cachedTableFrames()]) if (r.pfn === pfn) out.push(`${u.name}: ${r.by}`);
  return out;
}

/**
 * H18: one IO page table is well formed: every table frame is an 'iopt' page formatted as a table
 * and appears once; leaves sit only at levels whose size the format allows and are aligned to
 * their size (input by construction, output checked); the last level holds no table pointers.
 */
export function pgtableProblems(pt: IoPgtable): string[] {
  const out: string[] = [];
  const mem = pt.mem;
  const fmt: PtFormat = pt.fmt;
  const frames = new Set<number>();
  const visit = (pfn: number, level: number, base: number): void => {
    if (frames.has(pfn)) {
      out.push(`H18: ${pt.label}: table frame 0x${pfn.toString(16)} is linked twice`);
      return;
    }
    frames.add(pfn);
    const page = mem.page(pfn);
    if (mem.ownerOf(pfn).kind !== 'iopt' || page.ptes === null) {
      out.push(`H18: ${pt.label}: table frame 0x${pfn.toString(16)} at level ${level} is ${ownerText(mem, pfn)}, not a page table`);
      return;
    }
    const span = pow2(levelShift(fmt, level));
    for (let i = 0; i < 512; i++) {
      const e = page.ptes[i]!;
      if ((e & 1) === 0) continue;
      const iova = base + i * span;
      if (pteIsTable(e)) {
        if (level === fmt.levels - 1) out.push(`H18: ${pt.label}: a table pointer at the last level (IOVA 0x${iova.toString(16)})`);
        else visit(ptePfn(e), level + 1, iova);
      } else if (pteIsLeaf(e)) {
        if ((fmt.pgsizeBitmap & span) === 0) out.push(`H18: ${pt.label}: a 0x${span.toString(16)}-byte leaf at IOVA 0x${iova.toString(16)}, a size the format does not allow`);
        if ((ptePfn(e) * 4096) % span !== 0) out.push(`H18: ${pt.label}: leaf at IOVA 0x${iova.toString(16)} outputs 0x${(ptePfn(e) * 4096).toString(16)}, not aligned to its size`);
        if ((pteFlags(e) & 12) === 0) out.push(`H18: ${pt.label}: leaf at IOVA 0x${iova.toString(16)} grants neither read nor write`);
      }
    }
  };
  visit(pt.root, 0, 0);
  return out;
}
