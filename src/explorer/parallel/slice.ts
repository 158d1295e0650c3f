// One slice of work: explore from a saved state for a bounded number of executions or time,
// and hand back what was found (a RangeResult) and what is left (a state, or null).
import type { Chooser, Execution, FaultPlan, Program } from '../../rt/execution.js';
import type { Deadline } from '../deadline.js';
import { explore, wallClockMs } from '../engine.js';
import type { Strategy } from '../strategy.js';
import { EdgeRecorder } from './edge-recorder.js';
import { familyFor, type StrategySpec } from './family.js';
import type { RangeResult } from './range.js';

/** Everything that defines a search besides its program, as plain JSON. */
export interface SearchSpec {
  readonly strategy: StrategySpec;
  readonly faults: FaultPlan;
  readonly warnFails: boolean;
  readonly maxSteps: number;
  readonly recordOps: boolean;
}

export interface SliceBudget {
  readonly maxExecutions: number;
  readonly timeMs: number;
  /** when the search started (engine.ts wallClockMs()), for the time a signature is first seen; default: the slice's start */
  readonly clockOrigin?: number;
  /**
   * The search's own limits, which end it for good (the budget above only pauses it): an
   * execution still running at `timeMs` is cut, and a strategy that cannot save its state (it
   * runs its part whole) stops at them. None: the part runs to its end.
   */
  readonly hard?: { readonly maxExecutions: number; readonly timeMs: number };
}

export interface SliceOutcome {
  readonly result: RangeResult;
  /** the rest of the part, or null when the slice finished it (or `cut` it) */
  readonly remaining: unknown;
  /** a strategy that cannot save stopped at the hard limits: the rest of its part is lost */
  readonly cut?: boolean;
}

/**
 * Strategies stopped at the end of a slice in this thread, by the state they saved. A slice from
 * that very state object (the next one, in-process) goes on with the live strategy rather than
 * one rebuilt from the state: the same executions follow either way (a resumed search is exact),
 * and rebuilding DPOR's frontier mid-run brings V8 objects of new shapes into its race analysis,
 * whose re-optimization cost ~5% of a search cut in 200 ms slices. Used once, then forgotten.
 */
const stopped = new WeakMap<object, { readonly strategy: Strategy; readonly program: Program<unknown> }>();

export function runSlice(program: Program<unknown>, spec: SearchSpec, state: unknown, budget: SliceBudget): SliceOutcome {
  const kept = typeof state === 'object' && state !== null ? stopped.get(state) : undefined;
  if (kept !== undefined) stopped.delete(state as object);
  const inner = kept?.program === program ? kept.strategy : familyFor(spec.strategy).create(state);
  const clockOrigin = budget.clockOrigin ?? wallClockMs();
  const recorder = new EdgeRecorder(() => wallClockMs() - clockOrigin);
  // a strategy that cannot save its state runs its part whole, within the search's limits
  const hard = budget.hard ?? { maxExecutions: Infinity, timeMs: Infinity };
  const slice = new SliceStrategy(inner, recorder, inner.save === undefined ? hard : budget);
  const r = explore(program, slice, {
    faults: spec.faults,
    warnFails: spec.warnFails,
    maxSteps: spec.maxSteps,
    recordOps: spec.recordOps,
    maxExecutions: Number.POSITIVE_INFINITY,
    timeLimitMs: hard.timeMs,
    stopOnFirst: false,
    lockdep: recorder,
    clockOrigin,
  });
  let remaining: unknown = null;
  // the search's own deadline passed (explore() stops only for it here), or a strategy that
  // cannot save stopped at the hard limits: the part ends here, incomplete (an execution cut
  // by the deadline may even have left its strategy with nothing to do)
  const cut = r.limitHit || (!slice.innerDone && inner.save === undefined);
  if (!cut && !slice.innerDone) {
    remaining = inner.save!();
    if (remaining === null) {
      if (inner.next() !== null) throw new Error(`${inner.name}: save() found nothing left but next() went on`);
      slice.innerDone = true;
    }
  }
  if (typeof remaining === 'object' && remaining !== null) stopped.set(remaining, { strategy: inner, program });
  return {
    result: {
      executions: r.executions,
      steps: r.steps,
      maxAllocations: r.maxAllocations,
      complete: slice.innerDone ? inner.exhaustive : true,
      truncated: r.truncated,
      found: r.found,
      signatures: r.signatures,
      signaturesTruncated: r.signaturesTruncated,
      edges: recorder.records,
    },
    remaining,
    ...(cut ? { cut } : {}),
  };
}

/** The part's strategy, stopped by the budget and numbering executions for the edge recorder. */
class SliceStrategy implements Strategy {
  innerDone = false;
  private count = 0;
  private readonly deadline: number;

  constructor(
    private readonly inner: Strategy,
    private readonly recorder: EdgeRecorder,
    private readonly budget: SliceBudget,
  ) {
    this.deadline = performance.now() + budget.timeMs;
  }

  get name(): string {
    return this.inner.name;
  }

  get exhaustive(): boolean {
    return this.innerDone && this.inner.exhaustive;
  }

  get recordsOps(): boolean {
    return this.inner.recordsOps === true;
  }

  next(): Chooser | null {
    if (this.count >= this.budget.maxExecutions || (this.count > 0 && performance.now() > this.deadline)) return null;
    const c = this.inner.next();
    if (c === null) {
      this.innerDone = true;
      return null;
    }
    this.recorder.execution = ++this.count;
    return c;
  }

  finished(exec: Execution, deadline?: Deadline): void {
    this.recorder.close(exec.choices);
    this.inner.finished(exec, deadline);
  }
}
