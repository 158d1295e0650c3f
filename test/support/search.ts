// Shared by the tests: run a program under exhaustive DFS, or once along a schedule, and read
// back the violation kinds, so each test states only what it checks.
import { DfsStrategy } from '../../src/explorer/dfs.js';
import { type ExploreOptions, type ExploreResult, explore } from '../../src/explorer/engine.js';
import { runOnce } from '../../src/explorer/run-once.js';
import type { Execution, FaultPlan, Program } from '../../src/rt/execution.js';
import type { ViolationKind } from '../../src/rt/violation.js';

/** Every interleaving, no bound. */
export function exhaust(program: Program<unknown>, options: Partial<ExploreOptions> = {}): ExploreResult {
  return explore(program, new DfsStrategy(), options);
}

/** The kinds a search found, sorted, so a test can compare them with deepEqual. */
export function foundKinds(r: ExploreResult): ViolationKind[] {
  return r.found.map((cx) => cx.kind).sort();
}

/** The kinds one execution reported, sorted, duplicates kept. */
export function execKinds(exec: Execution): ViolationKind[] {
  return exec.violations.map((v) => v.kind).sort();
}

/** The splat of the counterexample of `kind`; fails the test when there is none. */
export function splatOf(r: ExploreResult, kind: ViolationKind): string {
  const cx = r.found.find((c) => c.kind === kind);
  if (cx === undefined) throw new Error(`no ${kind} counterexample; found: ${foundKinds(r).join(', ') || 'none'}`);
  return cx.violation.splat;
}

/** One strict execution along `choices` (no faults unless given). */
export function replay(
  program: Program<unknown>,
  choices: readonly number[],
  opts: { faults?: FaultPlan; warnFails?: boolean; trace?: boolean; maxSteps?: number } = {},
): Execution {
  return runOnce(program, choices, {
    faults: opts.faults ?? { mode: 'none' },
    warnFails: opts.warnFails ?? true,
    trace: opts.trace ?? false,
    strict: true,
    ...(opts.maxSteps === undefined ? {} : { maxSteps: opts.maxSteps }),
  });
}
