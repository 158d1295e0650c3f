// Checks that run where an invariant must hold, as part of the step that reaches that point (a
// group's mutex released, an object freed, a hardware entry written), instead of after every
// step. Each check names what it reads beyond what the step's own op orders (Op.reads), so
// partial-order reduction sees a check as one more reader: a step that writes one of those
// locations does not commute with it, and every other step still does.
//
// What a check may read, and why its verdict is then the same in every execution of a class:
// - state the step's own op orders: the data a lock protects, read at that lock's release by
//   the thread releasing it (every writer holds the lock, so every write is ordered before or
//   after the release, the same way in every equivalent execution);
// - locations in its `reads`, each written only through yielded ops (a READ_ONCE/WRITE_ONCE
//   field, a hardware entry, an object's `freed` flag that kfree() sets);
// - the state of a lock in its `reads` (read `owner`), and the data that lock protects only
//   while the lock is free: its lock and unlock steps are then ordered with the check.
// The runtime knows nothing of what is checked: a program hands the execution a Checker, and
// the primitives in sync/ ask it for the check of the op they are about to yield.
import type { Access, Op } from './op.js';
import type { ViolationKind } from './violation.js';

/** A check to run in one step: what it reads, and the verdict (a message when broken). */
export interface CheckSite {
  readonly reads: readonly Access[];
  run(): string | null;
  /** what a broken check is reported as (default: a fatal `invariant`) */
  readonly kind?: ViolationKind;
  /** a non-fatal kind lets the thread go on (the wrong state's consequences are explored too) */
  readonly fatal?: boolean;
}

/**
 * A driver callback about to be called (core/contracts.ts): its name and arguments, so the
 * checker can check the callback's kernel contract at the call site.
 */
export interface DriverCall {
  readonly callback: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** The checks of a program, keyed by the operation that reaches each checked point. */
export interface Checker {
  /** the check to run right after `op` (an unlock, a kfree, a hardware write), or null */
  at(op: Op): CheckSite | null;
  /** the contract check of a driver callback the core is about to call, or null */
  contract?(call: DriverCall): CheckSite | null;
}

/** `op` with the check's reads added (a fresh op; the lock's own op objects stay shared). */
export function withReads(op: Op, reads: readonly Access[]): Op {
  if (reads.length === 0) return op;
  return op.verb === undefined
    ? { kind: op.kind, obj: op.obj, field: op.field, reads }
    : { kind: op.kind, obj: op.obj, field: op.field, verb: op.verb, reads };
}
