// The exit codes of `iommulab`, the whole set (README and docs/SCENARIOS.md list them).
import type { ScenarioOutcome } from './check.js';

export const exitCodes = {
  /** every outcome as expected (replay: no violation in the execution) */
  ok: 0,
  /** an outcome is not the expected one: a violation found where none was expected, or an expected one missing (replay: a violation) */
  notAsExpected: 1,
  /** bad usage or input: an unknown option or scenario, a scenario file with problems, a file that cannot be read or written */
  usage: 2,
  /** incomplete: a search was cut by --time-limit, --max-executions or --max-steps before it could decide, and nothing else is wrong */
  incomplete: 3,
  /** an internal error of iommulab (the model threw, or a bug of the tool): reported with what is needed to reproduce it */
  internal: 70,
  /** interrupted (Ctrl-C) with the progress saved in the checkpoint */
  interrupted: 130,
} as const;

export const documentedExitCodes: readonly number[] = Object.values(exitCodes);

/** A check's: 1 when an outcome is not the expected one, 3 when a search cut short is all that is wrong, else 0. */
export function checkExitCode(outcomes: readonly ScenarioOutcome[]): 0 | 1 | 3 {
  if (outcomes.some((o) => !o.matches && o.outcome !== 'incomplete')) return exitCodes.notAsExpected;
  if (outcomes.some((o) => !o.matches)) return exitCodes.incomplete;
  return exitCodes.ok;
}
