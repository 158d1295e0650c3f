// Random small programs for the DPOR tests (fast-check arbitraries over dpor-model.ts's
// MProgram): locks, shared variables, and optionally completions, allocations and reports.
import fc from 'fast-check';
import type { MOp, MProgram } from '../dpor-model.js';

export interface Shape {
  readonly locks: number;
  readonly vars: number;
  readonly threads: number;
}

export function opArb(s: Shape, extended: boolean, reports = false): fc.Arbitrary<MOp> {
  const base: fc.Arbitrary<MOp>[] = [
    fc.record({ k: fc.constantFrom('lock' as const, 'unlock' as const), lock: fc.nat(s.locks - 1) }),
    fc.record({ k: fc.constantFrom('read' as const, 'write' as const), v: fc.nat(s.vars - 1) }),
  ];
  if (extended) {
    base.push(
      fc.record({ k: fc.constantFrom('wait' as const, 'signal' as const, 'signal-all' as const), c: fc.constant(0) }),
      fc.constant({ k: 'alloc' as const }),
    );
  }
  if (reports) base.push(fc.record({ k: fc.constantFrom('warn' as const, 'bug' as const), v: fc.nat(s.vars - 1) }));
  return fc.oneof(...base);
}

/** 2-3 threads of 1-4 ops (fewer with three threads, to keep DFS quick). */
export function programArb(extended: boolean, reports = false): fc.Arbitrary<MProgram> {
  return fc
    .record({
      locks: fc.integer({ min: 1, max: 2 }),
      vars: fc.integer({ min: 1, max: 2 }),
      threads: fc.integer({ min: 2, max: 3 }),
    })
    .chain((s) =>
      fc
        .array(fc.array(opArb(s, extended, reports), { minLength: 1, maxLength: s.threads === 2 ? 4 : extended ? 2 : 3 }), {
          minLength: s.threads,
          maxLength: s.threads,
        })
        .map((threads) => ({ locks: s.locks, vars: s.vars, completions: 1, threads })),
    );
}
