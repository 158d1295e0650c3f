// unmap_pages of an IO page table (hardware.md §3.3, iommupt semantics): never splits a leaf (an
// unmap starting inside a leaf removes nothing and returns 0), removes a whole leaf that the range
// ends inside of (more bytes than asked), stops at the first hole, and detaches every table the
// range covers whole once it is empty, putting its page on the gather's freelist (freed only
// after the walk-covering invalidation, H4). In steps: one step per table page visited (it reads
// and clears the run of leaves it holds in the range), one more to detach an emptied table.
import { type Gen, hwStep, hwStepDone } from '../../sync/index.js';
import { entryField, type PhysPage } from '../memory/page.js';
import { levelShift, pow2, tableIndex } from './format.js';
import { ptGatherAdd, type PtGather } from './gather.js';
import { tableEmpty } from './map.js';
import type { IoPgtable } from './pgtable.js';
import { pteIsLeaf, pteIsTable, ptePfn } from './pte.js';

interface UnmapState {
  readonly start: number;
  readonly end: number;
  cur: number;
  unmapped: number;
  stopped: boolean;
}

export function* ptUnmap(
  pt: IoPgtable,
  iova: number,
  pgsize: number,
  pgcount: number,
  gather: PtGather,
  stepped: boolean,
): Gen<number> {
  const st: UnmapState = { start: iova, end: iova + pgsize * pgcount, cur: iova, unmapped: 0, stopped: false };
  if (st.end > 2 ** pt.fmt.ias) return 0;
  yield* unmapIn(pt, pt.mem.page(pt.root), 0, st, gather, stepped);
  return st.unmapped;
}

function* unmapIn(pt: IoPgtable, page: PhysPage, level: number, st: UnmapState, gather: PtGather, stepped: boolean): Gen {
  const shift = levelShift(pt.fmt, level);
  const span = pow2(shift);
  const pageSpan = span * 512;
  const pageEnd = Math.floor(st.cur / pageSpan) * pageSpan + pageSpan;
  while (!st.stopped && st.cur < st.end && st.cur < pageEnd) {
    const first = tableIndex(st.cur, shift);
    const last = tableIndex(Math.min(st.end, pageEnd) - 1, shift);
    const site = stepped ? yield* hwStep(page, first === last ? entryField(first) : null, 'write', 'pt_clear_leaves') : null;
    const ptes = page.ptes!;
    let i = first;
    for (; i <= last; i++) {
      const e = ptes[i]!;
      const base = Math.floor(st.cur / span) * span;
      if (e === 0 || (pteIsLeaf(e) && base !== st.cur)) {
        st.stopped = true; // a hole, or a leaf the range starts inside of (no split)
        hwStepDone(site);
        return;
      }
      if (pteIsTable(e)) break;
      ptes[i] = 0;
      ptGatherAdd(gather, base, span);
      st.unmapped += span;
      st.cur = base + span;
    }
    hwStepDone(site);
    if (i > last) continue;
    // a table: descend, then detach it if the range covered it whole and it is empty now
    const e = ptes[i]!;
    const base = Math.floor(st.cur / span) * span;
    const child = pt.mem.page(ptePfn(e));
    yield* unmapIn(pt, child, level + 1, st, gather, stepped);
    if (base >= st.start && base + span <= st.end && tableEmpty(child.ptes!)) {
      const site = stepped ? yield* hwStep(page, entryField(i), 'write', 'pt_clear_table') : null;
      if (ptes[i] === e) {
        ptes[i] = 0;
        gather.freelist.push(child.pfn);
        ptGatherAdd(gather, base, span);
      }
      hwStepDone(site);
    }
  }
}
