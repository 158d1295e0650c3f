// The fuzzer's random source: a seeded stream (mulberry32, explorer/rng.ts) with the draws the
// generators need. Every random decision of a campaign comes from a stream derived from the
// campaign seed and a purpose, so the same seed gives the same programs on any machine and any
// number of workers.
import { mulberry32 } from '../explorer/rng.js';

/** A 32-bit seed for `(seed, ...parts)`: independent streams for independent purposes. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  // the seed is mixed before the first part: XORed in plainly, small seeds would give
  // permutations of one set of programs (seed ^ k over a range of k is the same set for 1 and 2)
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

export class Rand {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** in [0, 1) */
  float(): number {
    return this.next();
  }

  /** an integer in [0, n) */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** an integer in [lo, hi] */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rand.pick: nothing to pick from');
    return items[this.below(items.length)]!;
  }

  /** one of `items` with probability proportional to its weight; null when every weight is 0 */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T | null {
    let total = 0;
    for (const [, w] of items) total += Math.max(0, w);
    if (total <= 0) return null;
    let x = this.next() * total;
    for (const [v, w] of items) {
      if (w <= 0) continue;
      x -= w;
      if (x < 0) return v;
    }
    return items.filter(([, w]) => w > 0).at(-1)![0];
  }

  /** each item kept with probability p, in order */
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }

  shuffle<T>(items: readonly T[]): T[] {
    const a = items.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}
