// READ_ONCE / WRITE_ONCE: lockless accesses to one field of a shared object. Each is a yield,
// named by object and field, so a racing access can be scheduled between them.
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { withReads } from '../rt/check.js';
import { type Op, OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

/** READ_ONCE(obj->field) */
export function* readOnce<T extends KObject, K extends keyof T & string>(obj: T, field: K): Gen<T[K]> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.Read, obj, field };
  if (obj.freed) exec.useAfterFree(obj, `Read of ${field}`);
  return obj[field];
}

/**
 * READ_ONCE(obj->field)->inner, as one step: the op reads obj.field and declares (Op.reads) the
 * `inner` field of the object it points at when the op is yielded. Null when the pointer is.
 * Should the pointer change before the step runs (another thread stored a new object there
 * meanwhile), the inner read is a step of its own, a READ_ONCE of the new object's field: the
 * kernel's two loads, with whatever runs between them.
 */
export function* readOnceDeref<T extends KObject, K extends keyof T & string, F extends keyof NonNullable<T[K]> & string>(
  obj: T,
  field: K,
  inner: F,
): Gen<{ ptr: T[K]; value: NonNullable<T[K]>[F] | null }> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const now = exec.yieldChecker === null ? obj[field] : exec.yieldChecker.blind(() => obj[field]);
  const op: Op = { kind: OpKind.Read, obj, field };
  yield now === null || now === undefined ? op : { ...op, reads: [{ obj: now as unknown as KObject, field: inner }] };
  if (obj.freed) exec.useAfterFree(obj, `Read of ${field}`);
  const ptr = obj[field];
  if (ptr === null || ptr === undefined) return { ptr, value: null };
  const target = ptr as NonNullable<T[K]>;
  if ((ptr as unknown) !== now) {
    // the op declared another object's field (or none): read this one in a step that names it
    if (exec.tracing) exec.noteSite();
    yield { kind: OpKind.Read, obj: target as unknown as KObject, field: inner };
  }
  if ((target as unknown as KObject).freed) exec.useAfterFree(target as unknown as KObject, `Read of ${inner}`);
  return { ptr, value: target[inner] };
}

/** WRITE_ONCE(obj->field, value) */
export function* writeOnce<T extends KObject, K extends keyof T & string>(obj: T, field: K, value: T[K]): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const op: Op = { kind: OpKind.Write, obj, field };
  const site = exec.checker === null ? null : exec.checker.at(op);
  yield site === null ? op : withReads(op, site.reads);
  if (obj.freed) exec.useAfterFree(obj, `Write of ${field}`);
  obj[field] = value;
  if (site !== null) exec.runCheck(site);
}

/** A read-modify-write of one field done atomically (atomic_inc, cmpxchg, test_and_set_bit). */
export function* atomicUpdate<T extends KObject, K extends keyof T & string>(
  obj: T,
  field: K,
  update: (old: T[K]) => T[K],
): Gen<T[K]> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.Rmw, obj, field };
  if (obj.freed) exec.useAfterFree(obj, `Write of ${field}`);
  const old = obj[field];
  obj[field] = update(old);
  return old;
}

/**
 * A critical section of a spinlock that protects only `obj` and does nothing else inside (the IOVA
 * allocator's rbtree lock): one atomic step on the whole object, named by the kernel function.
 */
export function* atomicSection<T extends KObject, R>(obj: T, verb: string, body: (o: T) => R): Gen<R> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.Rmw, obj, field: null, verb };
  if (obj.freed) exec.useAfterFree(obj, verb);
  return body(obj);
}
