// Shrink a counterexample: drop or merge choices while the same kind of violation still
// happens with no more preemptions and no more steps. The result is re-recorded from the
// execution that reproduced it, so it replays strictly.
import type { FaultPlan, Program } from '../rt/execution.js';
import type { ViolationKind } from '../rt/violation.js';
import { type RunOnceOptions, runOnce } from './run-once.js';

export interface Minimized {
  readonly choices: readonly number[];
  readonly steps: number;
  readonly preemptions: number;
  /** executions spent shrinking */
  readonly attempts: number;
}

export function minimize(
  program: Program<unknown>,
  kind: ViolationKind,
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
  const attempt = (cand: readonly number[]) => {
    attempts++;
    const exec = runOnce(program, cand, opts);
    return exec.violations.some((v) => v.kind === kind) ? exec : null;
  };
  const first = attempt(choices);
  if (first === null) return { choices, steps: Number.NaN, preemptions: Number.NaN, attempts };
  let best = { choices: first.choices.slice(), steps: first.steps, preemptions: first.preemptions };
  let improved = true;
  const more = (): boolean => attempts < budget && performance.now() <= deadline;
  while (improved && more()) {
    improved = false;
    // try removing each choice, latest first (late choices tend to be noise after the bug)
    for (let i = best.choices.length - 1; i >= 0 && more(); i--) {
      const cand = best.choices.slice(0, i).concat(best.choices.slice(i + 1));
      const exec = attempt(cand);
      if (exec === null) continue;
      const better =
        exec.preemptions < best.preemptions ||
        (exec.preemptions === best.preemptions &&
          (exec.steps < best.steps || (exec.steps === best.steps && exec.choices.length < best.choices.length)));
      if (better) {
        best = { choices: exec.choices.slice(), steps: exec.steps, preemptions: exec.preemptions };
        improved = true;
        break;
      }
    }
  }
  return { ...best, attempts };
}
