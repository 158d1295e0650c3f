// struct completion: wait_for_completion() sleeps until complete() posts.
import { COMPLETE_ALL } from '../rt/blocking.js';
import { current } from '../rt/current.js';
import { type Op, OpKind, type Shared } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

const ALL = Number.MAX_SAFE_INTEGER;

export class Completion implements Shared {
  readonly oid: number;
  /** posted and not yet consumed; the scheduler reads it to decide if a waiter may run */
  done = 0;
  readonly waitOp: Op;
  readonly signalOp: Op;
  /** complete_all(): a Signal too; its verb tells the partial-order reduction it posts for good */
  readonly signalAllOp: Op;
  constructor(readonly label: string) {
    this.oid = current.newOid();
    this.waitOp = { kind: OpKind.Wait, obj: this, field: null, verb: 'wait_for_completion' };
    this.signalOp = { kind: OpKind.Signal, obj: this, field: null, verb: 'complete' };
    this.signalAllOp = { kind: OpKind.Signal, obj: this, field: null, verb: COMPLETE_ALL };
  }
}

/** wait_for_completion() */
export function* waitForCompletion(c: Completion): Gen {
  const exec = current;
  exec.mightSleep(`wait_for_completion(${c.label})`);
  if (exec.tracing) exec.noteSite();
  yield c.waitOp;
  if (c.done !== ALL) c.done--;
  if (exec.yieldChecker !== null) exec.yieldChecker.acquire(c);
}

/**
 * A busy-wait until `c` is posted for good (completeAll): hardware completion polled by a CPU
 * that may hold a spinlock (a CMD_SYNC's cons polling), so no might_sleep. Does not consume.
 */
export function* waitPolled(c: Completion): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield c.waitOp;
}

/** complete() */
export function* complete(c: Completion): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield c.signalOp;
  if (c.done !== ALL) c.done++;
  if (exec.yieldChecker !== null) exec.yieldChecker.release(c);
}

/** complete_all() */
export function* completeAll(c: Completion): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield c.signalAllOp;
  c.done = ALL;
  if (exec.yieldChecker !== null) exec.yieldChecker.release(c);
}
