// A set of cached leaf translations of one tag (an IOTLB tag, or one PASID of a device ATC):
// IOVA ranges of 4K, 2M or 1G to an output address with the leaf's flags, plus the walk
// (paging-structure) cache: which table frame covers an IOVA prefix at a level, and, for caching
// mode, negative entries (a page whose walk found nothing). Entries stay until invalidated:
// nothing here ages them out, so a missing invalidation leaves a stale entry a later DMA uses.

/** one cached leaf */
export interface CachedLeaf {
  /** IOVA of the start of the leaf */
  readonly iova: number;
  readonly size: number;
  /** output address of the start of the leaf */
  readonly out: number;
  /** PTE flags (pgtable/pte.ts) */
  readonly flags: number;
  /** frame of the root the walk started from (H6: the tag's owner when it was filled) */
  readonly root: number;
}

const SIZES = [0x1000, 0x200000, 0x40000000];

/** a cached pointer to a table: its frame and level */
export interface WalkEntry {
  readonly pfn: number;
  readonly level: number;
  /** frame of the root the walk that filled it started from */
  readonly root: number;
}

function keyOf(iova: number, size: number): number {
  return Math.floor(iova / size);
}

export class LeafCache {
  /** per size class (4K, 2M, 1G): IOVA / size -> leaf */
  private readonly leaves: Array<Map<number, CachedLeaf>> = [new Map(), new Map(), new Map()];
  /**
   * walk cache: per span (log2) of the entry pointing at a cached table, IOVA / span -> that table
   * (its frame and level). Keyed by span, not level, so a range invalidation needs no format.
   */
  private readonly walks = new Map<number, Map<number, WalkEntry>>();
  /** negative entries (caching mode): 4K page index */
  private readonly negative = new Set<number>();

  get size(): number {
    return this.leaves[0]!.size + this.leaves[1]!.size + this.leaves[2]!.size;
  }

  get empty(): boolean {
    return this.size === 0 && this.walks.size === 0 && this.negative.size === 0;
  }

  lookup(iova: number): CachedLeaf | null {
    const l = this.leaves;
    if (l[0]!.size > 0) {
      const e = l[0]!.get(iova < 2147483648 ? iova >>> 12 : Math.floor(iova / 0x1000));
      if (e !== undefined) return e;
    }
    if (l[1]!.size > 0) {
      const e = l[1]!.get(iova < 2147483648 ? iova >>> 21 : Math.floor(iova / 0x200000));
      if (e !== undefined) return e;
    }
    if (l[2]!.size > 0) {
      const e = l[2]!.get(Math.floor(iova / 0x40000000));
      if (e !== undefined) return e;
    }
    return null;
  }

  insert(e: CachedLeaf): void {
    const c = SIZES.indexOf(e.size);
    if (c < 0) throw new Error(`cache: leaf of 0x${e.size.toString(16)} bytes`);
    this.leaves[c]!.set(keyOf(e.iova, e.size), e);
    this.negative.delete(keyOf(e.iova, 0x1000));
  }

  /** the deepest cached table covering `iova` */
  walkLookup(iova: number): WalkEntry | null {
    if (this.walks.size === 0) return null;
    let best: WalkEntry | null = null;
    let bestShift = Infinity;
    for (const [shift, m] of this.walks) {
      if (shift >= bestShift) continue;
      const e = m.get(Math.floor(iova / 2 ** shift));
      if (e !== undefined) {
        best = e;
        bestShift = shift;
      }
    }
    return best;
  }

  /** cache that the table at `level` covering `iova` (an entry span of 2^shift) is frame `pfn` */
  walkInsert(shift: number, iova: number, pfn: number, level: number, root: number): void {
    let m = this.walks.get(shift);
    if (m === undefined) {
      m = new Map();
      this.walks.set(shift, m);
    }
    m.set(Math.floor(iova / 2 ** shift), { pfn, level, root });
  }

  /** the table frames the walk cache holds */
  walkFrames(): number[] {
    const out: number[] = [];
    for (const m of this.walks.values()) for (const e of m.values()) out.push(e.pfn);
    return out;
  }

  negativeLookup(iova: number): boolean {
    return this.negative.size > 0 && this.negative.has(keyOf(iova, 0x1000));
  }

  negativeInsert(iova: number): void {
    this.negative.add(keyOf(iova, 0x1000));
  }

  /**
   * Drop what overlaps [start, last] (inclusive). `leafOnly` keeps walk entries (TLBI leaf=1,
   * IH=1); otherwise walk entries whose covered range overlaps go too.
   */
  invalidateRange(start: number, last: number, leafOnly: boolean): void {
    for (let c = 0; c < 3; c++) {
      const m = this.leaves[c]!;
      if (m.size === 0) continue;
      const size = SIZES[c]!;
      const k0 = keyOf(start, size);
      const k1 = keyOf(last, size);
      if (k1 - k0 + 1 < m.size) {
        for (let k = k0; k <= k1; k++) m.delete(k);
      } else {
        for (const k of [...m.keys()]) if (k >= k0 && k <= k1) m.delete(k);
      }
    }
    if (this.negative.size > 0) {
      const k0 = keyOf(start, 0x1000);
      const k1 = keyOf(last, 0x1000);
      for (const k of [...this.negative]) if (k >= k0 && k <= k1) this.negative.delete(k);
    }
    if (leafOnly || this.walks.size === 0) return;
    for (const [shift, m] of this.walks) {
      const k0 = keyOf(start, 2 ** shift);
      const k1 = keyOf(last, 2 ** shift);
      for (const k of [...m.keys()]) if (k >= k0 && k <= k1) m.delete(k);
    }
  }

  clear(): void {
    for (const m of this.leaves) m.clear();
    this.walks.clear();
    this.negative.clear();
  }

  /** every cached leaf (checks) */
  all(): CachedLeaf[] {
    return [...this.leaves[0]!.values(), ...this.leaves[1]!.values(), ...this.leaves[2]!.values()];
  }
}
