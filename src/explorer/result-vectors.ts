// The thread-result vectors a search reaches: the program with its final hook also recording each
// execution's thread results (as JSON), so two searches can be compared on what the threads
// returned, not only on the violations they found (DPOR vs DFS in tests and bench/reduction.ts).
import type { Program } from '../rt/execution.js';

/** `p`, recording each execution's thread results into `into` */
export function recordingResults<W>(p: Program<W>, into: Set<string>): Program<W> {
  return {
    ...p,
    final(world: W, results: readonly unknown[]): string | null {
      into.add(JSON.stringify(results, (_k, v: unknown) => (v === undefined ? null : typeof v === 'bigint' ? String(v) : v)));
      return p.final?.(world, results) ?? null;
    },
  };
}

/** same elements */
export function sameResultVectors(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
