// Seeded random walk: each execution picks uniformly among runnable threads. Execution i uses
// its own seed derived from (seed, i), so a run is reproducible and splittable: a strategy
// started at `first` runs executions first..executions-1 exactly as the whole search would.
import type { Chooser, Execution } from '../rt/execution.js';
import type { Thread } from '../rt/thread.js';
import { executionSeed, mulberry32 } from './rng.js';
import type { Strategy } from './strategy.js';

/** The rest of a seeded search: executions next..end-1. */
export interface RangeState {
  readonly next: number;
  readonly end: number;
}

export class RandomStrategy implements Strategy, Chooser {
  readonly name: string;
  readonly exhaustive = false;
  private i: number;
  private rng: () => number = Math.random;

  constructor(
    private readonly seed: number,
    private readonly executions: number,
    /** probability that an allocation fails, in "failures as choices" mode */
    private readonly failRate = 0.2,
    first = 0,
  ) {
    this.name = `random(seed=${seed})`;
    this.i = first;
  }

  /** The rest of the search, or null when no execution is left. */
  save(): RangeState | null {
    return this.i < this.executions ? { next: this.i, end: this.executions } : null;
  }

  next(): Chooser | null {
    if (this.i >= this.executions) return null;
    this.rng = mulberry32(executionSeed(this.seed, this.i++));
    return this;
  }

  finished(_exec: Execution): void {}

  pickThread(enabled: readonly Thread[]): Thread {
    return enabled[Math.floor(this.rng() * enabled.length)]!;
  }

  pickFail(): boolean {
    return this.rng() < this.failRate;
  }
}
