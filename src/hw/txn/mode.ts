// How a translation runs: in explorer steps (every hardware read a yielded Dma op, every cache
// fill and event a write), at once (setup, fast path fallbacks), or as a probe that changes
// nothing (what a DMA would get now: no fills, no events; checkers use it).
export interface TxnMode {
  readonly stepped: boolean;
  /** fill caches with what the walk found */
  readonly fill: boolean;
  /** write fault records / events */
  readonly record: boolean;
}

export const MODE_STEPS: TxnMode = { stepped: true, fill: true, record: true };
export const MODE_NOW: TxnMode = { stepped: false, fill: true, record: true };
export const MODE_PROBE: TxnMode = { stepped: false, fill: false, record: false };
