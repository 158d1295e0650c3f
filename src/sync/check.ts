// What model checks (invariants at their points, rt/check.ts) need from the runtime: the types,
// and who holds a lock right now, which a check may read when it names the lock in its reads.
import type { Access } from '../rt/op.js';
import { current } from '../rt/current.js';
import type { LockBase } from '../rt/lock.js';

export type { Checker, CheckSite } from '../rt/check.js';
export { type Access, type Op, OpKind } from '../rt/op.js';

/** Nobody holds `lock` (a check reading this names the lock in its reads). */
export function lockFree(lock: LockBase): boolean {
  return lock.owner === null;
}

/** The running thread holds `lock`: what it protects is stable for this thread's check. */
export function lockHeldByMe(lock: LockBase): boolean {
  return lock.owner !== null && lock.owner === current.thread;
}

/** A read of one field (or of the whole object with field null) for a check's reads. */
export function access(obj: Access['obj'], field: string | null = null): Access {
  return { obj, field };
}
