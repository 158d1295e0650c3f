// Events of the partial-order reduction and when two of them do not commute.
// An event is the n-th step of a thread. Its op is known before it runs (threads yield first),
// so an event can stand for a step not taken yet: the next step of a sleeping or blocked thread.
import { dependent, type Op, OpKind } from '../rt/op.js';

export class Ev {
  constructor(
    readonly thread: number,
    /** how many steps the thread took before this one */
    readonly index: number,
    readonly op: Op,
    /** an allocation made to fail: the outcome is part of the event (a thread-local choice) */
    public fail: boolean,
    /** it ended the execution with an oops, which disables every other thread */
    public fatal: boolean,
  ) {}
}

/** Same step of the same thread with the same allocation outcome. */
export function sameEvent(a: Ev, b: Ev): boolean {
  return a.thread === b.thread && a.index === b.index && a.fail === b.fail;
}

/** What the search knows about the program beyond the ops themselves. */
export interface Relation {
  /** an invariant of the whole state is checked after every step: no two steps commute */
  readonly total: boolean;
  /** fail_nth counts allocations across threads, so their order matters */
  readonly allocsOrdered: boolean;
}

/** Op-level dependency: rt/op.ts's relation plus what numbering and fault injection add. */
export function opsConflict(rel: Relation, a: Op, b: Op): boolean {
  if (dependent(a, b)) return true;
  // kthread_run() numbers the new thread (and its objects) by spawn order
  if (a.kind === OpKind.Spawn) return b.kind === OpKind.Spawn;
  if (a.kind === OpKind.Alloc) return rel.allocsOrdered && b.kind === OpKind.Alloc;
  return false;
}

/**
 * Do two events not commute? Steps of one thread never do; an oops commutes with nothing; two
 * failed allocations both spend the per-execution failure budget (one can disable the other).
 */
export function conflicts(rel: Relation, a: Ev, b: Ev): boolean {
  if (a.thread === b.thread || a.fatal || b.fatal || rel.total || (a.fail && b.fail)) return true;
  return opsConflict(rel, a.op, b.op);
}
