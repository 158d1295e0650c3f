// Dining philosophers: philosopher i takes fork i, then fork i+1 (mod N), then puts both down.
// When every philosopher holds its left fork the table deadlocks; lockdep sees the cycle of
// fork classes even in an execution that completes. Each fork has its own lockdep class, as
// forks initialised at N distinct sites would.
import type { Program } from '../../src/rt/execution.js';
import { type Gen, Mutex, mutexLock, mutexUnlock } from '../../src/sync/index.js';

/** defined once, not per execution: see independent.ts */
function* dine(left: Mutex, right: Mutex): Gen {
  yield* mutexLock(left);
  yield* mutexLock(right);
  yield* mutexUnlock(right);
  yield* mutexUnlock(left);
}

export function philosophersProgram(n: number): Program<Mutex[]> {
  return {
    setup: () => Array.from({ length: n }, (_, i) => new Mutex(`&fork[${i}]`)),
    threads: (forks) =>
      forks.map((left, i) => ({ name: `phil${i}`, body: () => dine(left, forks[(i + 1) % n]!) })),
  };
}
