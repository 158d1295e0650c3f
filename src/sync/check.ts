// What model checks (invariants at their points, rt/check.ts) need from the runtime: the types,
// and who holds a lock right now, which a check may read when it names the lock in its reads.
import { type Access, OpKind } from '../rt/op.js';
import { current } from '../rt/current.js';
import type { Gen } from '../rt/thread.js';
import type { LockBase } from '../rt/lock.js';

export type { Checker, CheckSite, DriverCall } from '../rt/check.js';
export type { ViolationKind } from '../rt/violation.js';
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

/**
 * A driver callback's contract point (core/contracts.ts): the core is about to call `callback`
 * with `args`. The program's checker says what the contract reads and checks it here, as a step
 * of its own that names those reads (a `contract:` yield), so partial-order reduction orders it
 * with every write it depends on. Without a checker (or without a contract for the callback)
 * nothing happens and nothing is yielded.
 */
export function* driverContract(callback: string, args: Readonly<Record<string, unknown>>): Gen {
  const exec = current;
  const checker = exec.checker;
  if (checker === null || checker.contract === undefined) return;
  const site = checker.contract({ callback, args });
  if (site === null) return;
  // a contract on the arguments and the caller's own locked state alone needs no step of its own
  if (site.reads.length === 0) {
    exec.runCheck(site);
    return;
  }
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.Yield, obj: null, field: null, verb: `contract:${callback}`, reads: site.reads };
  exec.runCheck(site);
}

/**
 * A contract point checked inside the current step, with no yield of its own: for a call whose
 * contract reads only data a lock the caller holds protects (rt/check.ts, kind 1), e.g. a query
 * a driver makes with the group mutex held.
 */
export function driverContractNow(callback: string, args: Readonly<Record<string, unknown>>): void {
  const exec = current;
  const checker = exec.checker;
  if (checker === null || checker.contract === undefined) return;
  const site = checker.contract({ callback, args });
  if (site !== null) exec.runCheck(site);
}

function sameReads(a: readonly Access[], b: readonly Access[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.obj.oid !== b[i]!.obj.oid || a[i]!.field !== b[i]!.field) return false;
  return true;
}

/**
 * A contract point whose reads depend on the state (a check of what caches hold: which entries,
 * lines and table words it reads follows from what they contain): as `driverContract()`, but the
 * step re-asks the checker for the site and, when the reads moved (a write between the yield and
 * the step changed what the check would look at), declares the new set and yields again, so the
 * check that runs read only what its step declared (txn/atomic.ts does the same for a DMA).
 */
export function* driverContractSettled(callback: string, args: Readonly<Record<string, unknown>>): Gen {
  const exec = current;
  const checker = exec.checker;
  if (checker === null || checker.contract === undefined) return;
  let site = checker.contract({ callback, args });
  for (;;) {
    if (site === null) return;
    if (site.reads.length === 0) {
      exec.runCheck(site);
      return;
    }
    if (exec.tracing) exec.noteSite();
    yield { kind: OpKind.Yield, obj: null, field: null, verb: `contract:${callback}`, reads: site.reads };
    const now = checker.contract({ callback, args });
    if (now !== null && sameReads(site.reads, now.reads)) {
      exec.runCheck(now);
      return;
    }
    site = now;
  }
}
