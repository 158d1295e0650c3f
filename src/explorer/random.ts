// Seeded random walk: each execution picks uniformly among runnable threads. Execution i uses
// its own seed derived from (seed, i), so a run is reproducible and splittable.
import type { Chooser, Execution } from '../rt/execution.js';
import type { Thread } from '../rt/thread.js';
import { executionSeed, mulberry32 } from './rng.js';
import type { Strategy } from './strategy.js';

export class RandomStrategy implements Strategy, Chooser {
  readonly name: string;
  readonly exhaustive = false;
  private i = 0;
  private rng: () => number = Math.random;

  constructor(
    private readonly seed: number,
    private readonly executions: number,
    /** probability that an allocation fails, in "failures as choices" mode */
    private readonly failRate = 0.2,
  ) {
    this.name = `random(seed=${seed})`;
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
