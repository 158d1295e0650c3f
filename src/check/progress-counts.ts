// How far a check has got, counted from its progress records (run.ts): executions run, distinct
// violations (by signature, rt/violation.ts) found so far, scenarios settled. What a progress
// line shows (report/progress-line.ts).
import { rangeResult } from '../explorer/parallel/coordinator.js';
import type { ScenarioProgress } from './run.js';

export interface ProgressCounts {
  readonly executions: number;
  /** distinct violations found so far (over every scenario) */
  readonly distinct: number;
  readonly settled: number;
  readonly scenarios: number;
  /** the scenario being searched now (the first unsettled one), if any */
  readonly current: string | null;
}

export function progressCounts(progress: readonly ScenarioProgress[], scenarios: readonly string[]): ProgressCounts {
  let executions = 0;
  let distinct = 0;
  let settled = 0;
  let current: string | null = null;
  for (const p of progress) {
    switch (p.status) {
      case 'concluded':
        settled++;
        executions += p.outcome.executions;
        distinct += p.outcome.violations.length;
        break;
      case 'shard':
        settled++;
        break;
      case 'search': {
        current ??= p.name;
        const found = new Set<string>();
        for (const r of p.ranges) {
          const res = rangeResult(r);
          executions += res.executions;
          for (const cx of res.signatures) found.add(cx.signature);
        }
        distinct += found.size;
        break;
      }
      case 'sweep': {
        current ??= p.name;
        executions += p.sweep.sum.executions;
        const found = new Set(p.sweep.sum.signatures.map((cx) => cx.signature));
        for (const r of p.ranges ?? []) {
          const res = rangeResult(r);
          executions += res.executions;
          for (const cx of res.signatures) found.add(cx.signature);
        }
        distinct += found.size;
        break;
      }
    }
  }
  if (current === null && settled < scenarios.length) current = scenarios.find((n) => !progress.some((p) => p.name === n && (p.status === 'concluded' || p.status === 'shard'))) ?? null;
  return { executions, distinct, settled, scenarios: scenarios.length, current };
}
