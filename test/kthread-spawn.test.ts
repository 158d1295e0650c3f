// kthread_run() starts a thread that the explorer schedules like any other: its steps
// interleave with its parent's, its bugs are found, its objects and lockdep state are its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import {
  Completion,
  complete,
  deref,
  type Gen,
  KObject,
  kthreadRun,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  waitForCompletion,
  writeOnce,
} from '../src/sync/index.js';
import { explore } from '../src/explorer/engine.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

class Stats extends KObject {
  count = 0;
  override get label(): string {
    return 'stats';
  }
}

interface World {
  readonly stats: Stats;
  readonly lock: Mutex;
  readonly exited: Completion;
}

function* bump(w: World, locked: boolean): Gen {
  if (locked) yield* mutexLock(w.lock);
  const v = yield* readOnce(w.stats, 'count');
  yield* writeOnce(w.stats, 'count', v + 1);
  if (locked) yield* mutexUnlock(w.lock);
}

/** starts a worker that bumps the counter, bumps it too, then waits for the worker */
function* parent(w: World, locked: boolean): Gen<number> {
  yield* kthreadRun('worker', function* worker() {
    yield* bump(w, locked);
    yield* complete(w.exited);
  });
  yield* bump(w, locked);
  yield* waitForCompletion(w.exited);
  return yield* readOnce(w.stats, 'count');
}

function program(locked: boolean): Program<World> {
  return {
    setup: () => ({ stats: new Stats(), lock: new Mutex('&stats_lock'), exited: new Completion('&worker_exited') }),
    threads: (w) => [{ name: 'parent', body: () => parent(w, locked) }],
    final: (_w, results) => (results[0] === 2 ? null : `parent counted ${String(results[0])}, expected 2`),
  };
}

describe('kthread_run', () => {
  it('the spawned thread runs and its effects are seen after the parent waits for it', () => {
    const exec = replay(program(true), []);
    assert.deepEqual(execKinds(exec), []);
    assert.deepEqual(exec.threads.map((t) => t.name), ['parent', 'worker']);
    assert.deepEqual(exec.threads.map((t) => t.done), [true, true]);
    assert.equal(exec.threads[0]!.result, 2);
  });

  it('the spawned thread interleaves with its parent: an unlocked update is lost in some order', () => {
    const r = exhaust(program(false));
    assert.deepEqual(foundKinds(r), ['assertion']);
    assert.match(splatOf(r, 'assertion'), /parent counted 1, expected 2/);
    // the lost update needs the worker between the parent's read and write, or the reverse
    assert.ok(r.found[0]!.choices.length >= 2);
  });

  it('under the lock no order loses an update; the search covers both orders of the sections', () => {
    const r = exhaust(program(true));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
    assert.ok(r.executions >= 2, `${r.executions} executions`);
  });

  it('the same interleavings are explored as with both threads started at once', () => {
    // after the spawn: parent read, write, wait; worker read, write, complete. The wait can only
    // come last, so the orders are those of the parent's 2 ops with the worker's 3: C(5,2) = 10
    const spawned = exhaust(program(false)).executions;
    assert.equal(spawned, 10);
    const direct: Program<World> = {
      setup: () => ({ stats: new Stats(), lock: new Mutex('&stats_lock'), exited: new Completion('&worker_exited') }),
      threads: (w) => [
        {
          name: 'parent',
          *body() {
            yield* bump(w, false);
            yield* waitForCompletion(w.exited);
          },
        },
        {
          name: 'worker',
          *body() {
            yield* bump(w, false);
            yield* complete(w.exited);
          },
        },
      ],
    };
    assert.equal(spawned, exhaust(direct).executions);
  });

  it('a thread whose first thread-local code oopses leaves no next step: DPOR analyses the execution', () => {
    // the worker dereferences NULL before its first yield, inside the parent's spawn step; the
    // fatal step ends the execution with the worker neither done nor at a yielded op
    const oops: Program<World> = {
      setup: () => ({ stats: new Stats(), lock: new Mutex('&stats_lock'), exited: new Completion('&worker_exited') }),
      threads: (w) => [
        {
          name: 'parent',
          *body() {
            yield* kthreadRun('worker', function* worker() {
              deref<Stats>(null, 'w->stats');
              yield* bump(w, false);
            });
          },
        },
        { name: 'other', body: () => bump(w, false) },
      ],
    };
    for (const strategy of [new DporStrategy(), new BoundedDporStrategy(1)]) {
      const r = explore(oops, strategy, {});
      assert.deepEqual(foundKinds(r), ['null-deref']);
      assert.equal(r.exhaustive, true);
    }
  });
});
