// Allocation failures: the fail_nth sweep fails the 1st, 2nd, ... allocation until N passes the
// allocations a run makes; "failures as choices" makes each allocation a branch of the search,
// at most maxFailures per execution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { sweepNth } from '../src/explorer/faults.js';
import { FAIL, type Program } from '../src/rt/execution.js';
import { type Gen, KObject, kfree, kzalloc } from '../src/sync/index.js';
import { findScenario } from '../src/scenarios/registry.js';
import { exhaust, foundKinds, splatOf } from './support/search.js';

class Chunk extends KObject {}

/** one thread allocating `k` chunks; `bail` stops at the first failure, else it goes on */
function allocator(k: number, bail: boolean): Program<null> {
  return {
    setup: () => null,
    threads: () => [{
      name: 'alloc',
      *body(): Gen<number> {
        const got: Array<Chunk | null> = [];
        for (let i = 0; i < k; i++) {
          const c = yield* kzalloc(() => new Chunk());
          if (c === null && bail) break;
          got.push(c);
        }
        for (const c of got) yield* kfree(c);
        return got.filter((c) => c === null).length;
      },
    }],
  };
}

function binomialSum(k: number, m: number): number {
  let sum = 0;
  let c = 1;
  for (let j = 0; j <= Math.min(k, m); j++) {
    sum += c;
    c = (c * (k - j)) / (j + 1);
  }
  return sum;
}

describe('fail_nth sweep', () => {
  it('finds the unchecked allocation\'s NULL dereference', () => {
    const s = findScenario('unchecked-alloc')!;
    const r = sweepNth(s.program, () => new DfsStrategy());
    assert.deepEqual(foundKinds(r), ['null-deref']);
    assert.match(r.found[0]!.schedule, /^n1\//);
    assert.equal(r.found[0]!.nth, 1);
    assert.match(splatOf(r, 'null-deref'), /dereferenced: entry/);
    // two allocations per execution: n = 1, 2, and 3 (which fails none) ends the sweep
    assert.equal(r.maxAllocations, 2);
    assert.equal(r.points, 3);
    assert.equal(r.exhaustive, true);
  });

  it('finds nothing in the checked twin, over the same points', () => {
    const s = findScenario('checked-alloc')!;
    const r = sweepNth(s.program, () => new DfsStrategy());
    assert.deepEqual(foundKinds(r), []);
    assert.equal(r.points, 3);
  });

  for (const k of [0, 1, 3]) {
    it(`stops at N = ${k + 1} for a run that makes ${k} allocation(s)`, () => {
      const r = sweepNth(allocator(k, true), () => new DfsStrategy());
      assert.equal(r.points, k + 1);
      assert.equal(r.executions, k + 1, 'one execution per N: the thread alone makes no choices');
      assert.deepEqual(foundKinds(r), []);
    });
  }
});

describe('failures as choices', () => {
  for (const [k, m] of [[1, 1], [2, 1], [4, 1], [4, 2], [3, 3]] as const) {
    it(`${k} allocation point(s), at most ${m} failure(s): ${binomialSum(k, m)} executions`, () => {
      const r = exhaust(allocator(k, false), { faults: { mode: 'choice', maxFailures: m } });
      assert.equal(r.exhaustive, true);
      assert.equal(r.executions, binomialSum(k, m));
      assert.deepEqual(foundKinds(r), []);
    });
  }

  it('records a failure as F in the counterexample and its schedule', () => {
    const s = findScenario('unchecked-alloc')!;
    const r = exhaust(s.program, { faults: { mode: 'choice', maxFailures: 1 } });
    const cx = r.found[0]!;
    assert.equal(cx.kind, 'null-deref');
    assert.deepEqual(cx.choices.filter((c) => c === FAIL).length, 1);
    assert.match(cx.schedule, /F/);
  });

  it('no failure budget means no fault choices at all', () => {
    const r = exhaust(allocator(3, false), { faults: { mode: 'choice', maxFailures: 0 } });
    assert.equal(r.executions, 1);
  });
});
