// Shrink a counterexample: drop choices while a violation of the same signature (kind, reporting
// function, message: rt/violation.ts) still happens with no more preemptions and no more steps.
// Keeping only the kind would let the key drift to another bug of that kind (a WARN of one race
// printed with the key of another race's WARN). The result is re-recorded from the execution
// that reproduced it, so it replays strictly.
import type { Execution, FaultPlan, Program } from '../rt/execution.js';
import { type Violation, violationSignature } from '../rt/violation.js';
import { type RunOnceOptions, runOnce } from './run-once.js';

export interface Minimized {
  readonly choices: readonly number[];
  readonly steps: number;
  readonly preemptions: number;
  /** executions spent shrinking */
  readonly attempts: number;
  /** the violation of that signature in the execution of `choices`; null when the given choices do not reproduce it */
  readonly violation: Violation | null;
  /** the run of the given choices was cut by a limit (maxSteps, deadline) before it showed the violation */
  readonly cut: boolean;
}

export function minimize(
  program: Program<unknown>,
  signature: string,
  choices: readonly number[],
  faults: FaultPlan,
  warnFails: boolean,
  budget = 400,
  limits: { readonly maxSteps?: number; readonly deadline?: number } = {},
): Minimized {
  // the search's limits hold here too: each attempt within maxSteps, shrinking stops at the deadline
  const deadline = limits.deadline ?? Number.POSITIVE_INFINITY;
  const opts: RunOnceOptions = { faults, warnFails, trace: false, strict: false, maxSteps: limits.maxSteps, deadline };
  let attempts = 0;
  const attempt = (cand: readonly number[], ran?: (exec: Execution) => void) => {
    attempts++;
    const exec = runOnce(program, cand, opts);
    ran?.(exec);
    const v = exec.violations.find((x) => violationSignature(x) === signature);
    return v === undefined ? null : { exec, v };
  };
  let cut = false;
  const first = attempt(choices, (exec) => (cut = exec.truncated !== null));
  if (first === null) return { choices, steps: Number.NaN, preemptions: Number.NaN, attempts, violation: null, cut };
  const f = first.exec;
  let best = { choices: f.choices.slice(), steps: f.steps, preemptions: f.preemptions, violation: first.v };
  let improved = true;
  const more = (): boolean => attempts < budget && performance.now() <= deadline;
  while (improved && more()) {
    improved = false;
    // try removing each choice, latest first (late choices tend to be noise after the bug)
    for (let i = best.choices.length - 1; i >= 0 && more(); i--) {
      const cand = best.choices.slice(0, i).concat(best.choices.slice(i + 1));
      const found = attempt(cand);
      if (found === null) continue;
      const exec = found.exec;
      const better =
        exec.preemptions < best.preemptions ||
        (exec.preemptions === best.preemptions &&
          (exec.steps < best.steps || (exec.steps === best.steps && exec.choices.length < best.choices.length)));
      if (better) {
        best = { choices: exec.choices.slice(), steps: exec.steps, preemptions: exec.preemptions, violation: found.v };
        improved = true;
        break;
      }
    }
  }
  return { ...best, attempts, cut: false };
}
