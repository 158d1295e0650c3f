// WARN_ON, BUG_ON and pointer dereference checks.
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';

/** WARN_ON(cond): reports when cond holds and returns it; the thread goes on, like the kernel. */
export function WARN_ON(cond: boolean, what = 'WARN_ON(condition)'): boolean {
  if (cond) current.report('warn', `WARNING: ${what}`, what, false);
  return cond;
}

/** WARN_ON_ONCE(cond): as WARN_ON, once per execution for a given key object. */
export function WARN_ON_ONCE(cond: boolean, key: object, what = 'WARN_ON_ONCE(condition)'): boolean {
  const exec = current;
  if (cond && !exec.warnedOnce.has(key)) {
    exec.warnedOnce.add(key);
    exec.report('warn', `WARNING: ${what}`, what, false);
  }
  return cond;
}

/** BUG_ON(cond): an oops; ends the execution. */
export function BUG_ON(cond: boolean, what = 'BUG_ON(condition)'): void {
  if (cond) current.report('bug', 'kernel BUG', what, true);
}

/**
 * Dereference a pointer the kernel assumes valid: NULL is an oops, a freed object is a
 * use-after-free. `expr` names it as the C code would, e.g. "dev->iommu_group".
 */
export function deref<T extends KObject>(ptr: T | null | undefined, expr: string): T {
  if (ptr === null || ptr === undefined) {
    current.report('null-deref', 'BUG: kernel NULL pointer dereference', expr, true);
    throw new Error('unreachable');
  }
  if (ptr.freed) current.useAfterFree(ptr, `Read of ${expr}`);
  return ptr;
}
