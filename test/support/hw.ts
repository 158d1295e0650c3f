// Test support for the hardware models alone: build hardware inside an execution (KObjects need
// one), run device and driver threads over it once or under every interleaving, and the usual
// SMMUv3 / VT-d setups (memory, a unit, one function wired to it).
import { DfsStrategy } from '../../src/explorer/dfs.js';
import { DporStrategy } from '../../src/explorer/dpor.js';
import { explore, type ExploreResult } from '../../src/explorer/engine.js';
import { runOnce } from '../../src/explorer/run-once.js';
import type { Strategy } from '../../src/explorer/strategy.js';
import type { Execution, FaultPlan, Program } from '../../src/rt/execution.js';
import type { Gen } from '../../src/sync/index.js';

/** run `fn` as the setup of a one-execution program and return what it built */
export function inSetup<T>(fn: () => T): T {
  let out: T | undefined;
  runOnce({ setup: () => (out = fn()), threads: () => [] }, [], { faults: { mode: 'none' }, warnFails: true, trace: false, strict: true });
  return out!;
}

export interface HwProgram<W> {
  setup(): W;
  threads: ReadonlyArray<(w: W) => Gen<unknown>>;
  /** what an execution ends with, as text (compared across strategies); a check may report with scenarioAssert */
  final?(w: W, results: readonly unknown[]): string;
}

export function program<W>(p: HwProgram<W>, observed?: string[]): Program<W> {
  return {
    setup: p.setup,
    threads: (w) => p.threads.map((b, i) => ({ name: `t${i}`, body: () => b(w) })),
    final: (w, results) => {
      if (p.final !== undefined) observed?.push(p.final(w, results));
      return null;
    },
  };
}

/** one execution, serial unless `choices` say otherwise */
export function runHw<W>(p: HwProgram<W>, choices: readonly number[] = [], faults: FaultPlan = { mode: 'none' }): { exec: Execution; world: W; results: unknown[] } {
  let world: W | undefined;
  const prog = program(p);
  const exec = runOnce(
    { ...prog, setup: () => (world = prog.setup()) },
    choices,
    { faults, warnFails: true, trace: false, strict: false },
  );
  return { exec, world: world!, results: exec.threads.map((t) => t.result) };
}

/** every interleaving (DFS, or DPOR with `dpor`): the search and the distinct final observations, sorted */
export function exploreHw<W>(p: HwProgram<W>, dpor = false): { result: ExploreResult; finals: string[] } {
  const seen: string[] = [];
  const strategy: Strategy = dpor ? new DporStrategy() : new DfsStrategy();
  const result = explore(program(p, seen), strategy, { maxExecutions: 500_000 });
  return { result, finals: [...new Set(seen)].sort() };
}

/** the set of final observations under DFS and under DPOR (they must be equal) */
export function finalsBoth<W>(p: HwProgram<W>): { dfs: string[]; dpor: string[]; dfsRuns: number; dporRuns: number } {
  const a: string[] = [];
  const b: string[] = [];
  const r1 = explore(program(p, a), new DfsStrategy(), { maxExecutions: 500_000 });
  const r2 = explore(program(p, b), new DporStrategy(), { maxExecutions: 500_000 });
  return { dfs: [...new Set(a)].sort(), dpor: [...new Set(b)].sort(), dfsRuns: r1.executions, dporRuns: r2.executions };
}
