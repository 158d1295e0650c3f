// What the scheduler and lockdep need to know about a lock; sync/ builds mutexes and spinlocks on it.
import { current } from './current.js';
import type { KObject } from './kobject.js';
import { OpKind, type Op, type Shared } from './op.js';
import type { Thread } from './thread.js';

export abstract class LockBase implements Shared {
  readonly oid: number;
  owner: Thread | null = null;
  /** lockdep class: all locks initialised at one site share it, e.g. every "&group->mutex" */
  readonly cls: number;
  readonly lockOp: Op;
  readonly unlockOp: Op;
  /** taking it may sleep (mutex) or not (spinlock) */
  abstract readonly sleeps: boolean;

  constructor(
    readonly label: string,
    /** the object embedding the lock: locking it after kfree() is a use-after-free */
    readonly container: KObject | null,
    className: string,
    lockVerb: string,
    unlockVerb: string,
  ) {
    const exec = current;
    this.oid = exec.newOid();
    this.cls = exec.lockdep.classOf(className);
    this.lockOp = { kind: OpKind.Lock, obj: this, field: null, verb: lockVerb };
    this.unlockOp = { kind: OpKind.Unlock, obj: this, field: null, verb: unlockVerb };
  }
}
