// msleep() (sync/sleep.ts): a thread that sleeps gives its CPU up, so switching away from it is
// no preemption. The sleep adds no scheduling point and no interleaving; it moves executions
// inside a preemption bound. Here a read, a sleep and a write race another thread's update: the
// lost update needs one preemption without the sleep and none with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import type { Program } from '../src/rt/execution.js';
import { type Gen, KObject, msleep, readOnce, writeOnce } from '../src/sync/index.js';
import { observing } from './support/observe.js';
import { exhaust, foundKinds } from './support/search.js';

class Counter extends KObject {
  value = 0;
  override get label(): string {
    return 'counter';
  }
}

function* update(c: Counter, sleeps: boolean): Gen {
  const v = yield* readOnce(c, 'value');
  if (sleeps) msleep(100);
  yield* writeOnce(c, 'value', v + 1);
}

function program(sleeps: boolean): Program<Counter> {
  return {
    setup: () => new Counter(),
    threads: (c) => [
      { name: 'sleeper', body: () => update(c, sleeps) },
      { name: 'other', body: () => update(c, false) },
    ],
    final: (c) => (c.value === 2 ? null : `counter is ${c.value}: an update was lost`),
  };
}

describe('msleep', () => {
  it('makes the switch away from the sleeper free: bound 0 finds the lost update, with 0 preemptions', () => {
    assert.deepEqual(foundKinds(explore(program(false), new DfsStrategy(0))), []);
    const r = explore(program(true), new DfsStrategy(0));
    assert.deepEqual(foundKinds(r), ['assertion']);
    assert.equal(r.found[0]!.preemptions, 0);
    const d = explore(program(true), new BoundedDporStrategy(0));
    assert.deepEqual(foundKinds(d), ['assertion']);
  });

  it('adds no interleaving: the unbounded search runs as many executions with and without it', () => {
    assert.equal(exhaust(program(true)).executions, exhaust(program(false)).executions);
  });

  it('counts the choice points where the last thread slept', () => {
    let most = 0;
    explore(program(true), observing(new DfsStrategy(), (exec) => (most = Math.max(most, exec.sleepChoices))));
    assert.equal(most, 1);
    let none = 0;
    explore(program(false), observing(new DfsStrategy(), (exec) => (none += exec.sleepChoices)));
    assert.equal(none, 0);
  });
});
