// Fault points that are not slab allocations: sysfs links, IDA ids, page pinning, the mock
// driver's fail_iommufd hook. In the kernel they count against the same per-task fail-nth
// counter as kmalloc (lib/fault-inject.c), so here they go through the same decision. Unlike
// kzalloc() they do not yield: they touch nothing another thread can observe, and a scheduling
// point at each would only multiply equivalent interleavings.
import { current } from '../rt/current.js';

/** should_fail(): a numbered fault point named `what` (e.g. "sysfs_create_link"). True = fail. */
export function shouldFail(_what: string): boolean {
  return current.shouldFailAlloc();
}

/** How many faults were injected so far in this execution (0 = the run is fault-free). */
export function faultsInjected(): number {
  return current.failures;
}
