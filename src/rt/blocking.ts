// When a step may run, replayed from ops alone. Partial-order reduction asks whether a Lock or a
// Wait would be runnable after a different order of the steps before it; this answers from the
// ops on that one object, mirroring isEnabled() in execution.ts and the state changes that
// sync/mutex, sync/spinlock and sync/completion make after each yield.
import { type Op, OpKind } from './op.js';

/** The verb of complete_all(): it posts for good, where complete() posts once. */
export const COMPLETE_ALL = 'complete_all';

/** Does a thread whose next op is `op` ever wait before running it? */
export function mayBlock(op: Op): boolean {
  return op.kind === OpKind.Lock || op.kind === OpKind.Wait;
}

/** The blocking state of one lock or completion, advanced op by op. */
export class BlockingState {
  /** thread holding the lock, or -1 */
  private owner = -1;
  /** posted and not yet consumed completions */
  private posted = 0;

  /** `op` ran on this object in thread `thread` (the op was runnable then). */
  apply(thread: number, op: Op): void {
    switch (op.kind) {
      case OpKind.Lock:
        this.owner = thread;
        break;
      case OpKind.Unlock:
        // an unbalanced unlock is reported and changes nothing (Execution.lockReleased)
        if (this.owner === thread) this.owner = -1;
        break;
      case OpKind.Signal:
        this.posted = op.verb === COMPLETE_ALL ? Number.POSITIVE_INFINITY : this.posted + 1;
        break;
      case OpKind.Wait:
        this.posted--;
        break;
      default:
        break;
    }
  }

  /** Could a thread run `op` now? */
  allows(op: Op): boolean {
    if (op.kind === OpKind.Lock) return this.owner === -1;
    if (op.kind === OpKind.Wait) return this.posted > 0;
    return true;
  }
}
