// The execution the scheduler is running right now. Primitives find their runtime here, the way
// kernel code finds `current`; there is exactly one per JS thread (worker threads have their own).
import type { Execution } from './execution.js';

export let current: Execution = null as unknown as Execution;

export function setCurrent(exec: Execution): void {
  current = exec;
}
