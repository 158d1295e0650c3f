// A livelock is a run of steps in which no thread changes anything (a poll loop on state nobody
// will write): reported as a kernel livelock. The step bound (--max-steps) is a limit of the
// search: an execution that reaches it is cut and counted as truncated, and the search is
// incomplete, however long and finite the program.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { type Gen, KObject, ETIMEDOUT, readOnce, writeOnce } from '../src/sync/index.js';
import { exhaust, foundKinds, splatOf } from './support/search.js';

class Hw extends KObject {
  /** nobody ever sets it: the device never becomes ready */
  ready = false;
  count = 0;
  override get label(): string {
    return 'hw';
  }
}

/** polls hw->ready; the fixed one gives up after `tries` */
function* pollReady(hw: Hw, tries: number): Gen<number> {
  for (let i = 0; i < tries; i++) if (yield* readOnce(hw, 'ready')) return 0;
  return -ETIMEDOUT;
}

/** a long but finite program: `n` writes, each a change */
function* count(hw: Hw, n: number): Gen<number> {
  for (let i = 0; i < n; i++) yield* writeOnce(hw, 'count', i);
  return 0;
}

function program(body: (hw: Hw) => Gen<number>): Program<Hw> {
  return {
    setup: () => new Hw(),
    threads: (hw) => [{ name: 'poller', body: () => body(hw) }],
  };
}

describe('livelock', () => {
  it('a poll loop without a bound is a livelock once nothing changed for the window', () => {
    const r = exhaust(program((hw) => pollReady(hw, Number.POSITIVE_INFINITY)), { maxSteps: 1000, livelockSteps: 50 });
    assert.deepEqual(foundKinds(r), ['livelock']);
    assert.equal(r.found[0]!.steps, 50);
    assert.equal(r.truncated, 0);
    assert.match(splatOf(r, 'livelock'), /no thread changed anything in the last 50 steps/);
    assert.match(splatOf(r, 'livelock'), /poller\/\d+ at READ_ONCE\(hw\.ready\)/);
  });

  it('a bounded poll loop shorter than the window times out instead', () => {
    const r = exhaust(program((hw) => pollReady(hw, 49)), { maxSteps: 1000, livelockSteps: 50 });
    assert.deepEqual(foundKinds(r), []);
    assert.equal(r.steps, 49);
  });

  it('a long finite program that reaches the step bound is a truncated execution, not a livelock', () => {
    const r = exhaust(program((hw) => count(hw, 10_000)), { maxSteps: 5000, livelockSteps: 50 });
    assert.deepEqual(foundKinds(r), []);
    assert.equal(r.truncated, 1);
    assert.equal(r.exhaustive, false);
    assert.equal(r.steps, 5000);
  });

  it('a loop that ends at exactly maxSteps steps is complete', () => {
    const r = exhaust(program((hw) => count(hw, 50)), { maxSteps: 50 });
    assert.deepEqual(foundKinds(r), []);
    assert.equal(r.truncated, 0);
    assert.equal(r.exhaustive, true);
    assert.equal(r.steps, 50);
  });
});
