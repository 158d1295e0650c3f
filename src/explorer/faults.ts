// The fail_nth sweep: run the whole search once with the 1st allocation failing, once with the
// 2nd, and so on, until a run makes fewer allocations than N (like tools/testing/selftests'
// iommufd_fail_nth).
import type { Program } from '../rt/execution.js';
import type { ViolationKind } from '../rt/violation.js';
import { type Counterexample, type ExploreOptions, type ExploreResult, explore } from './engine.js';
import type { Strategy } from './strategy.js';

export interface SweepResult extends ExploreResult {
  /** N values run: 1..points */
  readonly points: number;
}

export function sweepNth(
  program: Program<unknown>,
  makeStrategy: () => Strategy,
  options: Partial<ExploreOptions> = {},
): SweepResult {
  const found = new Map<ViolationKind, Counterexample>();
  let executions = 0;
  let steps = 0;
  let elapsedMs = 0;
  let exhaustive = true;
  let limitHit = false;
  let maxAllocations = 0;
  let strategyName = '';
  let n = 1;
  for (; ; n++) {
    const r = explore(program, makeStrategy(), { ...options, faults: { mode: 'nth', nth: n } });
    strategyName = r.strategy;
    executions += r.executions;
    steps += r.steps;
    elapsedMs += r.elapsedMs;
    exhaustive &&= r.exhaustive;
    limitHit ||= r.limitHit;
    if (r.maxAllocations > maxAllocations) maxAllocations = r.maxAllocations;
    for (const cx of r.found) if (!found.has(cx.kind)) found.set(cx.kind, cx);
    if (r.maxAllocations < n || r.limitHit || (options.stopOnFirst === true && found.size > 0)) break;
  }
  return {
    strategy: `${strategyName} x fail_nth`,
    executions,
    steps,
    elapsedMs,
    exhaustive,
    limitHit,
    found: [...found.values()],
    maxAllocations,
    points: n,
  };
}
