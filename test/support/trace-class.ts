// The Mazurkiewicz class of an execution, as text: its events (thread, index, allocation
// outcome) and the order of every pair of them that conflicts (explorer/dpor-event.ts). Two
// executions have the same text exactly when one is a reordering of the other's independent steps.
import { conflicts, Ev } from '../../src/explorer/dpor-event.js';
import type { Strategy } from '../../src/explorer/strategy.js';
import type { Chooser, Execution } from '../../src/rt/execution.js';

/** `inner`, recording the class of every execution it finishes into `into` (it records ops). */
export function recordingClasses(inner: Strategy, into: Set<string>): Strategy {
  let failed = new Set<number>();
  return {
    name: inner.name,
    recordsOps: true,
    get exhaustive(): boolean {
      return inner.exhaustive;
    },
    next(): Chooser | null {
      const c = inner.next();
      if (c === null) return null;
      failed = new Set();
      return {
        pickThread: (enabled, exec) => c.pickThread(enabled, exec),
        pickFail(exec) {
          const f = c.pickFail(exec);
          if (f) failed.add(exec.steps - 1);
          return f;
        },
      };
    },
    finished(exec: Execution): void {
      inner.finished(exec);
      into.add(classOf(exec, failed));
    },
  };
}

function classOf(exec: Execution, failed: ReadonlySet<number>): string {
  const rel = { total: exec.checksInvariant, allocsOrdered: exec.faults.mode === 'nth' };
  const counts: number[] = [];
  const events = exec.stepThreads.map((t, k) => {
    const index = counts[t] ?? 0;
    counts[t] = index + 1;
    return new Ev(t, index, exec.stepOps[k]!, failed.has(k), false);
  });
  const n = events.length;
  if (exec.fatal && n > 0 && !exec.violations.some((v) => v.kind === 'deadlock')) events[n - 1]!.fatal = true;
  const name = (e: Ev): string => `${e.thread}.${e.index}${e.fail ? 'F' : ''}`;
  const order: string[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) if (conflicts(rel, events[i]!, events[j]!)) order.push(`${name(events[i]!)}<${name(events[j]!)}`);
  }
  return `${events.map(name).sort().join(' ')} | ${order.sort().join(' ')}`;
}
