// lockdep_assert_held() / lockdep_assert_not_held(): "held" means held by this task, so the
// assertion fails even when another thread holds the lock at that moment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import {
  condResched,
  type Gen,
  KObject,
  lockdepAssertHeld,
  lockdepAssertNotHeld,
  Mutex,
  mutexLock,
  mutexUnlock,
  writeOnce,
} from '../src/sync/index.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

class Table extends KObject {
  entries = 0;
  override get label(): string {
    return 'table';
  }
}

interface World {
  readonly table: Table;
  readonly lock: Mutex;
}

/** callers must hold &table_lock */
function* tableInsertLocked(w: World): Gen {
  lockdepAssertHeld(w.lock);
  yield* writeOnce(w.table, 'entries', 1);
}

/** takes &table_lock itself, so callers must not hold it */
function* tableFlush(w: World): Gen {
  lockdepAssertNotHeld(w.lock);
  yield* mutexLock(w.lock);
  yield* writeOnce(w.table, 'entries', 0);
  yield* mutexUnlock(w.lock);
}

function* withLock(w: World, body: Gen): Gen {
  yield* mutexLock(w.lock);
  yield* body;
  yield* mutexUnlock(w.lock);
}

function program(threads: (w: World) => Array<() => Gen>): Program<World> {
  return {
    setup: () => ({ table: new Table(), lock: new Mutex('&table_lock') }),
    threads: (w) => threads(w).map((body, i) => ({ name: `t${i}`, body })),
  };
}

describe('lockdep_assert_held', () => {
  it('fails when the caller does not hold the lock', () => {
    const r = exhaust(program((w) => [() => tableInsertLocked(w)]));
    assert.deepEqual(foundKinds(r), ['lockdep']);
    const splat = splatOf(r, 'lockdep');
    assert.match(splat, /WARNING: lockdep_assert_held\(\) failed/);
    assert.match(splat, /&table_lock is not held by this task/);
    assert.match(splat, /table_insert_locked/);
  });

  it('fails when another thread holds the lock at that moment', () => {
    const owners: Array<string | null> = [];
    const p = program((w) => [
      () => withLock(w, condResched()),
      function* () {
        yield* condResched();
        owners.push(w.lock.owner?.name ?? null);
        yield* tableInsertLocked(w);
      },
    ]);
    // t0 takes the lock, then t1 runs its check while t0 still holds it
    const exec = replay(p, [0, 1]);
    assert.deepEqual(owners, ['t0']);
    assert.deepEqual(execKinds(exec), ['lockdep']);
    assert.match(exec.violations[0]!.title, /lockdep_assert_held\(\) failed/);
  });

  it('holds when the caller takes the lock', () => {
    const r = exhaust(program((w) => [() => withLock(w, tableInsertLocked(w)), () => withLock(w, tableInsertLocked(w))]));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });
});

describe('lockdep_assert_not_held', () => {
  it('fails when the caller already holds the lock', () => {
    // tableFlush would then block on its own lock: the assertion fires first, then the hang
    const r = exhaust(program((w) => [() => withLock(w, tableFlush(w))]));
    assert.deepEqual(foundKinds(r), ['deadlock', 'lockdep']);
    const splat = splatOf(r, 'lockdep');
    assert.match(splat, /WARNING: lockdep_assert_not_held\(\) failed/);
    assert.match(splat, /&table_lock is held by this task/);
  });

  it('holds when the caller does not, even while another thread holds the lock', () => {
    const r = exhaust(program((w) => [() => withLock(w, tableInsertLocked(w)), () => tableFlush(w)]));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });
});
