// One execution of a scenario along a replay key, with the trace on: what `replay` prints and
// what the HTML report draws (an observer sees each step's op before it runs).
import { faultsFor, decodeSchedule } from '../explorer/schedule.js';
import { runOnce } from '../explorer/run-once.js';
import type { Execution, ExecOptions } from '../rt/execution.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type CheckOptions, defaultCheckOptions, faultPlanFor, faultScopeOf } from './check.js';

export interface TracedReplayOptions {
  /** the check's options the key was found under (its fault plan, warnFails, limits) */
  readonly options?: Partial<CheckOptions>;
  readonly traceObserver?: ExecOptions['traceObserver'];
  /** a key that does not fit the scenario: an error (strict, as `replay`) or its extra choices skipped */
  readonly strict?: boolean;
}

/** Replays `schedule` (a key as `check` prints it) on `s` with tracing on. */
export function replayTraced(s: Scenario, schedule: string, opts: TracedReplayOptions = {}): Execution {
  const options = { ...defaultCheckOptions, ...opts.options };
  const decoded = decodeSchedule(schedule);
  // as `replay` does: the key says how allocations fail (n/, F, S), the options which ones may
  const plan = faultsFor(decoded, faultPlanFor(s, options));
  return runOnce(s.program, decoded.choices, {
    faults: plan.mode === 'none' ? plan : { ...plan, ...faultScopeOf(options) },
    warnFails: options.warnFails,
    trace: true,
    strict: opts.strict ?? true,
    maxSteps: options.maxSteps,
    deadline: performance.now() + options.timeLimitMs,
    traceObserver: opts.traceObserver ?? null,
  });
}
