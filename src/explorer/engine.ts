// The exploration loop: run executions as the strategy directs, check each, keep the best
// counterexample per violation kind (fewest preemptions, then fewest steps).
import { Execution, type FaultPlan, noFaults, type Program } from '../rt/execution.js';
import { LockdepGraph } from '../rt/lockdep.js';
import type { Violation, ViolationKind } from '../rt/violation.js';
import { encodeSchedule } from './schedule.js';
import type { Strategy } from './strategy.js';

export interface ExploreOptions {
  readonly faults: FaultPlan;
  readonly warnFails: boolean;
  readonly maxExecutions: number;
  readonly timeLimitMs: number;
  readonly maxSteps: number;
  /** stop at the first failing execution instead of looking for every kind */
  readonly stopOnFirst: boolean;
  /** record every step's op (strategies that reduce need it) */
  readonly recordOps: boolean;
}

export const defaultExploreOptions: ExploreOptions = {
  faults: noFaults,
  warnFails: true,
  maxExecutions: 2_000_000,
  timeLimitMs: 60_000,
  maxSteps: 100_000,
  stopOnFirst: false,
  recordOps: false,
};

/** One counterexample: a violation and how to get it again. */
export interface Counterexample {
  readonly kind: ViolationKind;
  readonly violation: Violation;
  readonly choices: readonly number[];
  /** nth of a fail_nth sweep, if any */
  readonly nth?: number;
  readonly schedule: string;
  readonly steps: number;
  readonly preemptions: number;
  /** 1-based number of the execution that found it */
  readonly execution: number;
}

export interface ExploreResult {
  readonly strategy: string;
  readonly executions: number;
  readonly steps: number;
  readonly elapsedMs: number;
  /** every execution in scope was explored */
  readonly exhaustive: boolean;
  /** stopped by maxExecutions or the time limit */
  readonly limitHit: boolean;
  /** best counterexample per kind, in the order the kinds were first found */
  readonly found: readonly Counterexample[];
  /** most allocations any execution made (bounds a fail_nth sweep) */
  readonly maxAllocations: number;
}

export function explore(program: Program<unknown>, strategy: Strategy, options: Partial<ExploreOptions> = {}): ExploreResult {
  const opts = { ...defaultExploreOptions, ...options };
  const lockdep = new LockdepGraph();
  const execOpts = {
    faults: opts.faults,
    lockdep,
    warnFails: opts.warnFails,
    trace: false,
    recordOps: opts.recordOps || strategy.recordsOps === true,
    maxSteps: opts.maxSteps,
  };
  const nth = opts.faults.mode === 'nth' ? opts.faults.nth : undefined;
  const found = new Map<ViolationKind, Counterexample>();
  const start = performance.now();
  const deadline = start + opts.timeLimitMs;
  let executions = 0;
  let steps = 0;
  let maxAllocations = 0;
  let limitHit = false;
  for (;;) {
    if (executions >= opts.maxExecutions || ((executions & 63) === 0 && performance.now() > deadline)) {
      limitHit = true;
      break;
    }
    const chooser = strategy.next();
    if (chooser === null) break;
    const exec = new Execution(program, chooser, execOpts).run();
    strategy.finished(exec);
    executions++;
    steps += exec.steps;
    if (exec.allocations > maxAllocations) maxAllocations = exec.allocations;
    if (exec.violations.length > 0) {
      for (const v of exec.violations) keepBest(found, v, exec, executions, nth);
      if (opts.stopOnFirst) break;
    }
  }
  return {
    strategy: strategy.name,
    executions,
    steps,
    elapsedMs: performance.now() - start,
    exhaustive: !limitHit && strategy.exhaustive && !(opts.stopOnFirst && found.size > 0),
    limitHit,
    found: [...found.values()],
    maxAllocations,
  };
}

function keepBest(
  found: Map<ViolationKind, Counterexample>,
  v: Violation,
  exec: Execution,
  execution: number,
  nth: number | undefined,
): void {
  const old = found.get(v.kind);
  const oldIsBetter =
    old !== undefined &&
    (old.preemptions < exec.preemptions || (old.preemptions === exec.preemptions && old.steps <= exec.steps));
  if (oldIsBetter) return;
  const choices = exec.choices.slice();
  const cx: Counterexample = {
    kind: v.kind,
    violation: v,
    choices,
    schedule: encodeSchedule(nth === undefined ? { choices } : { choices, nth }),
    steps: exec.steps,
    preemptions: exec.preemptions,
    execution,
    ...(nth === undefined ? {} : { nth }),
  };
  found.set(v.kind, cx);
}
