// DPOR finds what plain DFS finds: the same set of violation kinds and the same set of final
// states, on every built-in scenario and the example programs with their variants, under each
// fault-injection mode, and on programs built to break a careless reduction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { sweepNth } from '../src/explorer/faults.js';
import type { Strategy } from '../src/explorer/strategy.js';
import type { FaultPlan, Program } from '../src/rt/execution.js';
import { Thread } from '../src/rt/thread.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { iommuProgram, iommuSpecOf } from '../src/scenarios/iommu/build.js';
import { builtinScenarios, findScenario } from '../src/scenarios/registry.js';
import fc from 'fast-check';
import { randomIommuSpec } from './support/random-iommu.js';
import { dfsAffordable, dfsCrossCheckFew } from './support/dfs-heavy.js';
import { heavyRun, representative } from './support/heavy.js';
import { examplePrograms, faultModes } from './support/examples.js';
import {
  BUG_ON,
  Completion,
  complete,
  completeAll,
  KObject,
  kfree,
  kthreadRun,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  Refcount,
  refcountDecAndTest,
  setupAlloc,
  waitForCompletion,
  WARN_ON,
  writeOnce,
} from '../src/sync/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- programs of any world type
type AnyProgram = Program<any>;

const skipped = new Set(['allocStack', 'freeStack', 'lockOp', 'unlockOp', 'waitOp', 'signalOp', 'signalAllOp', 'op', 'cls', 'container']);

/** A stable text of a world and the thread results, for comparing final states. */
function snapshot(x: unknown, depth = 3): string {
  if (x === null || typeof x !== 'object') return String(x);
  if (x instanceof Thread) return `thread:${x.name}`;
  if (depth === 0) return '{...}';
  if (Array.isArray(x)) return `[${x.map((v) => snapshot(v, depth - 1)).join(',')}]`;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => !skipped.has(k))
    .sort();
  return `{${keys.map((k) => `${k}:${snapshot(o[k], depth - 1)}`).join(',')}}`;
}

function observed(program: AnyProgram, finals: Set<string>): Program<unknown> {
  return {
    ...program,
    final(w: unknown, results: readonly unknown[]) {
      finals.add(`${snapshot(results)} ${snapshot(w)}`);
      return program.final?.(w, results) ?? null;
    },
  };
}

interface Outcome {
  readonly kinds: string;
  readonly finals: readonly string[];
  readonly executions: number;
}

function search(program: AnyProgram, make: () => Strategy, faults: FaultPlan): Outcome {
  const r = capped(program, make, faults, Number.POSITIVE_INFINITY);
  assert.notEqual(r, null, 'the search must be complete to compare');
  return r!;
}

/** the search, or null when it did not finish within `cap` executions */
function capped(program: AnyProgram, make: () => Strategy, faults: FaultPlan, cap: number): Outcome | null {
  const finals = new Set<string>();
  const p = observed(program, finals);
  const opts = { faults, timeLimitMs: 600_000, ...(cap === Number.POSITIVE_INFINITY ? {} : { maxExecutions: cap }) };
  const r = faults.mode === 'nth' ? sweepNth(p, make, opts) : explore(p, make(), opts);
  if (!r.exhaustive) return null;
  return { kinds: r.found.map((c) => c.kind).sort().join(','), finals: [...finals].sort(), executions: r.executions };
}

/** DPOR and DFS agree on kinds and final states; DPOR runs no more executions. */
function agree(name: string, program: AnyProgram, faults: FaultPlan = { mode: 'none' }): Outcome {
  const dfs = search(program, () => new DfsStrategy(), faults);
  const dpor = search(program, () => new DporStrategy(), faults);
  assert.equal(dpor.kinds, dfs.kinds, `${name}: violation kinds`);
  assert.deepEqual(dpor.finals, dfs.finals, `${name}: final states`);
  assert.ok(dpor.executions <= dfs.executions, `${name}: dpor ${dpor.executions} > dfs ${dfs.executions}`);
  return dpor;
}

