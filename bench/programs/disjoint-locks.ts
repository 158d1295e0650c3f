// N threads, each taking only its own mutex k times around a write to its own object: locks
// that are never shared order nothing, so this is one Mazurkiewicz class too.
import type { Program } from '../../src/rt/execution.js';
import { type Gen, KObject, Mutex, mutexLock, mutexUnlock, writeOnce } from '../../src/sync/index.js';

class Cell extends KObject {
  value = 0;
}

interface Own {
  readonly cell: Cell;
  readonly lock: Mutex;
}

/** defined once, not per execution: see independent.ts */
function* ownSections(own: Own, sections: number): Gen {
  for (let k = 1; k <= sections; k++) {
    yield* mutexLock(own.lock);
    yield* writeOnce(own.cell, 'value', k);
    yield* mutexUnlock(own.lock);
  }
}

export function disjointLocksProgram(threads: number, sections: number): Program<Own[]> {
  return {
    setup: () => Array.from({ length: threads }, (_, i) => ({ cell: new Cell(), lock: new Mutex(`&own_lock[${i}]`) })),
    threads: (owns) =>
      owns.map((own, i) => ({ name: `own${i}`, body: () => ownSections(own, sections) })),
  };
}
