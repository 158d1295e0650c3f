// What triaging one witness is expected to cost, before it runs: the campaign triages the cheap
// ones first (triage-order.ts), so one costly witness (a large program whose bug shows once in
// hundreds of executions) does not hold back ten one-operation reproducers.
//
// A triage's executions (triage.ts): a probe (the witness's own search until the report shows
// again), a minimization whose candidates each get `e` = 4x the probe's executions (40 to
// `triage.executions`; a failing candidate runs all of them), a search under canonical names,
// and the confirming check; a program that does not show its report again within
// `triage.executions` is kept as found: the probe's whole budget and a sampled check of five
// times it. Each execution costs about the witness's steps. Measured on 14 witnesses of the
// default run of 2026-12-05 13:13 (docs/FUZZING.md, "Triage order and cost"): minimization and
// renaming ran 0.2-1x of `size * e` executions (size: operations, devices and IOMMUs of the
// program as found), near 1x and up to `triage.maxExecutions` where `e` was at its cap (a rare
// report: most candidates lose it), and the confirming check its whole budget (1,000-3,000) for
// those; the CPU time followed executions x steps.
import type { TriageBudget } from './config.js';
import { devicesOf, type FuzzProgram } from './program.js';

/** how often the witness's program showed its report: executions with it, executions searched */
export interface ShownIn {
  readonly count: number;
  readonly executions: number;
}

/** a program's size for minimization: operations, devices and IOMMU instances */
export function programSize(p: FuzzProgram): number {
  return p.threads.reduce((n, t) => n + t.ops.length, 0) + devicesOf(p.topology).length + p.topology.iommus.length;
}

/**
 * the expected cost of a triage in steps (executions x steps per execution); `shown` unknown (a
 * state saved before it was recorded): as if the report showed once in 50 executions
 */
export function triageCost(p: FuzzProgram, steps: number, shown: ShownIn | undefined, budget: TriageBudget): number {
  const cap = Math.max(1, budget.executions);
  const toShow = shown === undefined || shown.count <= 0 ? 50 : Math.max(1, shown.executions / shown.count);
  const perExecution = Math.max(1, steps);
  if (toShow > cap) return perExecution * 6 * cap;
  const e = Math.min(cap, Math.max(40, 4 * toShow));
  // the rarer the report, the more candidates lose it and run their whole `e`
  const rare = e / cap;
  const minimize = Math.min(budget.maxExecutions ?? Number.POSITIVE_INFINITY, programSize(p) * e * (0.25 + 0.75 * rare));
  // the canonical names' search (2e), and the confirming check (5e a strategy, the whole of it
  // for a rare report)
  return perExecution * (toShow + minimize + 2 * e + 5 * e * rare);
}
