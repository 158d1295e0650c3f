// Exhaustive DFS runs each interleaving exactly once. With the increments under a mutex, the
// interleavings are the orders of the n*k critical sections: (n*k)!/(k!)^n. Without it, every
// read and write interleaves: (2nk)!/((2k)!)^n.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { exhaust, foundKinds } from './support/search.js';

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** orders of n threads' sequences of `len` steps each */
function multinomial(n: number, len: number): number {
  return factorial(n * len) / factorial(len) ** n;
}

describe('DFS execution count', () => {
  for (const [n, k] of [[2, 1], [2, 3], [3, 1], [3, 2], [4, 1]] as const) {
    it(`${n} threads x ${k} locked sections: ${multinomial(n, k)} executions`, () => {
      const r = exhaust(counterProgram(n, k, true));
      assert.equal(r.exhaustive, true);
      assert.deepEqual(foundKinds(r), []);
      assert.equal(r.executions, multinomial(n, k));
    });
  }

  for (const [n, k] of [[2, 1], [2, 2], [3, 1]] as const) {
    it(`${n} threads x ${k} unlocked increments: ${multinomial(n, 2 * k)} executions`, () => {
      const r = exhaust(counterProgram(n, k, false));
      assert.equal(r.exhaustive, true);
      assert.deepEqual(foundKinds(r), ['assertion']);
      assert.equal(r.executions, multinomial(n, 2 * k));
    });
  }
});
