// Threads incrementing a shared counter: without a lock an update is lost; with one, the
// number of executions is the number of orders of the critical sections, (n*k)!/(k!)^n.
import type { Program } from '../../rt/execution.js';
import { type Gen, KObject, Mutex, mutexLock, mutexUnlock, readOnce, writeOnce } from '../../sync/index.js';
import type { Scenario } from '../scenario.js';

class Counter extends KObject {
  value = 0;
  override get label(): string {
    return 'counter';
  }
}

interface World {
  readonly counter: Counter;
  readonly lock: Mutex;
}

function* counterIncrement(w: World, locked: boolean): Gen {
  if (locked) yield* mutexLock(w.lock);
  const v = yield* readOnce(w.counter, 'value');
  yield* writeOnce(w.counter, 'value', v + 1);
  if (locked) yield* mutexUnlock(w.lock);
}

/** a thread's body, defined once: a generator function created per execution costs V8 a new prototype */
function* counterThread(w: World, sections: number, locked: boolean): Gen {
  for (let k = 0; k < sections; k++) yield* counterIncrement(w, locked);
}

export function counterProgram(threads: number, sections: number, locked: boolean): Program<World> {
  return {
    setup() {
      const counter = new Counter();
      return { counter, lock: new Mutex('&counter_lock', null) };
    },
    threads: (w) =>
      Array.from({ length: threads }, (_, i) => ({
        name: `inc${i}`,
        body: () => counterThread(w, sections, locked),
      })),
    final(w) {
      const want = threads * sections;
      return w.counter.value === want ? null : `counter is ${w.counter.value}, expected ${want}: an update was lost`;
    },
  };
}

export const lostUpdate: Scenario = {
  name: 'lost-update',
  summary: 'two threads increment a counter with READ_ONCE/WRITE_ONCE and no lock',
  description:
    'Each thread reads the counter, then writes the value plus one. A thread scheduled between ' +
    'another\'s read and write makes one increment vanish; the final check catches it.',
  expect: { violations: ['assertion'] },
  program: counterProgram(2, 1, false),
};

export const mutexCounter: Scenario = {
  name: 'mutex-counter',
  summary: 'the lost-update twin: each increment under a mutex (2 threads x 3 sections)',
  description:
    'With the read and the write under one mutex no update is lost. Exhaustive search explores each ' +
    'order of the critical sections once: (2*3)!/(3!*3!) = 20 executions.',
  expect: { pass: true },
  program: counterProgram(2, 3, true),
};
