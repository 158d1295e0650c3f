// The exploration loop: run executions as the strategy directs, check each, keep the best
// counterexample per violation kind (a total order, see found.ts).
import { defaultLivelockSteps, Execution, type FaultPlan, noFaults, type Program } from '../rt/execution.js';
import { LockdepGraph } from '../rt/lockdep.js';
import { ModelError, type ViolationKind } from '../rt/violation.js';
import type { YieldLog } from '../rt/yield-race.js';
import { Deadline, DeadlineCut } from './deadline.js';
import { type Counterexample, FoundSet, type SignatureFound } from './found.js';
import { encodeSchedule } from './schedule.js';
import type { Strategy } from './strategy.js';
import { recordYieldSites } from './yield-sites.js';

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
  /** steps per execution; an execution that wants more is cut and counted as truncated */
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
  /** steps without progress that make a livelock (default: rt/execution.ts defaultLivelockSteps) */
  readonly livelockSteps?: number;
  /** checking mode: log plain accesses that break the yield rule here (rt/yield-check.ts) */
  readonly yieldLog?: YieldLog | null;
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
  /** executions cut at maxSteps (their ends were not explored: the search is incomplete) */
  readonly truncated: number;
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
  const start = performance.now();
  const deadline = start + opts.timeLimitMs;
  // the same deadline for the strategy's analysis of each execution (its cost grows with the length)
  const analysisDeadline = new Deadline(deadline);
  const execOpts = {
    faults: opts.faults,
    lockdep,
    warnFails: opts.warnFails,
    trace: false,
    recordOps: opts.recordOps || strategy.recordsOps === true,
    maxSteps: opts.maxSteps,
    // a long execution is cut at the deadline too (it never ends on its own within maxSteps)
    deadline,
    livelockSteps: opts.livelockSteps ?? defaultLivelockSteps,
    yieldLog: opts.yieldLog ?? null,
  };
  const nth = opts.faults.mode === 'nth' ? opts.faults.nth : undefined;
  const origin = opts.clockOrigin ?? wallClockMs();
  const found = new FoundSet(() => wallClockMs() - origin);
  let executions = 0;
  let steps = 0;
  let maxAllocations = 0;
  let limitHit = false;
  let truncated = 0;
  // the clock is read every 64 executions, or sooner when they are long
  let clockSteps = 0;
  for (;;) {
    if (executions >= opts.maxExecutions) {
      limitHit = true;
      break;
    }
    if ((executions & 63) === 0 || steps - clockSteps >= 4096) {
      clockSteps = steps;
      if (performance.now() > deadline) {
        limitHit = true;
        break;
      }
    }
    const chooser = strategy.next();
    if (chooser === null) break;
    const exec = new Execution(program, chooser, execOpts);
    try {
      exec.run();
    } catch (e) {
      throw modelError(e, exec, nth);
    }
    // an analysis cut at the deadline: this execution counts, and the search ends with it
    let analysisCut = false;
    try {
      strategy.finished(exec, analysisDeadline);
    } catch (e) {
      if (!(e instanceof DeadlineCut)) throw e;
      analysisCut = true;
    }
    if (execOpts.yieldLog !== null) recordYieldSites(program, exec, execOpts.yieldLog, opts.warnFails, opts.maxSteps);
    executions++;
    steps += exec.steps;
    if (exec.allocations > maxAllocations) maxAllocations = exec.allocations;
    if (exec.violations.length > 0) {
      found.addExecution(exec, executions, nth);
      if (opts.stopOnFirst && !analysisCut) break;
    }
    if (analysisCut) {
      limitHit = true;
      if (exec.truncated !== null && exec.truncated !== 'time') truncated++;
      break;
    }
    if (exec.truncated !== null) {
      if (exec.truncated === 'time') {
        limitHit = true;
        break;
      }
      truncated++;
    }
  }
  return {
    strategy: strategy.name,
    executions,
    steps,
    elapsedMs: performance.now() - start,
    exhaustive: !limitHit && truncated === 0 && strategy.exhaustive && !(opts.stopOnFirst && found.size > 0),
    limitHit,
    truncated,
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
