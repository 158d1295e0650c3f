// Base of every kernel object the model allocates or shares. The object id is stable across
// re-executions of the same schedule prefix: it is (creating thread, per-thread counter), so
// interleaving other threads does not renumber a thread's objects.
import { current } from './current.js';
import type { Shared } from './op.js';
import type { Frame } from './stack.js';

export class KObject implements Shared {
  readonly oid: number = current.newOid();
  /** set by kfree(); any later touch is a use-after-free */
  freed = false;
  /** true when it came from kzalloc() and so must be freed (kmemleak) */
  tracked = false;
  allocStack: readonly Frame[] | null = null;
  freeStack: readonly Frame[] | null = null;
  freeThread: string | null = null;

  constructor() {
    // checking mode (rt/yield-check.ts): every reference to the object is its recording proxy
    const checker = current.yieldChecker;
    if (checker !== null) return checker.adopt(this);
  }

  get label(): string {
    return `${this.constructor.name}#${this.oid.toString(16)}`;
  }
}
