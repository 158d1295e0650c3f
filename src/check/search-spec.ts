// What a check's search is, as the plain data workers, shards and checkpoints carry: the
// strategy spec from the check options, and where a worker finds a built-in scenario.
import type { StrategySpec } from '../explorer/parallel/family.js';
import type { ProgramSource } from '../explorer/parallel/program-source.js';
import type { SearchSpec } from '../explorer/parallel/slice.js';
import type { FaultPlan } from '../rt/execution.js';
import type { CheckOptions } from './check.js';

export function strategySpec(opts: CheckOptions): StrategySpec {
  switch (opts.strategy) {
    case 'dpor':
      return Number.isFinite(opts.preemptionBound) ? { kind: 'dpor-bounded', preemptionBound: opts.preemptionBound } : { kind: 'dpor' };
    case 'dfs':
      return { kind: 'dfs', preemptionBound: Number.isFinite(opts.preemptionBound) ? opts.preemptionBound : null };
    case 'random':
      return { kind: 'random', seed: opts.seed, executions: opts.executions };
    case 'pct':
      return { kind: 'pct', seed: opts.seed, executions: opts.executions, depth: opts.pctDepth };
  }
}

/** Where worker threads find a scenario's program: `ref` is scenarios/program-ref.ts's programRef(). */
export function scenarioSource(ref: string): ProgramSource {
  return { module: new URL('../scenarios/resolve.js', import.meta.url).href, name: ref };
}

export function searchSpecFor(opts: CheckOptions, faults: FaultPlan): SearchSpec {
  // DPOR reads every step's thread and op
  return { strategy: strategySpec(opts), faults, warnFails: opts.warnFails, maxSteps: opts.maxSteps, recordOps: opts.strategy === 'dpor' };
}
