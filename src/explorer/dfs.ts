// Exhaustive depth-first search over choice sequences, by re-execution: each execution replays
// the prefix of the previous one and takes the next untried option at the deepest choice point.
// With a preemption bound, a choice that would switch away from a runnable thread once the
// bound is used up is pruned (and the search is then exhaustive only within the bound).
import type { Chooser, Execution } from '../rt/execution.js';
import type { Thread } from '../rt/thread.js';
import type { Strategy } from './strategy.js';

interface Frame {
  /** thread indexes, or [0, 1] (succeed, fail) for an allocation */
  readonly options: number[];
  index: number;
}

export class DfsStrategy implements Strategy, Chooser {
  readonly name: string;
  private readonly frames: Frame[] = [];
  private depth = 0;
  private started = false;
  private pruned = false;
  private done = false;

  constructor(private readonly preemptionBound: number = Number.POSITIVE_INFINITY) {
    this.name = Number.isFinite(preemptionBound) ? `dfs(preemptions<=${preemptionBound})` : 'dfs';
  }

  get exhaustive(): boolean {
    return this.done && !this.pruned;
  }

  next(): Chooser | null {
    if (this.started) {
      const frames = this.frames;
      while (frames.length > 0 && frames[frames.length - 1]!.index + 1 >= frames[frames.length - 1]!.options.length) {
        frames.pop();
      }
      if (frames.length === 0) {
        this.done = true;
        return null;
      }
      frames[frames.length - 1]!.index++;
    }
    this.started = true;
    this.depth = 0;
    return this;
  }

  finished(_exec: Execution): void {}

  pickThread(enabled: readonly Thread[], exec: Execution): Thread {
    const frame = this.frame(() => this.threadOptions(enabled, exec));
    const idx = frame.options[frame.index]!;
    for (let i = 0; i < enabled.length; i++) if (enabled[i]!.idx === idx) return enabled[i]!;
    throw new Error(`dfs: thread ${idx} is not runnable on re-execution: the scenario is not deterministic`);
  }

  pickFail(_exec: Execution): boolean {
    const frame = this.frame(() => [0, 1]);
    return frame.options[frame.index] === 1;
  }

  private frame(options: () => number[]): Frame {
    const d = this.depth++;
    if (d < this.frames.length) return this.frames[d]!;
    const f: Frame = { options: options(), index: 0 };
    this.frames.push(f);
    return f;
  }

  /** Continuing the last thread comes first, so the first failures found have few preemptions. */
  private threadOptions(enabled: readonly Thread[], exec: Execution): number[] {
    const last = exec.last;
    const lastRunnable = last !== null && enabled.includes(last);
    if (lastRunnable && exec.preemptions >= this.preemptionBound) {
      this.pruned = true;
      return [last.idx];
    }
    const options = enabled.map((t) => t.idx);
    if (lastRunnable) {
      options.splice(options.indexOf(last.idx), 1);
      options.unshift(last.idx);
    }
    return options;
  }
}
