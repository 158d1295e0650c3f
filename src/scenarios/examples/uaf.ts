// A reader dereferences a shared pointer while another thread clears and frees it.
import type { Program } from '../../rt/execution.js';
import {
  type Gen,
  KObject,
  kfree,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  setupAlloc,
  writeOnce,
} from '../../sync/index.js';
import type { Scenario } from '../scenario.js';

class Buffer extends KObject {
  data = 42;
}

class Holder extends KObject {
  buf: Buffer | null = null;
  override get label(): string {
    return 'holder';
  }
}

interface World {
  readonly holder: Holder;
  readonly lock: Mutex;
}

/** reader: p = READ_ONCE(h->buf); if (p) use p->data */
function* readerUseBuffer(w: World, locked: boolean): Gen<number> {
  if (locked) yield* mutexLock(w.lock);
  const p = yield* readOnce(w.holder, 'buf');
  const v = p === null ? -1 : yield* readOnce(p, 'data');
  if (locked) yield* mutexUnlock(w.lock);
  return v;
}

/** freer: p = h->buf; WRITE_ONCE(h->buf, NULL); kfree(p) */
function* releaseBuffer(w: World, locked: boolean): Gen {
  if (locked) yield* mutexLock(w.lock);
  const p = yield* readOnce(w.holder, 'buf');
  yield* writeOnce(w.holder, 'buf', null);
  if (locked) yield* mutexUnlock(w.lock);
  yield* kfree(p);
}

export function uafProgram(locked: boolean): Program<World> {
  return {
    setup() {
      const holder = new Holder();
      holder.buf = setupAlloc(() => new Buffer());
      return { holder, lock: new Mutex('&holder_lock', holder) };
    },
    threads: (w) => [
      { name: 'reader', body: () => readerUseBuffer(w, locked) },
      { name: 'freer', body: () => releaseBuffer(w, locked) },
    ],
  };
}

export const readerFreeUaf: Scenario = {
  name: 'reader-free-uaf',
  summary: 'a reader uses a buffer that another thread frees under it',
  description:
    'The reader loads the pointer, the freer clears it and frees the buffer, then the reader reads ' +
    'through its stale pointer: KASAN reports a slab-use-after-free with the alloc and free stacks.',
  expect: { violations: ['use-after-free'] },
  program: uafProgram(false),
};

export const readerFreeLocked: Scenario = {
  name: 'reader-free-locked',
  summary: 'the uaf twin: the reader holds the lock across the load and the use',
  description:
    'The freer unpublishes the pointer under the same lock and frees only after dropping it, so a ' +
    'reader either sees NULL or a buffer that stays alive until it unlocks.',
  expect: { pass: true },
  program: uafProgram(true),
};
