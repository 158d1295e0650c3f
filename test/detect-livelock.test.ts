// A thread that never stops is a livelock once an execution exceeds maxSteps; a bounded retry
// loop is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { type Gen, KObject, ETIMEDOUT, readOnce } from '../src/sync/index.js';
import { exhaust, foundKinds, splatOf } from './support/search.js';

class Hw extends KObject {
  /** nobody ever sets it: the device never becomes ready */
  ready = false;
  override get label(): string {
    return 'hw';
  }
}

/** polls hw->ready; the fixed one gives up after `tries` */
function* pollReady(hw: Hw, tries: number): Gen<number> {
  for (let i = 0; i < tries; i++) if (yield* readOnce(hw, 'ready')) return 0;
  return -ETIMEDOUT;
}

function program(tries: number): Program<Hw> {
  return {
    setup: () => new Hw(),
    threads: (hw) => [{ name: 'poller', body: () => pollReady(hw, tries) }],
  };
}

describe('livelock', () => {
  it('a poll loop without a bound exceeds maxSteps', () => {
    const r = exhaust(program(Number.POSITIVE_INFINITY), { maxSteps: 50 });
    assert.deepEqual(foundKinds(r), ['livelock']);
    assert.equal(r.found[0]!.steps, 50);
    assert.match(splatOf(r, 'livelock'), /execution exceeded 50 steps/);
  });

  it('a loop that ends at exactly maxSteps steps is not a livelock', () => {
    const r = exhaust(program(50), { maxSteps: 50 });
    assert.deepEqual(foundKinds(r), []);
    assert.equal(r.steps, 50);
  });

  it('a bounded poll loop times out instead', () => {
    const r = exhaust(program(10), { maxSteps: 50 });
    assert.deepEqual(foundKinds(r), []);
  });
});
