// What must not depend on how a search was run (workers, shards, resumes): everything in its
// result but the time it took (and the time each signature was first seen). Splats are compared separately (their call traces end in the
// caller's frames when explore() is called straight from a test).
import type { ExploreResult } from '../../src/explorer/engine.js';
import type { RangeResult } from '../../src/explorer/parallel/range.js';

/** A range result without its wall-clock figures (when a signature or a lock dependency was first seen). */
export function timelessRange(r: RangeResult): unknown {
  return { ...r, signatures: r.signatures.map((s) => ({ ...s, firstMs: 0 })), edges: r.edges.map((e) => ({ ...e, ms: 0 })) };
}

export function essence(r: ExploreResult, splats = false): unknown {
  return {
    strategy: r.strategy,
    executions: r.executions,
    steps: r.steps,
    exhaustive: r.exhaustive,
    limitHit: r.limitHit,
    maxAllocations: r.maxAllocations,
    found: r.found.map((c) => ({
      kind: c.kind,
      schedule: c.schedule,
      choices: c.choices,
      steps: c.steps,
      preemptions: c.preemptions,
      execution: c.execution,
      firstExecution: c.firstExecution,
      title: c.violation.title,
      ...(splats ? { splat: c.violation.splat } : {}),
    })),
    // every distinct violation, its count and best counterexample; not the time it was first seen
    signatures: r.signatures.map((c) => ({
      signature: c.signature,
      occurrences: c.occurrences,
      schedule: c.schedule,
      steps: c.steps,
      preemptions: c.preemptions,
      execution: c.execution,
      firstExecution: c.firstExecution,
      ...(splats ? { splat: c.violation.splat } : {}),
    })),
    signaturesTruncated: r.signaturesTruncated,
  };
}
