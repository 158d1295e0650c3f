// Runs the parts of a search on a pool of workers. Each range of the canonical order that this
// run owns (the whole search, or a shard's share) keeps a committed prefix, slices done out of
// order, and parts still to explore; a slice is committed once every part before it is done,
// so the committed result is exactly what the sequential search found over those executions.
// All of this state is plain data: a checkpoint is a snapshot of it.
import type { Program } from '../../rt/execution.js';
import { familyFor, type SearchFamily } from './family.js';
import { compareKeys, type Key } from './key.js';
import type { SlicePool } from './pool.js';
import { loadProgram, type ProgramSource } from './program-source.js';
import { concatRanges, emptyRange, type RangeResult } from './range.js';
import { SharedPool } from './shared-pool.js';
import { runSlice, type SearchSpec } from './slice.js';

export interface Part {
  readonly key: Key;
  readonly state: unknown;
}

export interface DoneSlice extends Part {
  /** what the slice found, starting from `state` */
  readonly result: RangeResult;
  /**
   * Slices joined into this one (compact()): where each starts and how many executions it ran.
   * `state` alone covers only the first one (a part cut off by split() ends where its subtree
   * does), so an execution cap that falls inside is explored again piece by piece.
   */
  readonly pieces?: readonly Piece[];
}

/** One slice of a joined stretch: it ran the first `executions` executions from its state. */
export interface Piece extends Part {
  readonly executions: number;
}

/** A contiguous range of the search's canonical order, and how far its exploration got. */
export interface RangeProgress {
  /** position of the range in the search's plan */
  readonly index: number;
  /** where the range starts */
  readonly start: Part;
  committed: RangeResult;
  done: DoneSlice[];
  pending: Part[];
  /** the committed prefix reached the execution cap */
  limitHit: boolean;
}

export interface RunLimits {
  /** executions per range at most (the whole search's cap when it is one range) */
  readonly maxExecutions: number;
  /** performance.now() after which no slice starts */
  readonly deadline: number;
  /** how long a slice runs before it comes back to be saved or cut */
  readonly sliceMs: number;
  /** when the search started (engine.ts wallClockMs()): violations are timed from it */
  readonly clockOrigin?: number;
}

export type RunEnd = 'finished' | 'time' | 'stopped';

export function wholeRange(family: SearchFamily, index = 0, state: unknown = family.root()): RangeProgress {
  const start = { key: family.key(state), state };
  return { index, start, committed: emptyRange, done: [], pending: [start], limitHit: false };
}

export function rangeFinished(r: RangeProgress): boolean {
  return r.limitHit || (r.pending.length === 0 && r.done.length === 0);
}

/** The committed prefix, then (after a time limit or a stop) what was done past gaps. */
export function rangeResult(r: RangeProgress): RangeResult {
  let out = r.committed;
  if (!r.limitHit) for (const d of r.done) out = concatRanges(out, d.result);
  return out;
}

const shortSliceMs = 10;

export class Coordinator {
  private readonly family: SearchFamily;
  private readonly inflight = new Map<number, { range: RangeProgress; part: Part }>();
  private nextToken = 0;
  private stopped = false;
  private program: Program<unknown> | null = null;
  private finish: ((end: RunEnd) => void) | null = null;
  private fail: (e: Error) => void = () => {};

  constructor(
    private readonly source: ProgramSource,
    private readonly search: SearchSpec,
    readonly ranges: RangeProgress[],
    private readonly limits: RunLimits,
  ) {
    this.family = familyFor(search.strategy);
  }

  /** on the pool: joined it, and not finished */
  get running(): boolean {
    return this.finish !== null;
  }

  /** Stop handing out slices; run() returns at once, and the snapshot puts slices under way back. */
  stop(): void {
    this.stopped = true;
    this.finish?.('stopped');
  }

