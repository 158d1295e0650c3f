// Run a single execution along a given choice sequence.
import { type Chooser, type ExecOptions, Execution, type FaultPlan, type Program } from '../rt/execution.js';
import { LockdepGraph } from '../rt/lockdep.js';
import type { YieldLog } from '../rt/yield-race.js';
import { ReplayStrategy } from './replay.js';

export interface RunOnceOptions {
  readonly faults: FaultPlan;
  readonly warnFails: boolean;
  readonly trace: boolean;
  /** strict: a choice that is not possible is an error; lenient: it is skipped */
  readonly strict: boolean;
  readonly maxSteps?: number;
  /** performance.now() at which the execution is cut (Execution.truncated) */
  readonly deadline?: number;
  /** checking mode (rt/yield-check.ts) */
  readonly yieldLog?: YieldLog | null;
  /** trace mode: sees each step's op before it runs (report/html-trace.ts) */
  readonly traceObserver?: ExecOptions['traceObserver'];
}

export function runOnce(program: Program<unknown>, choices: readonly number[], opts: RunOnceOptions): Execution {
  const replay = new ReplayStrategy(choices, opts.strict);
  const exec = runWith(program, replay.next()!, opts);
  replay.finished(exec);
  return exec;
}

/** One execution with the choices of `chooser` (a seeded random one for `iommulab run --seed`). */
export function runWith(program: Program<unknown>, chooser: Chooser, opts: Omit<RunOnceOptions, 'strict'>): Execution {
  return new Execution(program, chooser, {
    faults: opts.faults,
    lockdep: new LockdepGraph(),
    warnFails: opts.warnFails,
    trace: opts.trace,
    recordOps: false,
    maxSteps: opts.maxSteps ?? 100_000,
    ...(opts.deadline === undefined ? {} : { deadline: opts.deadline }),
    yieldLog: opts.yieldLog ?? null,
    traceObserver: opts.traceObserver ?? null,
  }).run();
}
