// Sleeping (a GFP_KERNEL allocation) while holding a spinlock.
import type { Program } from '../../rt/execution.js';
import {
  ENOMEM,
  type Gen,
  type Gfp,
  KObject,
  kfree,
  kzalloc,
  Spinlock,
  spinLock,
  spinUnlock,
  writeOnce,
} from '../../sync/index.js';
import type { Scenario } from '../scenario.js';

class Node extends KObject {
  next: Node | null = null;
}

class List extends KObject {
  head: Node | null = null;
  override get label(): string {
    return 'list';
  }
}

interface World {
  readonly list: List;
  readonly lock: Spinlock;
}

function* listAdd(w: World, gfp: Gfp): Gen<number> {
  yield* spinLock(w.lock);
  const n = yield* kzalloc(() => new Node(), gfp);
  if (n === null) {
    yield* spinUnlock(w.lock);
    return -ENOMEM;
  }
  yield* writeOnce(w.list, 'head', n);
  yield* spinUnlock(w.lock);
  return 0;
}

export function sleepProgram(gfp: Gfp): Program<World> {
  return {
    setup() {
      const list = new List();
      return { list, lock: new Spinlock('&list_lock', list) };
    },
    threads: (w) => [{ name: 'adder', body: () => listAdd(w, gfp) }],
    *teardown(w) {
      yield* kfree(w.list.head);
    },
  };
}

export const sleepInSpinlock: Scenario = {
  name: 'sleep-in-spinlock',
  summary: 'kzalloc(GFP_KERNEL) under a spinlock',
  description: 'GFP_KERNEL may sleep; under a spinlock that is "BUG: sleeping function called from invalid context".',
  expect: { violations: ['sleep-in-atomic'] },
  program: sleepProgram('GFP_KERNEL'),
};

export const atomicAllocInSpinlock: Scenario = {
  name: 'atomic-alloc-in-spinlock',
  summary: 'the sleep-in-spinlock twin: GFP_ATOMIC under the spinlock',
  description: 'GFP_ATOMIC does not sleep, so allocating under the spinlock is allowed.',
  expect: { pass: true },
  program: sleepProgram('GFP_ATOMIC'),
};
