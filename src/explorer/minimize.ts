// Shrink a counterexample: drop choices while a violation of the same signature (kind, reporting
// function, message: rt/violation.ts) still happens with no more preemptions and no more steps.
// Keeping only the kind would let the key drift to another bug of that kind (a WARN of one race
// printed with the key of another race's WARN). The result is re-recorded from the execution
// that reproduced it, so it replays strictly.
import type { FaultPlan, Program } from '../rt/execution.js';
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
}

export function minimize(
  program: Program<unknown>,
  signature: string,
  choices: readonly number[],
  faults: FaultPlan,
  warnFails: boolean,
  budget = 400,
): Minimized {
  const opts: RunOnceOptions = { faults, warnFails, trace: false, strict: false };
  let attempts = 0;
  const attempt = (cand: readonly number[]) => {
    attempts++;
    const exec = runOnce(program, cand, opts);
    const v = exec.violations.find((x) => violationSignature(x) === signature);
    return v === undefined ? null : { exec, v };
  };
  const first = attempt(choices);
  if (first === null) return { choices, steps: Number.NaN, preemptions: Number.NaN, attempts, violation: null };
  const f = first.exec;
  let best = { choices: f.choices.slice(), steps: f.steps, preemptions: f.preemptions, violation: first.v };
  let improved = true;
  while (improved && attempts < budget) {
    improved = false;
    // try removing each choice, latest first (late choices tend to be noise after the bug)
    for (let i = best.choices.length - 1; i >= 0 && attempts < budget; i--) {
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
  return { ...best, attempts };
}
