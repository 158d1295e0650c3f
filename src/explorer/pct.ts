// PCT (Burckhardt et al., ASPLOS 2010): random thread priorities plus d-1 random priority-change
// points; the highest-priority runnable thread always runs. Finds a bug of depth d with
// probability at least 1/(n k^(d-1)) per execution, for n threads and k steps.
// k is learned from the executions seen, within blocks of `pctBlock` executions: execution i
// depends only on (seed, i) and the executions of its block before it, so the search splits at
// block boundaries (workers, shards) with the same result.
import type { Chooser, Execution } from '../rt/execution.js';
import type { Thread } from '../rt/thread.js';
import type { RangeState } from './random.js';
import { executionSeed, mulberry32 } from './rng.js';
import type { Strategy } from './strategy.js';

export const pctBlock = 1024;
export const pctInitialK = 32;

/** The rest of a PCT search: the next execution and the k learned so far in its block. */
export interface PctState extends RangeState {
  readonly k: number;
}

export class PctStrategy implements Strategy, Chooser {
  readonly name: string;
  readonly exhaustive = false;
  private i: number;
  private rng: () => number = Math.random;
  /** priority per thread index; higher runs first */
  private priority: number[] = [];
  /** steps at which the running thread's priority drops, ascending */
  private changes: number[] = [];
  private nextChange = 0;
  /** longest execution seen, the k of PCT */
  private maxSteps: number;

  constructor(
    private readonly seed: number,
    private readonly executions: number,
    private readonly depth = 3,
    private readonly failRate = 0.2,
    from?: PctState,
  ) {
    this.name = `pct(seed=${seed},d=${depth})`;
    this.i = from?.next ?? 0;
    this.maxSteps = from?.k ?? pctInitialK;
  }

  save(): PctState | null {
    return this.i < this.executions
      ? { next: this.i, end: this.executions, k: this.i % pctBlock === 0 ? pctInitialK : this.maxSteps }
      : null;
  }

  next(): Chooser | null {
    if (this.i >= this.executions) return null;
    if (this.i % pctBlock === 0) this.maxSteps = pctInitialK;
    this.rng = mulberry32(executionSeed(this.seed, this.i++));
    this.priority = [];
    this.changes = [];
    for (let j = 0; j < this.depth - 1; j++) this.changes.push(1 + Math.floor(this.rng() * this.maxSteps));
    this.changes.sort((a, b) => a - b);
    this.nextChange = 0;
    return this;
  }

  finished(exec: Execution): void {
    if (exec.steps > this.maxSteps) this.maxSteps = exec.steps;
  }

  pickThread(enabled: readonly Thread[], exec: Execution): Thread {
    const prio = this.priority;
    while (this.nextChange < this.changes.length && this.changes[this.nextChange]! <= exec.steps) {
      // lower the thread that just ran below every initial priority: d-1 ... 1
      if (exec.last !== null) prio[exec.last.idx] = this.depth - 1 - this.nextChange;
      this.nextChange++;
    }
    let best = enabled[0]!;
    let bestPrio = -1;
    for (const t of enabled) {
      let p = prio[t.idx];
      if (p === undefined) {
        // a thread seen for the first time gets a random initial priority above every change value
        p = prio[t.idx] = this.depth + this.rng();
      }
      if (p > bestPrio) {
        bestPrio = p;
        best = t;
      }
    }
    return best;
  }

  pickFail(): boolean {
    return this.rng() < this.failRate;
  }
}
