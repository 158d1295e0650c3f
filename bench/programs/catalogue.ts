// Every benchmark program: what it runs, how far the default bench lets it go, and how its
// number of Mazurkiewicz classes is known (closed form, abstract event model, or brute force
// over real runs). Names are what `--only` selects.
import type { FaultPlan, Program } from '../../src/rt/execution.js';
import { counterProgram } from '../../src/scenarios/examples/counter.js';
import { builtinScenarios, onHardwareModel } from '../../src/scenarios/registry.js';
import { countClassesByRuns } from '../classes/from-runs.js';
import { countClasses, countInterleavings, type Event, type EventProgram } from '../classes/event-model.js';
import { multinomial } from '../classes/multinomial.js';
import { disjointLocksProgram } from './disjoint-locks.js';
import { hoistedCounterProgram } from './hoisted-counter.js';
import { independentProgram } from './independent.js';
import { philosophersProgram } from './philosophers.js';

export interface ClassCount {
  /** Mazurkiewicz classes of maximal executions: what an optimal DPOR executes */
  readonly classes: number;
  /** maximal schedules: what exhaustive DFS executes */
  readonly interleavings: number;
  readonly source: string;
}

export interface BenchProgram {
  readonly name: string;
  readonly summary: string;
  readonly program: Program<unknown>;
  readonly faults: FaultPlan;
  /** executions per search in the default bench; Infinity runs the search to its end */
  readonly cap: number;
  readonly count: () => ClassCount | null;
}

const none: FaultPlan = { mode: 'none' };
/** Big searches stop here so the default bench finishes in a couple of minutes. */
const CAP = 30_000;
/** executions a built-in scenario's row may run (the DFS rows of the largest are capped) */
const SCENARIO_CAP = 5_000;

const times = <T>(n: number, f: (i: number) => T[]): T[] => Array.from({ length: n }, (_, i) => f(i)).flat();

function lockCounter(threads: number, sections: number): BenchProgram {
  const n = multinomial(threads, sections);
  return {
    name: `lock-counter-${threads}x${sections}`,
    summary: `${threads} threads x ${sections} increments under one mutex (${2 * sections} lock ops each)`,
    program: counterProgram(threads, sections, true),
    faults: none,
    cap: Number.POSITIVE_INFINITY,
    count: () => ({ classes: n, interleavings: n, source: 'multinomial' }),
  };
}

function hoistedCounter(threads: number, sections: number): BenchProgram {
  const n = multinomial(threads, sections);
  return {
    name: `hoisted-counter-${threads}x${sections}`,
    summary: `lock-counter-${threads}x${sections} with its generator functions defined once, not per execution`,
    program: hoistedCounterProgram(threads, sections),
    faults: none,
    cap: Number.POSITIVE_INFINITY,
    count: () => ({ classes: n, interleavings: n, source: 'multinomial' }),
  };
}

function independent(threads: number, writes: number, cap = CAP): BenchProgram {
  return {
    name: `independent-${threads}x${writes}`,
    summary: `${threads} threads x ${writes} writes, each to its own object`,
    program: independentProgram(threads, writes),
    faults: none,
    cap,
    count: () => ({ classes: 1, interleavings: multinomial(threads, writes), source: 'closed form' }),
  };
}

function disjointLocks(threads: number, sections: number): BenchProgram {
  return {
    name: `disjoint-locks-${threads}x${sections}`,
    summary: `${threads} threads x ${sections} sections, each under its own mutex`,
    program: disjointLocksProgram(threads, sections),
    faults: none,
    cap: CAP,
    count: () => ({ classes: 1, interleavings: multinomial(threads, 3 * sections), source: 'closed form' }),
  };
}

/** The event model of philosophersProgram(n), for the brute-force class count. */
export function philosophersModel(n: number): EventProgram {
  const fork = (i: number) => `fork${i % n}`;
  return times(n, (i) => [
    [
      { kind: 'lock', obj: fork(i) },
      { kind: 'lock', obj: fork(i + 1) },
      { kind: 'unlock', obj: fork(i + 1) },
      { kind: 'unlock', obj: fork(i) },
    ] satisfies Event[],
  ]);
}

function philosophers(n: number): BenchProgram {
  return {
    name: `philosophers-${n}`,
    summary: `${n} dining philosophers, each takes left then right fork (deadlocks)`,
    program: philosophersProgram(n),
    faults: none,
    cap: CAP,
    count: () => {
      const model = philosophersModel(n);
      return { classes: countClasses(model), interleavings: countInterleavings(model), source: 'event model' };
    },
  };
}

function scenarioRows(): BenchProgram[] {
  return builtinScenarios.map((s) => ({
    name: s.name,
    summary: `built-in scenario: ${s.summary}`,
    program: s.program as Program<unknown>,
    faults: s.faults ?? none,
    // DFS on the seed scenarios over the corrected PCI reset runs 20,000 to more than 100,000
    // interleavings (some never end): such a row is capped and says so; DPOR ends far below it
    cap: SCENARIO_CAP,
    count: () => {
      // a scenario on a hardware-model driver (SMMUv3) has tens of steps per attach, each an
      // interleaving point: brute force over its runs does not end in any useful time
      if (onHardwareModel(s)) return null;
      const r = countClassesByRuns(s.program as Program<unknown>, s.faults ?? none, SCENARIO_CAP);
      return r === null ? null : { ...r, source: 'runs' };
    },
  }));
}

export const benchPrograms: readonly BenchProgram[] = [
  lockCounter(2, 2),
  lockCounter(3, 3),
  hoistedCounter(2, 2),
  independent(3, 4, Number.POSITIVE_INFINITY),
  independent(4, 4),
  disjointLocks(2, 2),
  disjointLocks(3, 2),
  philosophers(3),
  philosophers(4),
  philosophers(5),
  philosophers(6),
  ...scenarioRows(),
];

export function findBenchProgram(name: string): BenchProgram | undefined {
  return benchPrograms.find((p) => p.name === name);
}
