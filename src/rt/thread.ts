// A kernel thread of the model: a generator that yields an Op before each shared operation.
import type { LockBase } from './lock.js';
import type { Op } from './op.js';
import type { Frame } from './stack.js';

/** The type of every model function that may yield: `function* f(): Gen<number> { ... }`. */
export type Gen<T = void> = Generator<Op, T, void>;

/** `Thread.origin` of the program's threads, which exist before the first step. */
export const STARTED_AT_SETUP = -1;
/** `Thread.origin` of teardown, which starts once every other thread has finished. */
export const STARTED_AFTER_ALL = -2;

export class Thread {
  /** the operation it will perform when next scheduled; null once finished */
  pending: Op | null = null;
  done = false;
  /** what the thread's body returned (an errno, a pointer, ...) */
  result: unknown = undefined;
  /** locks held, in acquisition order (lockdep's held_locks) */
  readonly held: LockBase[] = [];
  oidCounter = 0;
  /** where the pending op was yielded (trace mode only) */
  site: readonly Frame[] | null = null;

  constructor(
    readonly idx: number,
    readonly name: string,
    readonly gen: Gen<unknown>,
    /**
     * What its start happens after (for partial-order reduction): the step index of the
     * kthread_run() that spawned it, STARTED_AT_SETUP or STARTED_AFTER_ALL.
     */
    readonly origin: number = STARTED_AT_SETUP,
  ) {}

  get pid(): number {
    return this.idx + 1;
  }
}
