// The fail_nth sweep: run the whole search once with the 1st allocation failing, once with the
// 2nd, and so on, until a run makes fewer allocations than N (like tools/testing/selftests'
// iommufd_fail_nth).
import type { Program } from '../rt/execution.js';
import { defaultExploreOptions, type ExploreOptions, type ExploreResult, explore, wallClockMs } from './engine.js';
import { FoundSet } from './found.js';
import type { Strategy } from './strategy.js';

export interface SweepResult extends ExploreResult {
  /** N values run: 1..points */
  readonly points: number;
}

/** What a sweep has gathered so far, as plain data (checkpoints carry it). */
export interface SweepState {
  /** the point to run next (or the last one run, once over) */
  readonly n: number;
  readonly over: boolean;
  readonly sum: ExploreResult;
}

/** The sweep's bookkeeping, apart from how each point is searched (in-process or by workers). */
export class NthSweep {
  private s: SweepState;

  constructor(
    private readonly stopOnFirst = false,
    state?: SweepState,
  ) {
    this.s = state ?? {
      n: 1,
      over: false,
      sum: {
        strategy: '',
        executions: 0,
        steps: 0,
        elapsedMs: 0,
        exhaustive: true,
        limitHit: false,
        truncated: 0,
        found: [],
        signatures: [],
        signaturesTruncated: [],
        maxAllocations: 0,
      },
    };
  }

  get n(): number {
    return this.s.n;
  }

  get done(): boolean {
    return this.s.over;
  }

  get state(): SweepState {
    return this.s;
  }

  /**
   * Add the result of point `n`; false when the sweep is over. Per kind the first point that found
   * it gives the counterexample; signatures are merged as ranges of one search are (the points'
   * executions numbered one after another; their times are from the sweep's start already).
   */
  add(r: ExploreResult): boolean {
    const a = this.s.sum;
    const found = [...a.found];
    for (const cx of r.found) if (!found.some((f) => f.kind === cx.kind)) found.push(cx);
    const sigs = new FoundSet();
    for (const s of a.signatures) sigs.addFound(s);
    for (const s of r.signatures) sigs.addFound(s, a.executions);
    sigs.markTruncated([...a.signaturesTruncated, ...r.signaturesTruncated]);
    const sum: ExploreResult = {
      strategy: r.strategy,
      executions: a.executions + r.executions,
      steps: a.steps + r.steps,
      elapsedMs: a.elapsedMs + r.elapsedMs,
      exhaustive: a.exhaustive && r.exhaustive,
      limitHit: a.limitHit || r.limitHit,
      truncated: a.truncated + r.truncated,
      found,
      signatures: sigs.signatures(),
      signaturesTruncated: sigs.truncated(),
      maxAllocations: Math.max(a.maxAllocations, r.maxAllocations),
    };
    const over = r.maxAllocations < this.s.n || r.limitHit || (this.stopOnFirst && found.length > 0);
    this.s = { n: over ? this.s.n : this.s.n + 1, over, sum };
    return !over;
  }

  result(): SweepResult {
    return { ...this.s.sum, strategy: `${this.s.sum.strategy} x fail_nth`, points: this.s.n };
  }
}

export function sweepNth(
  program: Program<unknown>,
  makeStrategy: () => Strategy,
  options: Partial<ExploreOptions> = {},
): SweepResult {
  const sweep = new NthSweep(options.stopOnFirst === true);
  const clockOrigin = options.clockOrigin ?? wallClockMs();
  const plan = options.faults?.mode === 'nth' ? options.faults : { mode: 'nth' as const, nth: 1 };
  // the time limit is the whole sweep's, not each point's
  const deadline = performance.now() + (options.timeLimitMs ?? defaultExploreOptions.timeLimitMs);
  const point = (): Partial<ExploreOptions> => ({
    ...options,
    clockOrigin,
    faults: { ...plan, nth: sweep.n },
    timeLimitMs: Math.max(0, deadline - performance.now()),
  });
  while (sweep.add(explore(program, makeStrategy(), point())));
  return sweep.result();
}
