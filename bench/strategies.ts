// The strategies every benchmark program runs under. A new strategy is one more line in
// `benchStrategies`; rows then show executions/classes for it.
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import type { ExploreOptions } from '../src/explorer/engine.js';
import type { Strategy } from '../src/explorer/strategy.js';

export interface BenchStrategy {
  readonly name: string;
  readonly make: () => Strategy;
  /** explore() options the strategy needs, e.g. recordOps for a reduction */
  readonly options?: Partial<ExploreOptions>;
}

export const benchStrategies: readonly BenchStrategy[] = [
  { name: 'dpor', make: () => new DporStrategy(), options: { recordOps: true } },
  { name: 'dfs', make: () => new DfsStrategy() },
];

export function findBenchStrategy(name: string): BenchStrategy | undefined {
  return benchStrategies.find((s) => s.name === name);
}
