// Invalidation generations of a cache, per key and for the whole cache (fence-log.ts explains
// what they are for). A key's generation as a DMA sees it is the sum, so an invalidation of the
// whole cache moves every key's.
import type { UsedKey } from './fence-log.js';

export class Generations {
  private readonly perKey = new Map<number, number>();
  private whole = 0;

  constructor(
    /** prefix of the keys in fence logs (the cache's object id) */
    readonly prefix: string,
  ) {}

  of(key: number): number {
    return (this.perKey.get(key) ?? 0) + this.whole;
  }

  bump(key: number): UsedKey {
    const g = (this.perKey.get(key) ?? 0) + 1;
    this.perKey.set(key, g);
    return { key: `${this.prefix}:${key}`, gen: g + this.whole };
  }

  /** an invalidation of every key (the fence completes the whole-cache key) */
  bumpAll(): UsedKey {
    this.whole++;
    return { key: `${this.prefix}:*`, gen: this.whole };
  }

  /** what a DMA records when it uses `key`: the key's own generation and the whole cache's */
  used(key: number, out: UsedKey[]): void {
    out.push({ key: `${this.prefix}:${key}`, gen: (this.perKey.get(key) ?? 0) + this.whole }, { key: `${this.prefix}:*`, gen: this.whole });
  }
}
