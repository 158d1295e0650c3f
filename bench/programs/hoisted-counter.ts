// counterProgram(threads, sections, true) of src/scenarios/examples/counter.ts, step for step,
// written with its generator functions defined once at module level and arrow functions as
// thread bodies. The example creates a `*body()` generator function per execution, and V8
// gives each such function a new prototype and hidden class at its first call; the two rows
// side by side show what that costs (docs/PERFORMANCE.md).
import type { Program } from '../../src/rt/execution.js';
import { type Gen, KObject, Mutex, mutexLock, mutexUnlock, readOnce, writeOnce } from '../../src/sync/index.js';

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

function* counterIncrement(w: World): Gen {
  yield* mutexLock(w.lock);
  const v = yield* readOnce(w.counter, 'value');
  yield* writeOnce(w.counter, 'value', v + 1);
  yield* mutexUnlock(w.lock);
}

function* incrementTimes(w: World, sections: number): Gen {
  for (let k = 0; k < sections; k++) yield* counterIncrement(w);
}

export function hoistedCounterProgram(threads: number, sections: number): Program<World> {
  return {
    setup: () => ({ counter: new Counter(), lock: new Mutex('&counter_lock', null) }),
    threads: (w) => Array.from({ length: threads }, (_, i) => ({ name: `inc${i}`, body: () => incrementTimes(w, sections) })),
    final(w) {
      const want = threads * sections;
      return w.counter.value === want ? null : `counter is ${w.counter.value}, expected ${want}: an update was lost`;
    },
  };
}
