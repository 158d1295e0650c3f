// The bounds of every number the user gives `iommulab` (command-line options, and the same
// options read back from checkpoints and shard files). Each is far above any useful value and
// low enough that the tool cannot be made to hang, exhaust memory or overflow a timer by it.
// README and docs/SCENARIOS.md list them; `npm test` checks the list there against this one.

export interface Bound {
  readonly min: number;
  readonly max: number;
  /** why the maximum is where it is (the CLI reference says it) */
  readonly why: string;
}

export const bounds = {
  /** seeds are 32-bit: a larger one would silently run the same search as some smaller one */
  seed: { min: 0, max: 0xffffffff, why: 'seeds are 32-bit' },
  executions: { min: 1, max: 1e12, why: 'far beyond what a search runs in --time-limit' },
  maxExecutions: { min: 1, max: 1e12, why: 'far beyond what a search runs in --time-limit' },
  /** a search with more preemptions than that is unbounded in all but name */
  preemptionBound: { min: 0, max: 1000, why: 'real bugs need a handful; each allowed preemption multiplies the search' },
  /** PCT draws depth - 1 change points per execution */
  pctDepth: { min: 1, max: 1000, why: 'PCT keeps depth - 1 change points per execution; real bugs have depth 1 to 5' },
  maxFailures: { min: 1, max: 1000, why: 'each failure offered is a choice of every execution' },
  /** seconds; a timer of more than 2^31-1 ms overflows in Node */
  timeLimit: { min: 1, max: 1_000_000, why: 'about 11.5 days' },
  maxSteps: { min: 1, max: 1_000_000, why: 'a schedule holds at most 1,000,000 choices; DPOR keeps every step of an execution' },
  workers: { min: 1, max: 256, why: 'each worker is a thread with its own heap' },
  /** every shard plans the search in 4n parts, running up to 8n executions to do so */
  shards: { min: 1, max: 1000, why: 'every shard plans the search in 4n parts' },
  /** seconds */
  checkpointEvery: { min: 0.01, max: 1_000_000, why: 'a timer of more than 2^31-1 ms overflows' },
} as const satisfies Record<string, Bound>;

export type BoundName = keyof typeof bounds;

/** "between 1 and 1,000" */
export function boundText(b: Bound): string {
  return `between ${b.min.toLocaleString('en-US')} and ${b.max.toLocaleString('en-US')}`;
}

/** Files the tool reads are regular files of at most: a scenario file (scenarios/file/load.ts), a checkpoint or shard result. */
export { maxScenarioFileBytes } from '../scenarios/file/load.js';
export const maxRunFileBytes = 256 * 1024 * 1024;