describe('dpor soundness: same violation kinds and final states as dfs', () => {
  it('the built-in scenarios (npm test: a representative few), with their faults and under every fault mode', () => {
    for (const s of representative(dfsAffordable(builtinScenarios), dfsCrossCheckFew)) {
      agree(s.name, s.program, s.faults ?? { mode: 'none' });
      for (const f of faultModes) agree(`${s.name} ${f.mode}`, s.program, f);
    }
  });

  it('counter: sizes, with and without the lock', () => {
    for (const [n, k] of [
      [2, 1],
      [2, 2],
      [2, 3],
      [3, 1],
    ] as const) {
      for (const locked of [false, true]) agree(`counter(${n},${k},${locked})`, counterProgram(n, k, locked));
    }
    agree('counter(3,2,true)', counterProgram(3, 2, true));
  });

  it('abba, uaf, leak, alloc and sleep examples, every variant and fault mode', () => {
    for (const [name, p] of examplePrograms) for (const f of faultModes) agree(`${name} ${f.mode}`, p, f);
  });

  it('random IOMMU scenarios (invariants checked at their points)', () => {
    const longRuns = process.env.IOMMULAB_SOUNDNESS_RUNS;
    fc.assert(
      fc.property(randomIommuSpec, (spec) => {
        const program = iommuProgram(spec);
        // programs whose every interleaving DFS cannot run in a few thousand executions are skipped
        const dfs = capped(program, () => new DfsStrategy(), { mode: 'none' }, 3000);
        fc.pre(dfs !== null);
        const dpor = search(program, () => new DporStrategy(), { mode: 'none' });
        const name = JSON.stringify(spec.threads);
        assert.equal(dpor.kinds, dfs!.kinds, `${name}: violation kinds`);
        assert.deepEqual(dpor.finals, dfs!.finals, `${name}: final states`);
      }),
      // IOMMULAB_SOUNDNESS_RUNS=N: a longer campaign, with a fresh seed (printed on failure)
      // (npm test: 8 specs of the fixed seed; npm run test:heavy: 15, as npm test until 2026-12-05)
      longRuns === undefined ? { numRuns: heavyRun ? 15 : 8, seed: 20261204 } : { numRuns: Number(longRuns) },
    );
  });

  it('an IOMMU scenario with the whole-state invariant after every step: dpor runs dfs\'s executions, no more', () => {
    // the smallest concurrent built-in DFS can search, 356 executions (iommu-reset-vs-attach until
    // the yield-rule events of branch yields took its DFS from 1,064 executions to 7,871, then
    // iommu-hotadd-into-group, 1,653, until 2026-12-05; npm run test:heavy runs that one too)
    for (const name of ['iommu-group-attach-detach', ...(heavyRun ? ['iommu-hotadd-into-group'] : [])]) {
      const spec = iommuSpecOf(findScenario(name)!)!;
      const program = iommuProgram(spec, undefined, 'every-step');
      const dfs = search(program, () => new DfsStrategy(), { mode: 'none' });
      const dpor = agree(`${name} every-step`, program);
      assert.equal(dpor.executions, dfs.executions, name);
    }
  });

  it('an invariant over two independent writes is seen (no step commutes with an invariant)', () => {
    class Pair extends KObject {
      x = 0;
      y = 0;
    }
    const program: Program<Pair> = {
      setup: () => new Pair(),
      threads: (p) => [
        { name: 'x', body: () => writeOnce(p, 'x', 1) },
        { name: 'y', body: () => writeOnce(p, 'y', 1) },
      ],
      // broken only in the intermediate state where y is set and x is not
      invariant: (p) => (p.y === 1 && p.x === 0 ? 'y set before x' : null),
    };
    assert.equal(agree('invariant', program).kinds, 'invariant');
  });

  it('an oops does not hide the steps it would cut off', () => {
    class Cell extends KObject {
      v = 0;
    }
    const program: Program<{ a: Cell; b: Cell }> = {
      setup: () => ({ a: new Cell(), b: new Cell() }),
      threads: (w) => [
        {
          name: 'oops',
          *body() {
            const v = yield* readOnce(w.a, 'v');
            BUG_ON(v === 0, 'BUG_ON(!a->v)');
          },
        },
        {
          name: 'warn',
          *body() {
            const v = yield* readOnce(w.b, 'v');
            WARN_ON(v === 0, 'WARN_ON(!b->v)');
          },
        },
      ],
    };
    assert.equal(agree('oops', program).kinds, 'bug,warn');
  });

  it('kfree() of an object conflicts with its embedded refcount and lock', () => {
    class Obj extends KObject {
      readonly ref: Refcount;
      readonly lock: Mutex;
      constructor() {
        super();
        this.ref = new Refcount(1, 'obj->ref', this);
        this.lock = new Mutex('&obj->lock', this);
      }
    }
    const program = (viaLock: boolean): Program<{ obj: Obj }> => ({
      setup: () => ({ obj: setupAlloc(() => new Obj()) }),
      // the user runs first when nothing says otherwise: only the conflict brings the free first
      threads: (w) => [
        {
          name: 'user',
          *body() {
            if (viaLock) {
              yield* mutexLock(w.obj.lock);
              yield* mutexUnlock(w.obj.lock);
            } else {
              yield* refcountDecAndTest(w.obj.ref);
            }
          },
        },
        { name: 'free', body: () => kfree(w.obj) },
      ],
    });
    assert.equal(agree('refcount', program(false)).kinds, 'use-after-free');
    assert.equal(agree('lock', program(true)).kinds, 'use-after-free');
  });

  it('completions: a lost wakeup deadlocks, complete_all releases every waiter', () => {
    const program = (all: boolean, waiters: number): Program<{ c: Completion; m: Mutex }> => ({
      setup: () => ({ c: new Completion('&done'), m: new Mutex('&m') }),
      threads: (w) => [
        ...Array.from({ length: waiters }, (_, i) => ({
          name: `waiter${i}`,
          *body() {
            yield* mutexLock(w.m);
            yield* mutexUnlock(w.m);
            yield* waitForCompletion(w.c);
          },
        })),
        {
          name: 'poster',
          *body() {
            yield* mutexLock(w.m);
            yield* mutexUnlock(w.m);
            yield* (all ? completeAll(w.c) : complete(w.c));
          },
        },
      ],
    });
    assert.equal(agree('complete one of two', program(false, 2)).kinds, 'deadlock');
    assert.equal(agree('complete_all', program(true, 2)).kinds, '');
    assert.equal(agree('complete one of one', program(false, 1)).kinds, '');
  });

  it('threads started by kthread_run happen after the spawning step', () => {
    class Flag extends KObject {
      ready = 0;
      data = 0;
    }
    const program: Program<{ f: Flag }> = {
      setup: () => ({ f: new Flag() }),
      threads: (w) => [
        {
          name: 'parent',
          *body() {
            yield* writeOnce(w.f, 'data', 1);
            yield* kthreadRun('child', function* () {
              // the data written before the spawn is always visible
              const d = yield* readOnce(w.f, 'data');
              WARN_ON(d === 0, 'child saw no data');
              yield* writeOnce(w.f, 'ready', 1);
            });
            yield* writeOnce(w.f, 'data', 2);
          },
        },
        {
          name: 'other',
          *body() {
            yield* kthreadRun('grandchild', function* () {
              yield* writeOnce(w.f, 'ready', 2);
            });
            const r = yield* readOnce(w.f, 'ready');
            return r;
          },
        },
      ],
    };
    const dpor = agree('spawn', program);
    assert.equal(dpor.kinds, '');
    assert.ok(dpor.finals.length > 1);
  });

  it('a scenario that is not deterministic is refused, not silently mis-explored', () => {
    let runs = 0;
    class Cell extends KObject {
      v = 0;
    }
    const program: Program<{ a: Cell; b: Cell }> = {
      setup: () => ({ a: new Cell(), b: new Cell() }),
      threads: (w) => [
        { name: 't0', body: () => writeOnce(w.a, 'v', 1) },
        {
          name: 't1',
          *body() {
            // depends on a counter outside the world: a different op on each execution
            yield* writeOnce(runs++ % 2 === 0 ? w.a : w.b, 'v', 2);
            yield* writeOnce(w.a, 'v', 3);
          },
        },
      ],
    };
    assert.throws(() => explore(program as Program<unknown>, new DporStrategy()), /not deterministic/);
  });
});
