// map_pages of an IO page table (hardware.md §3.2, iommupt semantics): `pgcount` leaves of
// `pgsize` from `iova` to `pa`. Missing tables are allocated (a fault point) and installed with a
// cmpxchg (a loser frees its page and uses the winner's); an occupied slot fails the whole chunk
// with the format's overlap errno and leaves it unchanged; a valid leaf is never changed in place.
// In steps, each table entry read while descending is a read of that entry, and the leaves that go
// into one table page are written in one step (naming the entry, or the whole page for several).
import { EINVAL, ENOMEM, ERANGE, type Gen, hwStep, hwStepDone, WARN_ON } from '../../sync/index.js';
import { IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';
import { entryField } from '../memory/page.js';
import { freePages } from '../memory/phys-memory.js';
import { leafLevel, levelShift, tableIndex } from './format.js';
import { allocTablePage, type IoPgtable } from './pgtable.js';
import { protToPte, pteIsLeaf, pteIsTable, pteLeaf, ptePfn, pteTable } from './pte.js';

export interface PtMapResult {
  /** 0 or -errno */
  readonly ret: number;
  /** bytes mapped, also on error */
  readonly mapped: number;
  /** empty tables a large leaf replaced: free them after the next walk-covering invalidation */
  readonly freelist: readonly number[];
}

export function tableEmpty(ptes: readonly number[]): boolean {
  for (let i = 0; i < 512; i++) if (ptes[i] !== 0) return false;
  return true;
}

export function* ptMap(
  pt: IoPgtable,
  iova: number,
  pa: number,
  pgsize: number,
  pgcount: number,
  prot: number,
  stepped: boolean,
): Gen<PtMapResult> {
  const fmt = pt.fmt;
  const mem = pt.mem;
  const freelist: number[] = [];
  const size = pgsize * pgcount;
  if ((prot & (IOMMU_READ | IOMMU_WRITE)) === 0) {
    if (stepped) WARN_ON(true, 'WARN_ON(!(prot & (IOMMU_READ | IOMMU_WRITE)))');
    return { ret: -EINVAL, mapped: 0, freelist };
  }
  const leaf = leafLevel(fmt, pgsize);
  const aligned = iova % pgsize === 0 && pa % pgsize === 0;
  if (leaf < 0 || (fmt.pgsizeBitmap & pgsize) === 0 || !aligned) return { ret: -EINVAL, mapped: 0, freelist };
  if (iova + size > 2 ** fmt.ias || pa + size > 2 ** fmt.oas) return { ret: -ERANGE, mapped: 0, freelist };
  const flags = protToPte(prot);
  let n = 0;
  while (n < pgcount) {
    const cur = iova + n * pgsize;
    let page = mem.page(pt.root);
    for (let l = 0; l < leaf; l++) {
      const i = tableIndex(cur, levelShift(fmt, l));
      if (stepped) yield* hwStep(page, entryField(i), 'read', 'pt_load_entry');
      let e = page.ptes![i]!;
      if (pteIsLeaf(e)) return overlap(pt, n * pgsize, freelist, stepped);
      if (e === 0) {
        const pfn = yield* allocTablePage(pt, stepped);
        if (pfn === null) return { ret: -ENOMEM, mapped: n * pgsize, freelist };
        if (stepped) yield* hwStep(page, entryField(i), 'write', 'pt_install_table');
        e = page.ptes![i]!;
        if (e === 0) {
          e = pteTable(pfn);
          page.ptes![i] = e;
        } else {
          // lost the cmpxchg: the table was never visible, free it now
          if (stepped) yield* freePages(mem, pfn);
          else mem.freeNow(pfn);
          if (pteIsLeaf(e)) return overlap(pt, n * pgsize, freelist, stepped);
        }
      }
      page = mem.page(ptePfn(e));
    }
    const i0 = tableIndex(cur, levelShift(fmt, leaf));
    const k = Math.min(pgcount - n, 512 - i0);
    const site = stepped ? yield* hwStep(page, k === 1 ? entryField(i0) : null, 'write', 'pt_set_leaves') : null;
    const ptes = page.ptes!;
    for (let j = 0; j < k; j++) {
      const e = ptes[i0 + j]!;
      if (pteIsLeaf(e) || (pteIsTable(e) && !tableEmpty(mem.page(ptePfn(e)).ptes!))) return overlap(
        pt,
        n * pgsize,
        freelist,
        stepped,
      );
    }
    for (let j = 0; j < k; j++) {
      const e = ptes[i0 + j]!;
      if (pteIsTable(e)) freelist.push(ptePfn(e));
      ptes[i0 + j] = pteLeaf(pa + (n + j) * pgsize, flags);
    }
    hwStepDone(site);
    n += k;
  }
  return { ret: 0, mapped: size, freelist };
}

function overlap(pt: IoPgtable, mapped: number, freelist: number[], stepped: boolean): PtMapResult {
  if (pt.fmt.overlapWarns && stepped) WARN_ON(true, 'WARN_ON(!iopte_leaf && !pte_empty): map over an existing mapping');
  return { ret: pt.fmt.overlapErrno, mapped, freelist };
}
