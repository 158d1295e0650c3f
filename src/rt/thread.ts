// A kernel thread of the model: a generator that yields an Op before each shared operation.
import type { LockBase } from './lock.js';
import type { Op } from './op.js';
import type { Frame } from './stack.js';

/** The type of every model function that may yield: `function* f(): Gen<number> { ... }`. */
export type Gen<T = void> = Generator<Op, T, void>;

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
  ) {}

  get pid(): number {
    return this.idx + 1;
  }
}
