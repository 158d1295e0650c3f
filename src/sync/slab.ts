// kzalloc / kfree over a tracked heap: every allocation may be made to fail, every object is
// checked for use after free and double free, and what is left at the end is a leak.
import { withReads } from '../rt/check.js';
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { type Op, OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

export type Gfp = 'GFP_KERNEL' | 'GFP_ATOMIC' | 'GFP_NOWAIT';

const allocOp: Op = Object.freeze({ kind: OpKind.Alloc, obj: null, field: null, verb: 'kzalloc' });
/** an allocation outside the fault plan's scope: it cannot fail, so it is no decision */
const safeAllocOp: Op = Object.freeze({ kind: OpKind.Yield, obj: null, field: null, verb: 'kzalloc' });

/** kzalloc(sizeof(*obj), gfp): returns the new object, or null when the allocation fails. */
export function* kzalloc<T extends KObject>(make: () => T, gfp: Gfp = 'GFP_KERNEL'): Gen<T | null> {
  const exec = current;
  if (gfp === 'GFP_KERNEL') exec.mightSleep('kzalloc(GFP_KERNEL)');
  if (exec.tracing) exec.noteSite();
  const mayFail = exec.faultPoint('kzalloc');
  yield mayFail ? allocOp : safeAllocOp;
  if (mayFail && exec.shouldFailAlloc()) return null;
  const obj = make();
  exec.track(obj);
  return obj;
}

/** kfree(): kfree(NULL) is a no-op, like the kernel's. */
export function* kfree(obj: KObject | null): Gen {
  if (obj === null) return;
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const op: Op = { kind: OpKind.Free, obj, field: null, verb: 'kfree' };
  // freeing is where nothing may still point at the object (rt/check.ts)
  const site = exec.checker === null ? null : exec.checker.at(op);
  yield site === null ? op : withReads(op, site.reads);
  if (obj.freed || !obj.tracked) exec.badFree(obj);
  exec.untrack(obj);
  if (site !== null) exec.runCheck(site);
}

/** An object the scenario's setup allocates: tracked (it must be freed) but never failing. */
export function setupAlloc<T extends KObject>(make: () => T): T {
  const obj = make();
  current.track(obj);
  return obj;
}

/** A kernel ends (kexec): kmemleak reports what it still has allocated, then its memory is gone. */
export function kmemleakEndOfKernel(): void {
  current.endHeap();
}
