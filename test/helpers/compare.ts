// What must not depend on how a search was run (workers, shards, resumes): everything in its
// result but the time it took. Splats are compared separately (their call traces end in the
// caller's frames when explore() is called straight from a test).
import type { ExploreResult } from '../../src/explorer/engine.js';

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
  };
}
