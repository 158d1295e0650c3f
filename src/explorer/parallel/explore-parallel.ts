// A whole search on a pool: the parallel counterpart of engine.ts explore(), with the same
// result for any number of workers (and, without a time limit, the same as explore()).
import { type ExploreResult, wallClockMs } from '../engine.js';
import { Coordinator, type Part, type RangeProgress, type RunEnd, rangeFinished, rangeResult, wholeRange } from './coordinator.js';
import { familyFor } from './family.js';
import { finishFound } from './lockdep-merge.js';
import type { SlicePool } from './pool.js';
import { loadProgram, type ProgramSource } from './program-source.js';
import { concatRanges, emptyRange, type RangeResult } from './range.js';
import { runSlice, type SearchSpec } from './slice.js';

export interface ParallelLimits {
  readonly maxExecutions: number;
  readonly timeLimitMs: number;
  readonly sliceMs: number;
}

export const defaultSliceMs = 200;

export interface ParallelRun {
  readonly coordinator: Coordinator;
  readonly done: Promise<RunEnd>;
}

/** Start (or resume, from `ranges`) a search; the coordinator is there to stop or snapshot it. */
export function startSearch(
  source: ProgramSource,
  search: SearchSpec,
  pool: SlicePool,
  limits: ParallelLimits,
  ranges: RangeProgress[] = [wholeRange(familyFor(search.strategy))],
): ParallelRun {
  const coordinator = new Coordinator(source, search, ranges, {
    maxExecutions: limits.maxExecutions,
    deadline: performance.now() + limits.timeLimitMs,
    sliceMs: limits.sliceMs,
    clockOrigin: wallClockMs(),
  });
  return { coordinator, done: coordinator.run(pool) };
}

/** What one range of a search came to: plain data, as shard files carry it. */
export interface RangeOutcome {
  readonly index: number;
  readonly start: Part;
  readonly result: RangeResult;
  /** the range reached the execution cap */
  readonly limitHit: boolean;
  /** every part of the range was explored (or the cap was reached) */
  readonly finished: boolean;
}

export function rangeOutcome(r: RangeProgress): RangeOutcome {
  return { index: r.index, start: r.start, result: rangeResult(r), limitHit: r.limitHit, finished: rangeFinished(r) };
}

/**
 * The search's result from all its ranges, in plan order. The execution cap applies to the
 * ranges together, as in the sequential search: the range it falls in is explored again up to
 * it, and later ones are dropped. Lock inversions across executions are settled here.
 */
export async function finishSearch(
  source: ProgramSource,
  search: SearchSpec,
  ranges: readonly RangeOutcome[],
  maxExecutions: number,
  elapsedMs: number,
  /** performance.now() past which a range explored again (to the cap) is cut */
  deadline = Number.POSITIVE_INFINITY,
): Promise<ExploreResult> {
  const family = familyFor(search.strategy);
  const program = await loadProgram(source);
  let all = emptyRange;
  let limitHit = false;
  let finished = true;
  for (const r of [...ranges].sort((a, b) => a.index - b.index)) {
    let result = r.result;
    const room = maxExecutions - all.executions;
    if (result.executions > room) {
      // (explored again: its violations are timed as if now, late in the search; within the
      // search's time limit, or the result ends short of the cap: incomplete)
      const budget = {
        maxExecutions: room,
        timeMs: Infinity,
        hard: { maxExecutions: room, timeMs: Math.max(1, deadline - performance.now()) },
        clockOrigin: wallClockMs() - elapsedMs,
      };
      const again = runSlice(program, search, r.start.state, budget);
      result = again.result;
      if (again.cut === true && result.executions < room) {
        // the sequential search would have stopped here, at its time limit
        all = concatRanges(all, result);
        limitHit = true;
        break;
      }
    }
    all = concatRanges(all, result);
    finished &&= r.finished;
    if (r.limitHit || all.executions >= maxExecutions) {
      limitHit = true;
      break;
    }
  }
  const found = finishFound(all, { program, faults: search.faults, warnFails: search.warnFails, maxSteps: search.maxSteps });
  return {
    strategy: family.create(family.root()).name,
    executions: all.executions,
    steps: all.steps,
    elapsedMs,
    exhaustive: finished && !limitHit && all.complete && all.truncated === 0,
    limitHit: limitHit || !finished,
    truncated: all.truncated,
    found: found.list(),
    signatures: found.signatures(),
    signaturesTruncated: found.truncated(),
    maxAllocations: all.maxAllocations,
  };
}

export async function exploreParallel(
  source: ProgramSource,
  search: SearchSpec,
  pool: SlicePool,
  limits: ParallelLimits,
): Promise<ExploreResult> {
  const start = performance.now();
  const run = startSearch(source, search, pool, limits);
  await run.done;
  const ranges = run.coordinator.snapshot().map(rangeOutcome);
  return finishSearch(source, search, ranges, limits.maxExecutions, performance.now() - start);
}
