// Run a single execution along a given choice sequence.
import { Execution, type FaultPlan, type Program } from '../rt/execution.js';
import { LockdepGraph } from '../rt/lockdep.js';
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
}

export function runOnce(program: Program<unknown>, choices: readonly number[], opts: RunOnceOptions): Execution {
  const replay = new ReplayStrategy(choices, opts.strict);
  const chooser = replay.next()!;
  const exec = new Execution(program, chooser, {
    faults: opts.faults,
    lockdep: new LockdepGraph(),
    warnFails: opts.warnFails,
    trace: opts.trace,
    recordOps: false,
    maxSteps: opts.maxSteps ?? 100_000,
    ...(opts.deadline === undefined ? {} : { deadline: opts.deadline }),
  }).run();
  replay.finished(exec);
  return exec;
}
