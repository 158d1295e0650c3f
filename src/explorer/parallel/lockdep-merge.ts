// Finishing a search explored in parts: rebuild the search-wide lockdep graph from the parts'
// first occurrences of each dependency, in canonical order. An execution whose new dependency
// closes a cycle is one that reported the inversion in the sequential search; it is run again
// with the graph as it stood before it, which yields exactly the report the sequential search
// made (the rest of an execution never depends on lockdep: its reports are not fatal).
import { circularLockingTitle, Execution, type FaultPlan, type Program } from '../../rt/execution.js';
import { LockdepGraph } from '../../rt/lockdep.js';
import { FoundSet } from '../found.js';
import { ReplayStrategy } from '../replay.js';
import type { RangeResult } from './range.js';

export interface ReplayContext {
  readonly program: Program<unknown>;
  readonly faults: FaultPlan;
  readonly warnFails: boolean;
  readonly maxSteps: number;
}

/** The counterexamples of a whole search (or of its explored prefix). */
export function finishFound(r: RangeResult, ctx: ReplayContext): FoundSet {
  const found = new FoundSet();
  for (const cx of r.found) found.add(cx);
  for (const sf of r.signatures) found.addFound(sf);
  found.markTruncated(r.signaturesTruncated);
  const nth = ctx.faults.mode === 'nth' ? ctx.faults.nth : undefined;
  const graph = new LockdepGraph();
  const edges = r.edges;
  for (let i = 0; i < edges.length;) {
    const x = edges[i]!.execution;
    let j = i;
    let cycle = false;
    for (; j < edges.length && edges[j]!.execution === x; j++) {
      const e = edges[j]!;
      if (graph.addEdge(graph.classOf(e.held), graph.classOf(e.taken), e.info) !== null) cycle = true;
    }
    if (cycle) {
      const exec = rerun(ctx, edges[i]!.choices, edges.slice(0, i));
      // the parts reported every violation of this execution but the inversion (their graphs report no cycle)
      const own = new FoundSet(() => edges[i]!.ms);
      for (const v of exec.violations) if (v.kind === 'lockdep') own.addViolation(v, exec, x, nth);
      const cx = own.get('lockdep');
      if (cx === undefined) throw new Error(`execution ${x} did not report the lock inversion again: the scenario is not deterministic`);
      found.add(cx, 0, true);
      for (const sf of own.signatures()) if (sf.violation.title === circularLockingTitle) found.addFound(sf);
    }
    i = j;
  }
  return found;
}

function rerun(ctx: ReplayContext, choices: readonly number[], before: RangeResult['edges']): Execution {
  const lockdep = new LockdepGraph();
  for (const e of before) lockdep.addEdge(lockdep.classOf(e.held), lockdep.classOf(e.taken), e.info);
  const replay = new ReplayStrategy(choices, true);
  const exec = new Execution(ctx.program, replay.next()!, {
    faults: ctx.faults,
    lockdep,
    warnFails: ctx.warnFails,
    trace: false,
    recordOps: false,
    maxSteps: ctx.maxSteps,
  }).run();
  replay.finished(exec);
  return exec;
}
