// refcount_t WARNs like the kernel's: addition on 0 (a get racing the last put) and underflow
// (one put too many). Both saturate the counter; neither is fatal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { Refcount, refcountDecAndTest, refcountInc, refcountIncNotZero } from '../src/sync/index.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

/** The last put racing a get: `plainGet` uses refcount_inc(), the twin refcount_inc_not_zero(). */
function getVsPut(plainGet: boolean): Program<Refcount> {
  return {
    setup: () => new Refcount(1, 'obj->refs'),
    threads: (r) => [
      {
        name: 'put',
        *body() {
          return yield* refcountDecAndTest(r);
        },
      },
      {
        name: 'get',
        *body() {
          if (plainGet) {
            yield* refcountInc(r);
            return true;
          }
          return yield* refcountIncNotZero(r);
        },
      },
    ],
  };
}

/** `puts` threads each drop one of the `refs` references */
function puts(refs: number, n: number): Program<Refcount> {
  return {
    setup: () => new Refcount(refs, 'obj->refs'),
    threads: (r) => Array.from({ length: n }, (_, i) => ({ name: `put${i}`, body: () => refcountDecAndTest(r) })),
  };
}

describe('refcount_t', () => {
  it('refcount_inc() after the last put WARNs "addition on 0"', () => {
    const r = exhaust(getVsPut(true));
    assert.deepEqual(foundKinds(r), ['warn']);
    assert.match(splatOf(r, 'warn'), /refcount_t: addition on 0; use-after-free\./);
  });

  it('refcount_inc() before the last put is fine', () => {
    const exec = replay(getVsPut(true), [1]);
    assert.deepEqual(execKinds(exec), []);
    assert.deepEqual(exec.threads.map((t) => t.result), [false, true]);
  });

  it('the addition-on-0 WARN is not fatal and leaves the counter saturated', () => {
    const exec = replay(getVsPut(true), [0]);
    assert.deepEqual(execKinds(exec), ['warn']);
    assert.equal(exec.fatal, false);
    assert.deepEqual(exec.threads.map((t) => t.result), [true, true]);
  });

  it('refcount_inc_not_zero() never WARNs and fails after the last put', () => {
    const r = exhaust(getVsPut(false));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
    assert.deepEqual(replay(getVsPut(false), [0]).threads.map((t) => t.result), [true, false]);
  });

  it('one put too many WARNs "underflow"', () => {
    const r = exhaust(puts(1, 2));
    assert.deepEqual(foundKinds(r), ['warn']);
    assert.match(splatOf(r, 'warn'), /refcount_t: underflow; use-after-free\./);
  });

  it('as many puts as references: exactly one of them is the last', () => {
    const r = exhaust(puts(2, 2));
    assert.deepEqual(foundKinds(r), []);
    for (const order of [[0], [1]]) {
      const results = replay(puts(2, 2), order).threads.map((t) => t.result);
      assert.deepEqual(results.filter((x) => x === true).length, 1);
    }
  });
});
