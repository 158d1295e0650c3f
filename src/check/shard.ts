// Shards: `--shard i/n` runs a deterministic share of the work (whole scenarios, and ranges of
// the plan of each search); `iommulab merge` puts the shards' results back together.
import type { RangeOutcome } from '../explorer/parallel/explore-parallel.js';
import type { SweepResult } from '../explorer/faults.js';

export interface Shard {
  /** 1-based */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : null;
}

/**
 * Which shard runs entry `entry` of the plan of scenario `scenario` (both 0-based). Rotating by
 * the scenario spreads small scenarios, which are one entry, over the shards.
 */
export function shardOf(scenario: number, entry: number, count: number): number {
  return ((scenario + entry) % count) + 1;
}

/** How many parts a search is planned in when it is sharded n ways. */
export function planParts(count: number): number {
  return count === 1 ? 1 : 4 * count;
}

/** One shard's share of one scenario. */
export type ShardPart =
  | { readonly kind: 'search'; readonly planSize: number; readonly elapsedMs: number; readonly ranges: readonly RangeOutcome[] }
  /** a fail_nth sweep runs whole in the shard that owns it */
  | { readonly kind: 'sweep'; readonly result: SweepResult }
  | { readonly kind: 'elsewhere' };
