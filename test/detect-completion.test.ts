// struct completion: a waiter runs only after complete(), so what the completer wrote before
// complete() is visible to it; a wait nobody completes is a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { complete, Completion, condResched, type Gen, KObject, readOnce, waitForCompletion, writeOnce } from '../src/sync/index.js';
import { exhaust, foundKinds, splatOf } from './support/search.js';

class Result extends KObject {
  value = 0;
  override get label(): string {
    return 'result';
  }
}

interface World {
  readonly result: Result;
  readonly done: Completion;
}

/** publishes the result; the buggy one signals before writing it */
function* producer(w: World, signalFirst: boolean): Gen {
  if (signalFirst) yield* complete(w.done);
  yield* writeOnce(w.result, 'value', 42);
  if (!signalFirst) yield* complete(w.done);
}

function* consumer(w: World): Gen<number> {
  yield* waitForCompletion(w.done);
  return yield* readOnce(w.result, 'value');
}

function program(signalFirst: boolean): Program<World> {
  return {
    setup: () => ({ result: new Result(), done: new Completion('&done') }),
    threads: (w) => [
      { name: 'consumer', body: () => consumer(w) },
      { name: 'producer', body: () => producer(w, signalFirst) },
    ],
    final: (_w, results) => (results[0] === 42 ? null : `consumer read ${String(results[0])}, expected 42`),
  };
}

describe('completion', () => {
  it('orders the write before complete() before the waiter\'s read, in every interleaving', () => {
    const r = exhaust(program(false));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
    // the consumer cannot run before complete() and the producer ends with it: no choice at all
    assert.equal(r.executions, 1);
  });

  it('complete() before the write lets the waiter read the old value', () => {
    const r = exhaust(program(true));
    assert.deepEqual(foundKinds(r), ['assertion']);
    assert.match(splatOf(r, 'assertion'), /consumer read 0, expected 42/);
  });

  it('a wait that is never completed is a hang, reported with the waiter and where it waits', () => {
    const hang: Program<Completion> = {
      setup: () => new Completion('&probe_done'),
      threads: (c) => [
        { name: 'waiter', body: () => waitForCompletion(c) },
        { name: 'other', body: condResched },
      ],
    };
    const r = exhaust(hang);
    assert.deepEqual(foundKinds(r), ['deadlock']);
    const splat = splatOf(r, 'deadlock');
    assert.match(splat, /INFO: task waiter:1 blocked for more than 120 seconds\./);
    assert.match(splat, /waiting in wait_for_completion\(&probe_done\)/);
    assert.doesNotMatch(splat, /task other/);
  });

  it('each complete() releases one waiter', () => {
    const twoWaiters = (completions: number): Program<Completion> => ({
      setup: () => new Completion('&ready'),
      threads: (c) => [
        { name: 'w0', body: () => waitForCompletion(c) },
        { name: 'w1', body: () => waitForCompletion(c) },
        {
          name: 'signaller',
          *body() {
            for (let i = 0; i < completions; i++) yield* complete(c);
          },
        },
      ],
    });
    assert.deepEqual(foundKinds(exhaust(twoWaiters(1))), ['deadlock']);
    assert.deepEqual(foundKinds(exhaust(twoWaiters(2))), []);
  });
});
