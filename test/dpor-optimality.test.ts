// DPOR explores exactly one execution per Mazurkiewicz equivalence class, on programs whose
// number of classes is known in closed form or counted by an independent brute force.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import type { FaultPlan, Program } from '../src/rt/execution.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { bruteForce, compile, countNormalForms, type MOp, type MProgram, philosophers } from './dpor-model.js';

function dpor(program: Program<unknown>, faults: FaultPlan = { mode: 'none' }) {
  const strategy = new DporStrategy();
  const r = explore(program, strategy, { faults });
  assert.equal(r.exhaustive, true);
  assert.equal(strategy.stats.sleepBlocked, 0, 'no redundant (sleep-set blocked) execution');
  return r.executions;
}

function dporModel(p: MProgram, maxFailures = 0): number {
  const faults: FaultPlan = maxFailures > 0 ? { mode: 'choice', maxFailures } : { mode: 'none' };
  return dpor(compile(p, new Set()) as Program<unknown>, faults);
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
const binomial = (n: number, k: number): number => factorial(n) / (factorial(k) * factorial(n - k));

describe('dpor optimality: executions = equivalence classes', () => {
  it('N threads on their own variables: 1 class', () => {
    for (const n of [2, 3, 5]) {
      const threads: MOp[][] = Array.from({ length: n }, (_, t) => [
        { k: 'read', v: t },
        { k: 'write', v: t },
        { k: 'write', v: t },
      ]);
      assert.equal(dporModel({ locks: 0, vars: n, threads }), 1, `${n} threads`);
    }
  });

  it('N threads each under its own lock: 1 class', () => {
    for (const n of [2, 4]) {
      const threads: MOp[][] = Array.from({ length: n }, (_, t) => [
        { k: 'lock', lock: t },
        { k: 'write', v: t },
        { k: 'unlock', lock: t },
        { k: 'lock', lock: t },
        { k: 'read', v: t },
        { k: 'unlock', lock: t },
      ]);
      assert.equal(dporModel({ locks: n, vars: n, threads }), 1, `${n} threads`);
    }
  });

  it('two threads, k critical sections each on one lock: C(2k, k) classes', () => {
    for (const k of [1, 2, 3, 4]) {
      assert.equal(dpor(counterProgram(2, k, true) as Program<unknown>), binomial(2 * k, k), `k=${k}`);
    }
  });

  it('n threads, k critical sections each: (nk)!/(k!)^n classes', () => {
    assert.equal(dpor(counterProgram(3, 2, true) as Program<unknown>), factorial(6) / 8);
  });

  it('N threads writing one variable once: N! classes', () => {
    for (const n of [2, 3, 4, 5]) {
      const threads: MOp[][] = Array.from({ length: n }, () => [{ k: 'write', v: 0 }]);
      assert.equal(dporModel({ locks: 0, vars: 1, threads }), factorial(n), `${n} writers`);
    }
  });

  it('N readers of one variable and no writer: 1 class', () => {
    for (const n of [2, 4, 6]) {
      const threads: MOp[][] = Array.from({ length: n }, () => [
        { k: 'read', v: 0 },
        { k: 'read', v: 0 },
      ]);
      assert.equal(dporModel({ locks: 0, vars: 1, threads }), 1, `${n} readers`);
    }
  });

  it('dining philosophers 3 and 4: as many executions as brute-force traces', () => {
    const three = bruteForce(philosophers(3));
    assert.equal(three.traces, 7);
    assert.equal(countNormalForms(philosophers(3)), 7, 'normal-form count agrees with the full enumeration');
    assert.equal(dporModel(philosophers(3)), three.traces);
    const four = countNormalForms(philosophers(4));
    assert.equal(four, 15);
    assert.equal(dporModel(philosophers(4)), four);
  });

  it('dining philosophers 5 and 6 (31 and 63 classes by normal-form count)', () => {
    for (const n of [5, 6]) assert.equal(dporModel(philosophers(n)), countNormalForms(philosophers(n)), `${n} philosophers`);
    assert.equal(countNormalForms(philosophers(5)), 31);
    assert.equal(countNormalForms(philosophers(6)), 63);
  });

  it('a failable allocation per thread, one failure allowed: 1 + N classes', () => {
    // allocations commute; the classes are the outcome vectors with at most one failure
    for (const n of [1, 2, 3]) {
      const threads: MOp[][] = Array.from({ length: n }, (_, t) => [{ k: 'alloc' }, { k: 'write', v: t }]);
      assert.equal(dporModel({ locks: 0, vars: n, threads }, 1), 1 + n, `${n} threads`);
    }
  });

  it('a blocked execution is a class of its own: wait with and without a signal first', () => {
    // t0 waits once; t1 and t2 each signal once: every order of the three ops on the
    // completion where the wait is not first (4 classes)
    const p: MProgram = {
      locks: 0,
      vars: 0,
      completions: 1,
      threads: [[{ k: 'wait', c: 0 }], [{ k: 'signal', c: 0 }], [{ k: 'signal', c: 0 }]],
    };
    assert.equal(bruteForce(p).traces, 4);
    assert.equal(dporModel(p), 4);
  });

  it('ABBA: each order of the two threads, and the deadlock (3 classes)', () => {
    const abba: MProgram = {
      locks: 2,
      vars: 0,
      threads: [
        [{ k: 'lock', lock: 0 }, { k: 'lock', lock: 1 }, { k: 'unlock', lock: 1 }, { k: 'unlock', lock: 0 }],
        [{ k: 'lock', lock: 1 }, { k: 'lock', lock: 0 }, { k: 'unlock', lock: 0 }, { k: 'unlock', lock: 1 }],
      ],
    };
    assert.equal(bruteForce(abba).traces, 3);
    assert.equal(dporModel(abba), 3);
  });

  it('complete_all releases every waiter: each order of the waits after it', () => {
    // three waiters and one complete_all: the signal first, then the 3! orders of the waits
    const p: MProgram = {
      locks: 0,
      vars: 0,
      completions: 1,
      threads: [[{ k: 'signal-all', c: 0 }], [{ k: 'wait', c: 0 }], [{ k: 'wait', c: 0 }], [{ k: 'wait', c: 0 }]],
    };
    assert.equal(bruteForce(p).traces, 6);
    assert.equal(dporModel(p), 6);
  });

  it('spawned threads: as many executions as brute-force traces', () => {
    const p: MProgram = {
      locks: 1,
      vars: 1,
      threads: [
        [{ k: 'write', v: 0 }, { k: 'spawn', t: 2 }, { k: 'lock', lock: 0 }, { k: 'unlock', lock: 0 }],
        [{ k: 'lock', lock: 0 }, { k: 'read', v: 0 }, { k: 'unlock', lock: 0 }],
        [{ k: 'write', v: 0 }, { k: 'lock', lock: 0 }, { k: 'unlock', lock: 0 }],
      ],
      spawned: [2],
    };
    const bf = bruteForce(p);
    assert.ok(bf.traces > 1);
    assert.equal(dporModel(p), bf.traces);
  });

  it('threads spawned by two parents: as many executions as brute-force traces', () => {
    // the runtime numbers threads by spawn order, so the two spawns are ordered
    const p: MProgram = {
      locks: 0,
      vars: 1,
      threads: [
        [{ k: 'write', v: 0 }, { k: 'spawn', t: 2 }],
        [{ k: 'read', v: 0 }, { k: 'spawn', t: 3 }],
        [{ k: 'write', v: 0 }],
        [{ k: 'read', v: 0 }, { k: 'write', v: 0 }],
      ],
      spawned: [2, 3],
    };
    const bf = bruteForce(p);
    assert.ok(bf.traces > 1);
    assert.equal(dporModel(p), bf.traces);
  });
});
