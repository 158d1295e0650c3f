// KASAN double-free and invalid-free: two releasers that both see the pointer free it twice;
// the twin claims the pointer atomically so exactly one frees it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { atomicUpdate, type Gen, KObject, kfree, readOnce, setupAlloc, writeOnce } from '../src/sync/index.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

class Buf extends KObject {
  data = 1;
}

class Owner extends KObject {
  buf: Buf | null = null;
  override get label(): string {
    return 'owner';
  }
}

/** p = READ_ONCE(o->buf); WRITE_ONCE(o->buf, NULL); kfree(p): two of these can both see p */
function* releaseRacy(o: Owner): Gen {
  const p = yield* readOnce(o, 'buf');
  yield* writeOnce(o, 'buf', null);
  yield* kfree(p);
}

/** p = xchg(&o->buf, NULL); kfree(p): only one releaser gets p */
function* releaseClaimed(o: Owner): Gen {
  const p = yield* atomicUpdate(o, 'buf', () => null);
  yield* kfree(p);
}

function releasers(claimed: boolean): Program<Owner> {
  const release = claimed ? releaseClaimed : releaseRacy;
  return {
    setup() {
      const o = new Owner();
      o.buf = setupAlloc(() => new Buf());
      return o;
    },
    threads: (o) => [
      { name: 'rel0', body: () => release(o) },
      { name: 'rel1', body: () => release(o) },
    ],
  };
}

describe('double free', () => {
  it('racing releasers free the buffer twice in some interleaving', () => {
    const r = exhaust(releasers(false));
    assert.deepEqual(foundKinds(r), ['double-free']);
    const splat = splatOf(r, 'double-free');
    assert.match(splat, /BUG: KASAN: double-free in release_racy/);
    assert.match(splat, /kfree\(Buf#[0-9a-f]+\) by task rel[01]\/[12]/);
    assert.match(splat, /Freed by task rel[01]:/);
  });

  it('the serial execution of the racy releasers is fine: the bug needs an interleaving', () => {
    assert.deepEqual(execKinds(replay(releasers(false), [])), []);
  });

  it('the twin that claims the pointer with xchg never double-frees', () => {
    const r = exhaust(releasers(true));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });

  it('kfree() of an object that never came from kzalloc() is an invalid free', () => {
    const program: Program<null> = {
      setup: () => null,
      threads: () => [{
        name: 'bad',
        *body() {
          yield* kfree(new Buf());
        },
      }],
    };
    const r = exhaust(program);
    assert.deepEqual(foundKinds(r), ['bug']);
    assert.match(splatOf(r, 'bug'), /BUG: KASAN: invalid-free/);
  });
});
