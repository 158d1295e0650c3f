// Fault points that are not slab allocations: sysfs links, IDA ids, page pinning, the mock
// driver's fail_iommufd hook. In the kernel they count against the same per-task fail-nth
// counter as kmalloc (lib/fault-inject.c), so here they go through the same decision. Like
// kzalloc() they yield an Alloc op first: it touches no shared object (so it commutes with every
// other thread's steps), but a fault decision must be an event of its own for DPOR to explore
// both of its outcomes.
import { current } from '../rt/current.js';
import { type Op, OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

const faultOp: Op = Object.freeze({ kind: OpKind.Alloc, obj: null, field: null, verb: 'should_fail' });
const safeOp: Op = Object.freeze({ kind: OpKind.Yield, obj: null, field: null, verb: 'should_fail' });

/** should_fail(): a numbered fault point named `what` (e.g. "sysfs_create_link"). True = fail. */
export function* shouldFail(what: string): Gen<boolean> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  // outside the fault plan's scope (phase, sites) it always succeeds
  const mayFail = exec.faultPoint(what);
  yield mayFail ? faultOp : safeOp;
  return mayFail && exec.shouldFailAlloc();
}

/** How many faults were injected so far in this execution (0 = the run is fault-free). */
export function faultsInjected(): number {
  return current.failures;
}
