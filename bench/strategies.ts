// The strategies every benchmark program runs under. A new strategy is one more line in
// `benchStrategies`; for the Optimal-DPOR branch that line is
//   { name: 'dpor', make: () => new DporStrategy(), options: { recordOps: true } },
// (with its import from '../src/explorer/dpor.js'), and its rows then show executions/classes.
import { DfsStrategy } from '../src/explorer/dfs.js';
import type { ExploreOptions } from '../src/explorer/engine.js';
import type { Strategy } from '../src/explorer/strategy.js';

export interface BenchStrategy {
  readonly name: string;
  readonly make: () => Strategy;
  /** explore() options the strategy needs, e.g. recordOps for a reduction */
  readonly options?: Partial<ExploreOptions>;
}

export const benchStrategies: readonly BenchStrategy[] = [
  { name: 'dfs', make: () => new DfsStrategy() },
];

export function findBenchStrategy(name: string): BenchStrategy | undefined {
  return benchStrategies.find((s) => s.name === name);
}
