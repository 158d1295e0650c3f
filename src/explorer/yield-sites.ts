// The call stacks of the yield-rule races an execution found: finding a race needs none, and
// capturing one at every access would cost most of a checking run, so the execution is run
// again (it is deterministic) and the checker records the stacks of the accesses it names.
import type { Execution, Program } from '../rt/execution.js';
import type { YieldLog } from '../rt/yield-race.js';
import { runOnce } from './run-once.js';

/** Fill in the stacks of the races `exec` added to `log` (nothing to do if it added none). */
export function recordYieldSites(
  program: Program<unknown>,
  exec: Execution,
  log: YieldLog,
  warnFails: boolean,
  maxSteps: number,
): void {
  const wanted = log.takeSiteRequests();
  if (wanted.length === 0) return;
  log.siteRequests = new Map(wanted);
  try {
    runOnce(program, exec.choices, { faults: exec.faults, warnFails, trace: false, strict: true, maxSteps, yieldLog: log });
  } finally {
    log.siteRequests = null;
  }
}
