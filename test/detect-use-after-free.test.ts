// KASAN slab-use-after-free on every way model code touches a freed object: deref(), a
// lockless read, taking a lock embedded in it, and a refcount on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import {
  deref,
  type Gen,
  KObject,
  kfree,
  kzalloc,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  Refcount,
  refcountInc,
} from '../src/sync/index.js';
import { exhaust, foundKinds, splatOf } from './support/search.js';

class Group extends KObject {
  id = 5;
  readonly mutex: Mutex = new Mutex('&group->mutex', this, 'group_mutex');
  readonly users: Refcount = new Refcount(1, 'group->users', this);
}

type Touch = 'deref' | 'read' | 'lock' | 'refcount';

function* touch(g: Group, how: Touch): Gen {
  switch (how) {
    case 'deref':
      deref(g, 'group');
      return;
    case 'read':
      yield* readOnce(g, 'id');
      return;
    case 'lock':
      yield* mutexLock(g.mutex);
      yield* mutexUnlock(g.mutex);
      return;
    case 'refcount':
      yield* refcountInc(g.users);
  }
}

/** One thread allocates a group and frees it; `early` touches it after the free, the twin before. */
function program(how: Touch, early: boolean): Program<null> {
  return {
    setup: () => null,
    threads: () => [{
      name: 'owner',
      *body() {
        const g = yield* kzalloc(() => new Group());
        if (g === null) return;
        if (!early) yield* touch(g, how);
        yield* kfree(g);
        if (early) yield* touch(g, how);
        else if (how === 'refcount') g.users.value--; // balance the twin's reference
      },
    }],
  };
}

const expectedAccess: Record<Touch, RegExp> = {
  deref: /Read of group by task owner\/1/,
  read: /Read of id by task owner\/1/,
  lock: /lock &group->mutex by task owner\/1/,
  refcount: /refcount group->users by task owner\/1/,
};

describe('use after free', () => {
  for (const how of ['deref', 'read', 'lock', 'refcount'] as const) {
    it(`${how} of a freed object is a KASAN slab-use-after-free`, () => {
      const r = exhaust(program(how, true));
      assert.deepEqual(foundKinds(r), ['use-after-free']);
      const splat = splatOf(r, 'use-after-free');
      assert.match(splat, /BUG: KASAN: slab-use-after-free in touch \(test\/detect-use-after-free\.test\.ts:\d+\)/);
      assert.match(splat, expectedAccess[how]);
      assert.match(splat, /Freed by task owner:/);
      assert.match(splat, /The buggy address belongs to the object Group#[0-9a-f]+/);
    });

    it(`${how} before the free is fine`, () => {
      assert.deepEqual(foundKinds(exhaust(program(how, false))), []);
    });
  }
});
