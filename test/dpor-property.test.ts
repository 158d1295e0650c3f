// Property tests on random small programs: DPOR runs exactly one execution per Mazurkiewicz
// trace (counted by brute force, deadlocked traces included), reaches the same final states as
// the brute force and as DFS, finds the same violation kinds as DFS, and observes the same
// lockdep lock-order edges as DFS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { Execution, type FaultPlan, type Program } from '../src/rt/execution.js';
import { type LockEdge, LockdepGraph } from '../src/rt/lockdep.js';
import { abbaProgram } from '../src/scenarios/examples/abba.js';
import { bruteForce, compile, type MProgram, philosophers } from './dpor-model.js';
import { opArb, programArb } from './support/dpor-programs.js';

function kinds(program: Program<unknown>, strategy: Strategy, faults: FaultPlan): { kinds: string; executions: number } {
  const r = explore(program, strategy, { faults });
  assert.equal(r.exhaustive, true);
  return { kinds: r.found.map((c) => c.kind).sort().join(','), executions: r.executions };
}

function check(p: MProgram, maxFailures: number): void {
  const faults: FaultPlan = maxFailures > 0 ? { mode: 'choice', maxFailures } : { mode: 'none' };
  const bf = bruteForce(p, maxFailures);
  const dporFinals = new Set<string>();
  const dfsFinals = new Set<string>();
  const strategy = new DporStrategy();
  const dpor = kinds(compile(p, dporFinals) as Program<unknown>, strategy, faults);
  const dfs = kinds(compile(p, dfsFinals) as Program<unknown>, new DfsStrategy(), faults);
  assert.equal(dpor.executions, bf.traces, 'one execution per trace');
  assert.equal(strategy.stats.sleepBlocked, 0);
  assert.deepEqual([...dporFinals].sort(), [...bf.finals].sort(), 'final states (brute force)');
  assert.deepEqual([...dporFinals].sort(), [...dfsFinals].sort(), 'final states (dfs)');
  assert.equal(dpor.kinds, dfs.kinds, 'violation kinds');
}

class RecordingLockdep extends LockdepGraph {
  readonly seen = new Set<string>();
  override addEdge(held: number, taken: number, info: LockEdge): LockEdge[] | null {
    this.seen.add(`${this.classNames[held]} -> ${this.classNames[taken]}`);
    return super.addEdge(held, taken, info);
  }
}

/** The lock-order edges a whole search observes. */
function lockOrder(program: Program<unknown>, strategy: Strategy): string[] {
  const lockdep = new RecordingLockdep();
  const opts = { faults: { mode: 'none' } as const, lockdep, warnFails: true, trace: false, recordOps: true, maxSteps: 10_000 };
  for (let chooser = strategy.next(); chooser !== null; chooser = strategy.next()) {
    strategy.finished(new Execution(program, chooser, opts).run());
  }
  return [...lockdep.seen].sort();
}

describe('dpor on random programs', () => {
  it('locks, reads and writes: executions = traces; finals and kinds as brute force and dfs', () => {
    fc.assert(
      fc.property(programArb(false), (p) => check(p, 0)),
      { numRuns: 100 },
    );
  });

  it('with completions (complete, complete_all) and failable allocations', () => {
    fc.assert(
      fc.property(programArb(true), fc.integer({ min: 0, max: 2 }), (p, maxFailures) => check(p, maxFailures)),
      { numRuns: 80 },
    );
  });

  it('with WARN_ON and BUG_ON (an oops ends the execution): kinds and finals as dfs', () => {
    fc.assert(
      fc.property(programArb(true, true), fc.integer({ min: 0, max: 1 }), (p, maxFailures) => {
        const faults: FaultPlan = maxFailures > 0 ? { mode: 'choice', maxFailures } : { mode: 'none' };
        const dporFinals = new Set<string>();
        const dfsFinals = new Set<string>();
        const strategy = new DporStrategy();
        const dpor = kinds(compile(p, dporFinals) as Program<unknown>, strategy, faults);
        const dfs = kinds(compile(p, dfsFinals) as Program<unknown>, new DfsStrategy(), faults);
        assert.equal(dpor.kinds, dfs.kinds, 'violation kinds');
        assert.deepEqual([...dporFinals].sort(), [...dfsFinals].sort(), 'final states');
        assert.ok(dpor.executions <= dfs.executions);
      }),
      { numRuns: 80 },
    );
  });

  it('lockdep sees the same lock-order edges as with dfs', () => {
    const nested = fc.array(fc.array(opArb({ locks: 3, vars: 1, threads: 2 }, false), { minLength: 2, maxLength: 4 }), {
      minLength: 2,
      maxLength: 2,
    });
    fc.assert(
      fc.property(nested, (threads) => {
        const p: MProgram = { locks: 3, vars: 1, threads };
        const viaDpor = lockOrder(compile(p, new Set()) as Program<unknown>, new DporStrategy());
        const viaDfs = lockOrder(compile(p, new Set()) as Program<unknown>, new DfsStrategy());
        assert.deepEqual(viaDpor, viaDfs);
      }),
      { numRuns: 60 },
    );
    for (const program of [abbaProgram(false), abbaProgram(true), compile(philosophers(3), new Set())]) {
      const p = program as Program<unknown>;
      assert.deepEqual(lockOrder(p, new DporStrategy()), lockOrder(p, new DfsStrategy()));
    }
  });
});
