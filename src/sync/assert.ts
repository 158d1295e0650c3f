// Checks a scenario makes on what the model returned: a failed one is an "assertion" violation,
// not a kernel report. The thread goes on.
import { current } from '../rt/current.js';

/** Report `msg` as a failed scenario assertion unless `cond` holds. Returns `cond`. */
export function scenarioAssert(cond: boolean, msg: string): boolean {
  if (!cond) current.report('assertion', `assertion failed: ${msg}`, msg, false);
  return cond;
}

/** The name of the thread running now ("setup" outside any thread). */
export function currentTask(): string {
  return current.thread?.name ?? 'setup';
}

/** A device's DMA reached memory it must not (or missed memory it must reach): H1. */
export function dmaIsolationViolation(msg: string): void {
  current.report('dma-isolation', `DMA isolation: ${msg}`, msg, false);
}

/**
 * Run `fn` as oracle code (an invariant or checker reading the whole state inside a step): in
 * checking mode its reads are not the model's accesses, so the yield-rule checker ignores them.
 */
export function asOracle<T>(fn: () => T): T {
  const checker = current.yieldChecker;
  return checker === null ? fn() : checker.blind(fn);
}
