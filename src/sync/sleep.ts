// msleep(): the running thread sleeps. The model has no clock, so the thread stays runnable (it
// may wake before anyone else ran), and the sleep yields nothing (no new scheduling point, the
// same interleavings): what changes is that the next switch away from it is not a preemption,
// since a sleeping thread gives up its CPU. A preemption-bounded search (DFS, bounded DPOR)
// then reaches, at no cost, the interleavings where other threads run while it sleeps.
import { current } from '../rt/current.js';

/** msleep(ms): might_sleep(), then the thread sleeps until the next scheduling point */
export function msleep(ms: number): void {
  current.sleep(`msleep(${ms})`);
}
