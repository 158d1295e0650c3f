// The exploration loop: run executions as the strategy directs, check each, keep the best
// counterexample per violation kind (a total order, see found.ts).
import { Execution, type FaultPlan, noFaults, type Program } from '../rt/execution.js';
import { LockdepGraph } from '../rt/lockdep.js';
import { ModelError, type ViolationKind } from '../rt/violation.js';
import { type Counterexample, FoundSet, type SignatureFound } from './found.js';
import { encodeSchedule } from './schedule.js';
import type { Strategy } from './strategy.js';

export type { Counterexample, SignatureFound } from './found.js';

/** this thread's performance.timeOrigin (reading it costs more than performance.now()) */
const timeOrigin = performance.timeOrigin;

/** A timestamp comparable across the threads of this process (worker threads have their own timeOrigin). */
export function wallClockMs(): number {
  return timeOrigin + performance.now();
}

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
  /** the lockdep graph the executions share (default: a fresh one for this search) */
  readonly lockdep?: LockdepGraph;
  /**
   * when the search started (wallClockMs()), for the time a signature is first seen; default:
   * when this call started (a slice of a longer search, a resumed one, is given the search's)
   */
  readonly clockOrigin?: number;
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
  /** best counterexample per violation signature, with its count, in the order they were first found */
  readonly signatures: readonly SignatureFound[];
  /** kinds with more signatures than were kept (found.ts: maxSignaturesPerKind) */
  readonly signaturesTruncated: readonly ViolationKind[];
  /** most allocations any execution made (bounds a fail_nth sweep) */
  readonly maxAllocations: number;
}

export function explore(program: Program<unknown>, strategy: Strategy, options: Partial<ExploreOptions> = {}): ExploreResult {
  const opts = { ...defaultExploreOptions, ...options };
  const lockdep = opts.lockdep ?? new LockdepGraph();
  const execOpts = {
    faults: opts.faults,
    lockdep,
    warnFails: opts.warnFails,
    trace: false,
    recordOps: opts.recordOps || strategy.recordsOps === true,
    maxSteps: opts.maxSteps,
  };
  const nth = opts.faults.mode === 'nth' ? opts.faults.nth : undefined;
  const start = performance.now();
  const origin = opts.clockOrigin ?? wallClockMs();
  const found = new FoundSet(() => wallClockMs() - origin);
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
    const exec = new Execution(program, chooser, execOpts);
    try {
      exec.run();
    } catch (e) {
      throw modelError(e, exec, nth);
    }
    strategy.finished(exec);
    executions++;
    steps += exec.steps;
    if (exec.allocations > maxAllocations) maxAllocations = exec.allocations;
    if (exec.violations.length > 0) {
      found.addExecution(exec, executions, nth);
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
    found: found.list(),
    signatures: found.signatures(),
    signaturesTruncated: found.truncated(),
    maxAllocations,
  };
}

/** A JS exception out of model code that is not a kernel report: a bug in the model or scenario. */
export function modelError(e: unknown, exec: Execution, nth: number | undefined): ModelError {
  const schedule = encodeSchedule(nth === undefined ? { choices: exec.choices } : { choices: exec.choices, nth });
  const where = exec.thread === null ? 'setup' : `thread ${exec.thread.name}`;
  const msg = e instanceof Error ? e.message : String(e);
  const err = new ModelError(`${msg} (in ${where} at step ${exec.steps}; schedule ${schedule})`);
  err.stack = e instanceof Error ? e.stack : err.stack;
  return err;
}
