// A PCI function's Address Translation Cache (ATS): translation completions it received, per PASID
// (or none), kept until an ATS invalidation or a reset clears them. Lives in the endpoint: ops on
// it name the endpoint (a DMA's first step reads the whole endpoint: reset state, ATS enable and
// ATC together).
import type { UsedKey } from './fence-log.js';
import { Generations } from './gens.js';
import { type CachedLeaf, LeafCache } from './leaf-cache.js';

/** the ATC key of a PASID (no PASID: 0) */
function keyOf(pasid: number | null): number {
  return pasid === null ? 0 : pasid + 1;
}

export class DeviceAtc {
  private readonly byPasid = new Map<number, LeafCache>();
  readonly gens: Generations;

  constructor(prefix: string) {
    this.gens = new Generations(prefix);
  }

  get size(): number {
    let n = 0;
    for (const c of this.byPasid.values()) n += c.size;
    return n;
  }

  lookup(pasid: number | null, iova: number): CachedLeaf | null {
    return this.byPasid.get(keyOf(pasid))?.lookup(iova) ?? null;
  }

  insert(pasid: number | null, leaf: CachedLeaf): void {
    const k = keyOf(pasid);
    let c = this.byPasid.get(k);
    if (c === undefined) {
      c = new LeafCache();
      this.byPasid.set(k, c);
    }
    c.insert(leaf);
  }

  /**
   * An ATS invalidation: `pasid` undefined hits every PASID and the untagged entries (an
   * invalidation without a PASID prefix, hardware.md §1.9 [likely]); `range` null is all of it.
   */
  invalidate(pasid: number | null | undefined, range: { start: number; last: number } | null): UsedKey {
    const one = pasid === undefined ? undefined : this.byPasid.get(keyOf(pasid));
    const targets = pasid === undefined ? [...this.byPasid.values()] : one === undefined ? [] : [one];
    for (const c of targets) {
      if (range === null) c.clear();
      else c.invalidateRange(range.start, range.last, true);
    }
    return this.gens.bumpAll();
  }

  /** lost at reset */
  clear(): void {
    this.byPasid.clear();
    this.gens.bumpAll();
  }

  /** every cached translation with its PASID (checks) */
  all(): Array<{ pasid: number | null; leaf: CachedLeaf }> {
    const out: Array<{ pasid: number | null; leaf: CachedLeaf }> = [];
    for (const [k, c] of this.byPasid) for (const leaf of c.all()) out.push({ pasid: k === 0 ? null : k - 1, leaf });
    return out;
  }

  /** what a DMA records when it consults the ATC */
  used(out: UsedKey[]): void {
    this.gens.used(0, out);
  }
}
