// struct mutex: a sleeping lock with an owner. A thread waiting for it is not runnable.
import { withReads } from '../rt/check.js';
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { LockBase } from '../rt/lock.js';
import type { Gen } from '../rt/thread.js';

export class Mutex extends LockBase {
  readonly sleeps = true;
  /**
   * @param label   how traces name this instance, e.g. "&group->mutex"
   * @param container the object it is embedded in, if any
   * @param className lockdep class (defaults to the label): one per init site in the kernel
   */
  constructor(label: string, container: KObject | null = null, className: string = label) {
    super(label, container, className, 'mutex_lock', 'mutex_unlock');
  }
}

/** mutex_lock() */
export function* mutexLock(m: Mutex): Gen {
  const exec = current;
  exec.lockAttempt(m);
  if (exec.tracing) exec.noteSite();
  yield m.lockOp;
  exec.lockAcquired(m);
}

/** mutex_unlock() */
export function* mutexUnlock(m: Mutex): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  // a lock's release is where the data it protects must be consistent again (rt/check.ts)
  const site = exec.checker === null ? null : exec.checker.at(m.unlockOp);
  yield site === null ? m.unlockOp : withReads(m.unlockOp, site.reads);
  exec.lockReleased(m);
  if (site !== null) exec.runCheck(site);
}

/** mutex_is_locked() */
export function mutexIsLocked(m: Mutex): boolean {
  return m.owner !== null;
}
