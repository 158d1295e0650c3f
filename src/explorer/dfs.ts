// Exhaustive depth-first search over choice sequences, by re-execution: each execution replays
// the prefix of the previous one and takes the next untried option at the deepest choice point.
// With a preemption bound, a choice that would switch away from a runnable thread once the
// bound is used up is pruned (and the search is then exhaustive only within the bound).
// The frames stack is the whole frontier: save() hands it out as plain data and the constructor
// takes it back, restricted to the subtrees at or below `floor` (work items, checkpoints).
import type { Chooser, Execution } from '../rt/execution.js';
import type { Thread } from '../rt/thread.js';
import type { Strategy } from './strategy.js';

interface Frame {
  /** thread indexes, or [0, 1] (succeed, fail) for an allocation */
  readonly options: number[];
  index: number;
}

/**
 * The rest of a DFS, as plain data: the next execution follows `frames` (then takes the first
 * option at every new choice point); frames below `floor` are fixed, so the search covers the
 * subtrees of options index.. of frames[floor], or just the subtree under frames when
 * floor === frames.length.
 */
export interface DfsState {
  readonly frames: ReadonlyArray<{ readonly options: readonly number[]; readonly index: number }>;
  readonly floor: number;
  /** a choice was pruned by the preemption bound somewhere on the way here */
  readonly pruned: boolean;
}

export class DfsStrategy implements Strategy, Chooser {
  readonly name: string;
  private readonly frames: Frame[] = [];
  private readonly floor: number = 0;
  private depth = 0;
  private started = false;
  private pruned = false;
  private done = false;

  constructor(
    private readonly preemptionBound: number = Number.POSITIVE_INFINITY,
    from?: DfsState,
  ) {
    this.name = Number.isFinite(preemptionBound) ? `dfs(preemptions<=${preemptionBound})` : 'dfs';
    if (from !== undefined) {
      this.frames = from.frames.map((f) => ({ options: f.options.slice(), index: f.index }));
      this.floor = from.floor;
      this.pruned = from.pruned;
    }
  }

  get exhaustive(): boolean {
    return this.done && !this.pruned;
  }

  next(): Chooser | null {
    if (this.started && !advance(this.frames, this.floor)) {
      this.done = true;
      return null;
    }
    this.started = true;
    this.depth = 0;
    return this;
  }

  /** The rest of the search (between executions), or null when nothing is left. */
  save(): DfsState | null {
    const frames = this.frames.map((f) => ({ options: f.options, index: f.index }));
    if (this.done || (this.started && !advance(frames, this.floor))) return null;
    return { frames, floor: this.floor, pruned: this.pruned };
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
    // switching away from a thread that went to sleep (msleep) is no preemption
    if (lastRunnable && exec.sleeper !== last && exec.preemptions >= this.preemptionBound) {
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

/** Move `frames` to the next execution: backtrack to the deepest frame at or above `floor` with an untried option. */
function advance(frames: Frame[], floor: number): boolean {
  while (frames.length > floor && frames[frames.length - 1]!.index + 1 >= frames[frames.length - 1]!.options.length) {
    frames.pop();
  }
  if (frames.length <= floor) return false;
  frames[frames.length - 1]!.index++;
  return true;
}