  /** The state as plain data; slices under way count as not started. */
  snapshot(): RangeProgress[] {
    return this.ranges.map((r) => {
      const back = [...this.inflight.values()].filter((f) => f.range === r && !r.limitHit).map((f) => f.part);
      return { ...r, done: r.done.slice(), pending: sortParts([...r.pending, ...back]) };
    });
  }

  /**
   * Explore until every range is finished, the deadline passes or stop() is called. On a pool
   * shared with other searches, `rank` orders this one among them (lower first).
   */
  async run(pool: SlicePool | SharedPool, rank = 0): Promise<RunEnd> {
    const shared = pool instanceof SharedPool ? pool : new SharedPool(pool);
    this.program = await loadProgram(this.source);
    return new Promise<RunEnd>((resolve, reject) => {
      let leave = (): void => {};
      this.finish = (end) => {
        this.finish = null;
        leave();
        resolve(end);
      };
      this.fail = (e) => {
        this.stopped = true;
        if (this.finish === null) return;
        this.finish = null;
        leave();
        reject(e);
      };
      const fill = (): void => {
        if (this.finish === null) return;
        const late = performance.now() >= this.limits.deadline;
        let range = this.ranges.find((r) => !r.limitHit && r.pending.length > 0);
        while (!late && range !== undefined && shared.free > 0) {
          this.dispatch(shared, range, range.pending.shift()!);
          range = this.ranges.find((r) => !r.limitHit && r.pending.length > 0);
        }
        // with parts waiting for a slot that other searches hold, a later pump comes back here
        if (this.inflight.size > 0 || (!late && range !== undefined)) return;
        this.finish(this.ranges.every(rangeFinished) ? 'finished' : 'time');
      };
      leave = shared.join({ fill }, rank);
      if (this.stopped) this.finish('stopped');
      else shared.pump();
    });
  }

  private dispatch(pool: SharedPool, range: RangeProgress, part: Part): void {
    const token = this.nextToken++;
    this.inflight.set(token, { range, part });
    const idleAfter = pool.free - 1;
    const waiting = this.ranges.some((r) => !r.limitHit && r.pending.length > 0);
    // a lone part while workers idle comes back soon, to be cut for them (if it can be)
    const sliceMs = idleAfter > 0 && !waiting && this.family.splits ? shortSliceMs : this.limits.sliceMs;
    const left = Math.max(1, this.limits.deadline - performance.now());
    const maxExecutions = this.limits.maxExecutions - range.committed.executions;
    const budget = { maxExecutions, timeMs: Math.min(sliceMs, left), hard: { maxExecutions, timeMs: left }, ...this.clock() };
    pool.run({ source: this.source, search: this.search, state: part.state, budget }).then(
      (out) => {
        if (!this.stopped && this.inflight.delete(token) && !range.limitHit) {
          try {
            if (out.remaining !== null) insertPart(range.pending, { key: this.family.key(out.remaining), state: out.remaining });
            insertDone(range.done, { ...part, result: out.result });
            this.commit(range);
            // a part that cannot be saved was stopped by the search's limits: its range ends
            // there (such a part is its range's only one, so the commit above took it)
            if (out.cut === true) this.endRange(range);
            this.cutForIdle(pool);
          } catch (e) {
            this.fail(e as Error);
          }
        }
        // the slot is free again: for this search, or another one on the pool
        pool.pump();
      },
      (e: Error) => {
        this.fail(e);
        pool.pump();
      },
    );
  }

  /** the search's clock origin, for a slice budget */
  private clock(): { clockOrigin?: number } {
    const origin = this.limits.clockOrigin;
    return origin === undefined ? {} : { clockOrigin: origin };
  }

