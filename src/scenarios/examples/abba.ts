// Two locks taken in opposite orders by two threads: a deadlock when the threads interleave,
// and a lockdep inversion report even when they do not.
import type { Program } from '../../rt/execution.js';
import { type Gen, Mutex, mutexLock, mutexUnlock } from '../../sync/index.js';
import type { Scenario } from '../scenario.js';

interface World {
  readonly a: Mutex;
  readonly b: Mutex;
}

function* takeBoth(first: Mutex, second: Mutex): Gen {
  yield* mutexLock(first);
  yield* mutexLock(second);
  yield* mutexUnlock(second);
  yield* mutexUnlock(first);
}

export function abbaProgram(ordered: boolean): Program<World> {
  return {
    setup: () => ({ a: new Mutex('&lock_a'), b: new Mutex('&lock_b') }),
    threads: (w) => [
      { name: 'ab', body: () => takeBoth(w.a, w.b) },
      { name: 'ba', body: () => (ordered ? takeBoth(w.a, w.b) : takeBoth(w.b, w.a)) },
    ],
  };
}

export const abbaDeadlock: Scenario = {
  name: 'abba-deadlock',
  summary: 'thread ab takes A then B, thread ba takes B then A',
  description:
    'When each thread holds its first lock, neither can take its second: a deadlock. lockdep sees ' +
    'both orders and reports the inversion, in the deadlocking execution and in one that completes ' +
    '(replay "-" to see it without a deadlock).',
  expect: { violations: ['lockdep', 'deadlock'] },
  program: abbaProgram(false),
};

export const orderedLocks: Scenario = {
  name: 'ordered-locks',
  summary: 'the abba twin: both threads take A before B',
  description: 'One global lock order: no deadlock and no lockdep report in any interleaving.',
  expect: { pass: true },
  program: abbaProgram(true),
};
