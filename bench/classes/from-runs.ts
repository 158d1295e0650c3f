// Count Mazurkiewicz classes of a real program by brute force: run every interleaving (plain
// DFS, recording each step's thread and op), put each execution in its lexicographic normal
// form (repeatedly take the lowest-numbered thread whose next step depends on no earlier
// unplaced step) and count the distinct forms. Only for small programs: it costs one execution
// per interleaving plus O(steps^2) per execution.
import { DfsStrategy } from '../../src/explorer/dfs.js';
import { type Chooser, Execution, type FaultPlan, type Program } from '../../src/rt/execution.js';
import { LockdepGraph } from '../../src/rt/lockdep.js';
import { dependent, type Op, OpKind } from '../../src/rt/op.js';
import type { Thread } from '../../src/rt/thread.js';

export interface RunClasses {
  readonly classes: number;
  readonly interleavings: number;
}

/** Marks the steps at which an allocation was made to fail: that outcome is part of the class. */
class FailureMarks implements Chooser {
  failedSteps = new Set<number>();
  constructor(readonly inner: Chooser) {}
  pickThread(enabled: readonly Thread[], exec: Execution): Thread {
    return this.inner.pickThread(enabled, exec);
  }

  pickFail(exec: Execution): boolean {
    const fail = this.inner.pickFail(exec);
    if (fail) this.failedSteps.add(exec.steps - 1);
    return fail;
  }
}

export function countClassesByRuns(program: Program<unknown>, faults: FaultPlan, maxExecutions = 200_000): RunClasses | null {
  const dfs = new DfsStrategy();
  const forms = new Set<string>();
  const opts = { faults, lockdep: new LockdepGraph(), warnFails: true, trace: false, recordOps: true, maxSteps: 100_000 };
  let interleavings = 0;
  for (let c = dfs.next(); c !== null; c = dfs.next()) {
    if (++interleavings > maxExecutions) return null;
    const marks = new FailureMarks(c);
    const exec = new Execution(program, marks, opts).run();
    dfs.finished(exec);
    forms.add(normalForm(exec.stepThreads, exec.stepOps, marks.failedSteps));
  }
  return { classes: forms.size, interleavings };
}

function normalForm(threads: readonly number[], ops: readonly Op[], failed: ReadonlySet<number>): string {
  const n = threads.length;
  for (const op of ops) if (op.kind === OpKind.Spawn) throw new Error('countClassesByRuns: kthread_run is not supported');
  const placed = new Array<boolean>(n).fill(false);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let best = -1;
    for (let j = 0; j < n; j++) {
      if (placed[j] || (best >= 0 && threads[j]! >= threads[best]!)) continue;
      let free = true;
      for (let i = 0; i < j && free; i++) {
        if (!placed[i] && (threads[i] === threads[j] || dependent(ops[i]!, ops[j]!))) free = false;
      }
      if (free) best = j;
    }
    placed[best] = true;
    out.push(failed.has(best) ? `${threads[best]}F` : String(threads[best]));
  }
  return out.join('.');
}
