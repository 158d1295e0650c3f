// spinlock_t: does not sleep, so nothing that sleeps may run while one is held.
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { LockBase } from '../rt/lock.js';
import type { Gen } from '../rt/thread.js';

export class Spinlock extends LockBase {
  readonly sleeps = false;
  constructor(label: string, container: KObject | null = null, className: string = label) {
    super(label, container, className, 'spin_lock', 'spin_unlock');
  }
}

/** spin_lock() — a spinning waiter makes no progress, so it is modelled as blocked. */
export function* spinLock(l: Spinlock): Gen {
  const exec = current;
  exec.lockAttempt(l);
  if (exec.tracing) exec.noteSite();
  yield l.lockOp;
  exec.lockAcquired(l);
}

/** spin_unlock() */
export function* spinUnlock(l: Spinlock): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield l.unlockOp;
  exec.lockReleased(l);
}
