// refcount_t: an atomic counter that WARNs on addition to zero and on underflow, like the kernel.
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { type Op, OpKind, type Shared } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

export class Refcount implements Shared {
  readonly oid: number;
  private readonly op: Op;
  constructor(
    public value: number,
    readonly label: string,
    /** the object it counts references to */
    readonly container: KObject | null = null,
  ) {
    this.oid = current.newOid();
    this.op = { kind: OpKind.Rmw, obj: this, field: null, verb: 'refcount' };
  }

  /** one atomic step on the counter: yield, then check the container is still alive */
  *touch(): Gen {
    const exec = current;
    if (exec.tracing) exec.noteSite();
    yield this.op;
    if (this.container?.freed === true) exec.useAfterFree(this.container, `refcount ${this.label}`);
  }
}

function saturate(r: Refcount, what: string): void {
  current.report('warn', `refcount_t: ${what}`, `refcount_t: ${what}; use-after-free.`, false);
  r.value = -1;
}

/** refcount_inc() */
export function* refcountInc(r: Refcount): Gen {
  yield* r.touch();
  if (r.value <= 0) saturate(r, 'addition on 0');
  else r.value++;
}

/** refcount_inc_not_zero() */
export function* refcountIncNotZero(r: Refcount): Gen<boolean> {
  yield* r.touch();
  if (r.value <= 0) return false;
  r.value++;
  return true;
}

/**
 * refcount_dec_and_test(): true when this was the last reference. Like the kernel's, it orders
 * what the thread did before it (release) before what the last one does after it (acquire on
 * success): the yield checker counts that as ordering.
 */
export function* refcountDecAndTest(r: Refcount): Gen<boolean> {
  yield* r.touch();
  if (r.value <= 0) {
    saturate(r, 'underflow');
    return false;
  }
  r.value--;
  const checker = current.yieldChecker;
  if (checker !== null) {
    checker.release(r);
    if (r.value === 0) checker.acquire(r);
  }
  return r.value === 0;
}

/** refcount_read() — lockless */
export function* refcountRead(r: Refcount): Gen<number> {
  yield* r.touch();
  return r.value;
}
