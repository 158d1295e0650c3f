// Lock balance: unlocking a lock this task does not hold, returning with a lock held (and the
// hang that leaves for the next taker), and taking a lock of a class already held.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import {
  condResched,
  EINVAL,
  type Gen,
  KObject,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  spinLock,
  Spinlock,
  spinUnlock,
} from '../src/sync/index.js';
import { exhaust, foundKinds, replay, splatOf } from './support/search.js';

class Req extends KObject {
  valid = false;
  override get label(): string {
    return 'req';
  }
}

interface World {
  readonly req: Req;
  readonly lock: Mutex;
}

/** validates under the lock; the buggy error path returns without unlocking */
function* handle(w: World, unlockOnError: boolean): Gen<number> {
  yield* mutexLock(w.lock);
  const valid = yield* readOnce(w.req, 'valid');
  if (!valid) {
    if (unlockOnError) yield* mutexUnlock(w.lock);
    return -EINVAL;
  }
  yield* mutexUnlock(w.lock);
  return 0;
}

function program(threads: number, unlockOnError: boolean): Program<World> {
  return {
    setup: () => ({ req: new Req(), lock: new Mutex('&req_lock') }),
    threads: (w) => Array.from({ length: threads }, (_, i) => ({ name: `h${i}`, body: () => handle(w, unlockOnError) })),
  };
}

describe('lock held at thread exit', () => {
  it('is reported when a thread returns holding a lock', () => {
    const r = exhaust(program(1, false));
    assert.deepEqual(foundKinds(r), ['lockdep']);
    const splat = splatOf(r, 'lockdep');
    assert.match(splat, /WARNING: lock held when returning to user space!/);
    assert.match(splat, /h0\/1 is leaving the kernel with locks still held:\n #0: &req_lock/);
  });

  it('hangs the next thread that takes the lock, naming the exited holder', () => {
    const r = exhaust(program(2, false));
    assert.deepEqual(foundKinds(r), ['deadlock', 'lockdep']);
    assert.match(splatOf(r, 'deadlock'), /waiting in mutex_lock\(&req_lock\), held by h[01]:[12] \(exited\)/);
  });

  it('is silent when the error path unlocks', () => {
    const r = exhaust(program(2, true));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });
});

describe('bad unlock balance', () => {
  function unlocker(lockFirst: boolean, byOther: boolean): Program<Mutex> {
    return {
      setup: () => new Mutex('&dev_lock'),
      threads: (m) => [
        {
          name: 'holder',
          *body() {
            if (byOther) yield* mutexLock(m);
          },
        },
        {
          name: 'unlocker',
          *body() {
            if (lockFirst) yield* mutexLock(m);
            yield* mutexUnlock(m);
          },
        },
      ],
    };
  }

  it('is reported for unlocking a lock nobody holds', () => {
    const r = exhaust(unlocker(false, false));
    assert.deepEqual(foundKinds(r), ['lockdep']);
    const splat = splatOf(r, 'lockdep');
    assert.match(splat, /WARNING: bad unlock balance detected!/);
    assert.match(splat, /unlocker\/2 is trying to release lock \(&dev_lock\) but there are no more locks to release!/);
  });

  it('is reported for unlocking a lock another thread holds, which keeps it', () => {
    const program: Program<Mutex> = {
      setup: () => new Mutex('&dev_lock'),
      threads: (m) => [
        {
          name: 'holder',
          *body() {
            yield* mutexLock(m);
            yield* condResched();
            yield* mutexUnlock(m);
          },
        },
        { name: 'unlocker', body: () => mutexUnlock(m) },
      ],
    };
    const exec = replay(program, [0, 1]); // holder locks, then unlocker unlocks
    assert.deepEqual(exec.violations.map((v) => v.title), ['WARNING: bad unlock balance detected!']);
    assert.equal(exec.violations[0]!.thread, 'unlocker');
    assert.equal(exec.threads.every((t) => t.done), true, 'the holder still owned the lock and released it');
  });

  it('is silent for a balanced lock and unlock', () => {
    assert.deepEqual(foundKinds(exhaust(unlocker(true, false))), []);
  });
});

describe('recursive locking', () => {
  it('taking a lock of a class this task already holds is reported before the self-deadlock', () => {
    const program: Program<{ a: Spinlock; b: Spinlock }> = {
      // two instances initialised at one site share a lockdep class
      setup: () => ({ a: new Spinlock('&a->lock', null, 'dev_lock'), b: new Spinlock('&b->lock', null, 'dev_lock') }),
      threads: (w) => [{
        name: 'nester',
        *body() {
          yield* spinLock(w.a);
          yield* spinLock(w.b);
          yield* spinUnlock(w.b);
          yield* spinUnlock(w.a);
        },
      }],
    };
    const r = exhaust(program);
    assert.deepEqual(foundKinds(r), ['lockdep']);
    const splat = splatOf(r, 'lockdep');
    assert.match(splat, /WARNING: possible recursive locking detected/);
    assert.match(splat, /May be due to missing lock nesting notation/);
  });
});
