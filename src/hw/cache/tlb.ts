// An IOMMU's TLB: leaf translations and walk-cache entries, grouped by tag (SMMUv3: ASID+VMID for
// stage 1, VMID for stage 2; VT-d: DID and PASID). Filled by translations, emptied only by
// invalidations. Tags fall into groups (SMMUv3: each tag its own; VT-d: all tags of a DID, since
// its invalidations address a DID): an op names the group's field, and an invalidation that spans
// groups (by VMID, global) names the whole TLB, so DMAs through independent groups commute. Tags
// are numbers the unit composes; `invalidateMatching` takes a predicate on them. The entries are
// kept per group (`groups[g]`, the field the ops name), so what a step touches is what its op
// names (the yield rule's checker).
import { KObject } from '../../sync/index.js';
import type { UsedKey } from './fence-log.js';
import { Generations } from './gens.js';
import { type CachedLeaf, LeafCache } from './leaf-cache.js';

export class Tlb extends KObject {
  /** group -> tag -> its entries */
  private readonly groups = new Map<number, Map<number, LeafCache>>();
  readonly gens: Generations;

  constructor(
    readonly name: string,
    /** the group of a tag (what ops name and generations count); default: the tag itself */
    readonly groupOf: (tag: number) => number = (t) => t,
  ) {
    super();
    this.gens = new Generations(`tlb${this.oid}`);
  }

  override get label(): string {
    return this.name;
  }

  /** the field an op names for `tag` (its group's) */
  field(tag: number): string {
    // (no memo of the names: a memo shared by the threads would be state the yield rule sees)
    return `groups[${this.groupOf(tag)}]`;
  }

  /** the invalidation generation of `tag` as a DMA sees it */
  gen(tag: number): number {
    return this.gens.of(this.groupOf(tag));
  }

  /** record that a DMA used `tag` */
  used(tag: number, out: UsedKey[]): void {
    this.gens.used(this.groupOf(tag), out);
  }

  /** the entries of `tag`, or null when nothing is cached for it */
  entries(tag: number): LeafCache | null {
    return this.groups.get(this.groupOf(tag))?.get(tag) ?? null;
  }

  private make(tag: number): LeafCache {
    const g = this.groupOf(tag);
    let m = this.groups.get(g);
    if (m === undefined) {
      m = new Map();
      this.groups.set(g, m);
    }
    let c = m.get(tag);
    if (c === undefined) {
      c = new LeafCache();
      m.set(tag, c);
    }
    return c;
  }

  lookup(tag: number, iova: number): CachedLeaf | null {
    const c = this.entries(tag);
    return c === null ? null : c.lookup(iova);
  }

  insert(tag: number, leaf: CachedLeaf): void {
    this.make(tag).insert(leaf);
  }

  walkInsert(tag: number, shift: number, iova: number, pfn: number, level: number, root: number): void {
    this.make(tag).walkInsert(shift, iova, pfn, level, root);
  }

  negativeInsert(tag: number, iova: number): void {
    this.make(tag).negativeInsert(iova);
  }

  // ---- invalidation: each returns the generations a fence completes

  /** everything of one tag (TLBI_NH_ASID, TLBI_S2 by VMID of one S2 tag, DSI of a DID) */
  invalidateTag(tag: number): UsedKey {
    const m = this.groups.get(this.groupOf(tag));
    m?.get(tag)?.clear();
    m?.delete(tag);
    return this.gens.bump(this.groupOf(tag));
  }

  /** [start, last] of one tag; leafOnly keeps the walk cache */
  invalidateRange(tag: number, start: number, last: number, leafOnly: boolean): UsedKey {
    this.entries(tag)?.invalidateRange(start, last, leafOnly);
    return this.gens.bump(this.groupOf(tag));
  }

  /** the tags of one group `match` accepts, whole or [start, last] (an op on the group's field) */
  invalidateInGroup(
    group: number,
    match: (tag: number) => boolean,
    range: { start: number; last: number; leafOnly: boolean } | null = null,
  ): UsedKey {
    const m = this.groups.get(group);
    if (m !== undefined) Tlb.invalidateIn(m, match, range);
    return this.gens.bump(group);
  }

  /** every tag `match` accepts, whole or [start, last] (an op on the whole TLB) */
  invalidateMatching(
    match: (tag: number) => boolean,
    range: { start: number; last: number; leafOnly: boolean } | null = null,
  ): UsedKey {
    for (const m of this.groups.values()) Tlb.invalidateIn(m, match, range);
    return this.gens.bumpAll();
  }

  private static invalidateIn(
    m: Map<number, LeafCache>,
    match: (tag: number) => boolean,
    range: { start: number; last: number; leafOnly: boolean } | null,
  ): void {
    for (const [tag, c] of [...m]) {
      if (!match(tag)) continue;
      if (range === null) {
        c.clear();
        m.delete(tag);
      } else c.invalidateRange(range.start, range.last, range.leafOnly);
    }
  }

  invalidateAll(): UsedKey {
    for (const m of this.groups.values()) for (const c of m.values()) c.clear();
    this.groups.clear();
    return this.gens.bumpAll();
  }

  /** every tag and what it holds (checks) */
  forEachTag(f: (tag: number, c: LeafCache) => void): void {
    for (const m of this.groups.values()) for (const [t, c] of m) f(t, c);
  }

  /** every translation held, with its tag (HwIommu.cachedLeaves) */
  heldLeaves(): Array<{ readonly tag: number; readonly leaf: CachedLeaf }> {
    const out: Array<{ tag: number; leaf: CachedLeaf }> = [];
    this.forEachTag((tag, c) => {
      for (const leaf of c.all()) out.push({ tag, leaf });
    });
    return out;
  }

  /** tags with anything cached (checks) */
  liveTags(): number[] {
    const out: number[] = [];
    this.forEachTag((t, c) => {
      if (!c.empty) out.push(t);
    });
    return out;
  }
}
