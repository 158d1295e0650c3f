// How a translation runs: in explorer steps (every hardware read a yielded Dma op, every cache
// fill and event a write), at once (setup, fast path fallbacks), as a probe that changes nothing
// (what a DMA would get now: no fills, no events), or fresh (memory only, caches ignored): the
// last two are what checkers compare. A mode with `reads` (not stepped) collects, in order, the
// locations a stepped translation would name in its steps: what an atomic DMA step declares
// (txn/atomic.ts).
import type { Access } from '../../sync/index.js';

export interface TxnMode {
  readonly stepped: boolean;
  /** fill caches with what the walk found */
  readonly fill: boolean;
  /** write fault records / events */
  readonly record: boolean;
  /** consult the caches (false: translate from memory alone, what the tables say now) */
  readonly cached: boolean;
  /** when not stepped: where to note each location a step would read (lookups, entry fetches, walk reads) */
  readonly reads?: Access[];
}

export const MODE_STEPS: TxnMode = { stepped: true, fill: true, record: true, cached: true };
export const MODE_NOW: TxnMode = { stepped: false, fill: true, record: true, cached: true };
export const MODE_PROBE: TxnMode = { stepped: false, fill: false, record: false, cached: true };
/** from memory alone: the translation the tables give, whatever the caches hold (checkers) */
export const MODE_FRESH: TxnMode = { stepped: false, fill: false, record: false, cached: false };
