// Fault points that are not slab allocations: sysfs links, IDA ids, xarray nodes, page pinning,
// the mock driver's fail_iommufd hook. In the kernel they count against the same per-task
// fail-nth counter as kmalloc (lib/fault-inject.c), so here they go through the same decision.
import { current } from '../rt/current.js';
import { type Op, OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

const ops = new Map<string, Op>();

function opFor(what: string): Op {
  let op = ops.get(what);
  if (op === undefined) {
    op = { kind: OpKind.Alloc, obj: null, field: null, verb: what };
    ops.set(what, op);
  }
  return op;
}

/** should_fail(): a numbered fault point named `what` (e.g. "sysfs_create_link"). True = fail. */
export function* shouldFail(what: string): Gen<boolean> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield opFor(what);
  return exec.shouldFailAlloc();
}

/** How many faults were injected so far in this execution (0 = the run is fault-free). */
export function faultsInjected(): number {
  return current.failures;
}
