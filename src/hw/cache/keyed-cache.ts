// A configuration cache: entries keyed by a number (SMMUv3: StreamID -> STE and its CDs; VT-d:
// source-id -> context entry, PASID -> PASID entries). Each key is its own field for the ops, so
// a lookup for one stream commutes with an invalidation of another; the field is `lines[key]`,
// the line the op touches, so the yield rule's checker sees the op cover it.
import { KObject } from '../../sync/index.js';
import type { UsedKey } from './fence-log.js';
import { Generations } from './gens.js';

export class KeyedCache<V> extends KObject {
  private readonly lines = new Map<number, V>();
  readonly gens: Generations;

  constructor(readonly name: string) {
    super();
    this.gens = new Generations(`cfg${this.oid}`);
  }

  override get label(): string {
    return this.name;
  }

  field(key: number): string {
    return `lines[${key}]`;
  }

  get(key: number): V | undefined {
    return this.lines.get(key);
  }

  set(key: number, v: V): void {
    this.lines.set(key, v);
  }

  /** drop one line (or change it with `edit`): an invalidation of `key` */
  invalidate(key: number, edit?: (v: V) => V | undefined): UsedKey {
    const v = this.lines.get(key);
    if (v !== undefined) {
      const n = edit === undefined ? undefined : edit(v);
      if (n === undefined) this.lines.delete(key);
      else this.lines.set(key, n);
    }
    return this.gens.bump(key);
  }

  /** an invalidation of every line `match` accepts (an op on the whole cache) */
  invalidateMatching(match: (key: number, v: V) => boolean, edit?: (v: V) => V | undefined): UsedKey {
    for (const [k, v] of [...this.lines]) {
      if (!match(k, v)) continue;
      const n = edit === undefined ? undefined : edit(v);
      if (n === undefined) this.lines.delete(k);
      else this.lines.set(k, n);
    }
    return this.gens.bumpAll();
  }

  keys(): number[] {
    return [...this.lines.keys()];
  }

  entries(): Array<[number, V]> {
    return [...this.lines];
  }
}