  private commit(range: RangeProgress): void {
    const open = [...range.pending.map((p) => p.key)];
    for (const f of this.inflight.values()) if (f.range === range) open.push(f.part.key);
    let min: Key | undefined;
    for (const k of open) if (min === undefined || compareKeys(k, min) < 0) min = k;
    const cap = this.limits.maxExecutions;
    while (range.done.length > 0 && (min === undefined || compareKeys(range.done[0]!.key, min) < 0)) {
      const d = range.done.shift()!;
      const room = cap - range.committed.executions;
      let result = d.result;
      if (result.executions > room) {
        // the cap falls inside this stretch: explore exactly its first `room` executions again
        const again = this.exploreAgain(range, d, room);
        if (again === null) return;
        result = again;
      }
      range.committed = concatRanges(range.committed, result);
      if (range.committed.executions >= cap) {
        this.endRange(range);
        return;
      }
    }
    range.done = compact(range.done, open);
  }

  /**
   * The first `room` executions of a done stretch, explored again slice by slice from where each
   * started (with the search's time limit: cut there, the range ends short of the cap, and null).
   */
  private exploreAgain(range: RangeProgress, d: DoneSlice, room: number): RangeResult | null {
    let out = emptyRange;
    for (const p of piecesOf(d)) {
      if (out.executions >= room) break;
      const left = Math.min(room - out.executions, p.executions);
      if (left === 0) continue;
      const hard = { maxExecutions: left, timeMs: Math.max(1, this.limits.deadline - performance.now()) };
      const budget = { maxExecutions: left, timeMs: Infinity, hard, ...this.clock() };
      const again = runSlice(this.program!, this.search, p.state, budget);
      out = concatRanges(out, again.result);
      if (again.cut === true && again.result.executions < left) {
        range.committed = concatRanges(range.committed, out);
        this.endRange(range);
        return null;
      }
    }
    return out;
  }

  /** The range explored nothing more: it reached the cap (or, unsaved, the search's limits). */
  private endRange(range: RangeProgress): void {
    range.limitHit = true;
    range.done = [];
    range.pending = [];
  }

  /** Cut waiting parts until every idle worker can have one (shallow parts first: the big ones). */
  private cutForIdle(pool: SharedPool): void {
    const idle = pool.free;
    const uncuttable = new Set<Part>();
    for (;;) {
      let waiting = 0;
      let best: { range: RangeProgress; part: Part } | null = null;
      for (const r of this.ranges) {
        if (r.limitHit) continue;
        waiting += r.pending.length;
        for (const p of r.pending) {
          if (!uncuttable.has(p) && (best === null || p.key.length < best.part.key.length)) best = { range: r, part: p };
        }
      }
      if (waiting >= idle || best === null) return;
      const parts = this.family.split(best.part.state);
      if (parts.length <= 1) {
        uncuttable.add(best.part);
        continue;
      }
      best.range.pending.splice(best.range.pending.indexOf(best.part), 1);
      for (const s of parts) insertPart(best.range.pending, { key: this.family.key(s), state: s });
    }
  }
}

/**
 * Join done slices with nothing left to explore between them into one (a contiguous stretch
 * from the first one's state), so that slices done while an early part is still being explored
 * are as many as the gaps, not as the slices run.
 */
function compact(done: DoneSlice[], open: readonly Key[]): DoneSlice[] {
  const out: DoneSlice[] = [];
  for (const d of done) {
    const last = out[out.length - 1];
    const gap = last !== undefined && open.some((k) => compareKeys(last.key, k) < 0 && compareKeys(k, d.key) < 0);
    if (last === undefined || gap) out.push(d);
    else {
      const pieces = [...piecesOf(last), ...piecesOf(d)];
      out[out.length - 1] = { ...last, result: concatRanges(last.result, d.result), pieces };
    }
  }
  return out;
}

function piecesOf(d: DoneSlice): readonly Piece[] {
  return d.pieces ?? [{ key: d.key, state: d.state, executions: d.result.executions }];
}

function sortParts<T extends Part>(parts: T[]): T[] {
  return parts.sort((a, b) => compareKeys(a.key, b.key));
}

function insertPart<T extends Part>(parts: T[], p: T): void {
  let i = parts.length;
  while (i > 0 && compareKeys(parts[i - 1]!.key, p.key) > 0) i--;
  parts.splice(i, 0, p);
}

const insertDone = insertPart<DoneSlice>;
