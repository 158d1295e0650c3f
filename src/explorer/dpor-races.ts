// Race analysis of one finished execution: which reorderings lead to a different equivalence
// class, each given as the wakeup sequence to explore after the prefix where it diverges.
//
// Happens-before is computed with vector clocks from the dependency relation, program order and
// thread start (a spawned thread starts after the kthread_run step, teardown after everything).
// A race is a pair e1 < e2 of conflicting events of different threads where e2's thread could
// have run e2 right before e1: e1 does not happen before e2's previous step, and e2 is runnable
// (its lock free, its completion posted) after the prefix before e1 followed by notdep(e1), the
// events after e1 that do not happen after it. The wakeup sequence is then notdep(e1).e2
// (Optimal-DPOR's reversal). e2 ranges over executed steps and over the pending next step of
// every thread that never finished: a deadlocked thread's lock, the steps an oops cut off.
//
// Lock acquisitions race across the unlock between them (lock_q ... unlock_q ... lock_p: only
// lock_p before lock_q is a runnable reversal), which is why every conflicting pair is checked
// for a runnable reversal rather than only pairs adjacent in happens-before.
import { BlockingState, mayBlock } from '../rt/blocking.js';
import { isWrite, OpKind } from '../rt/op.js';
import { STARTED_AFTER_ALL } from '../rt/thread.js';
import { type Deadline, noDeadline } from './deadline.js';
import { conflicts, Ev, opsConflict, type Relation } from './dpor-event.js';

export interface RunRecord {
  /** every step, in order */
  readonly events: readonly Ev[];
  /** per thread: Thread.origin (the spawning step, STARTED_AT_SETUP or STARTED_AFTER_ALL) */
  readonly origin: readonly number[];
  /** per thread: the step it would take next if it has not finished, else null */
  readonly pending: readonly (Ev | null)[];
  /** per step: the runtime asked the chooser whether this allocation fails */
  readonly faultChoice: readonly boolean[];
  /** allocation failures allowed per execution (choice mode), else 0 */
  readonly maxFailures: number;
  /** the first `replayed` steps are those of the previous execution (same events, same clocks) */
  readonly replayed: number;
  /** per step below `replayed`: the last step of notdep(step) in the previous analysis, or -1 */
  readonly previousTails: readonly number[];
}

export interface Analysis {
  /** races whose reversal was offered */
  readonly races: number;
  /** per step: the last step that does not happen after it, or -1 (for the next analysis) */
  readonly tails: number[];
}

/**
 * Receives a wakeup sequence to explore after the first `at` steps of the execution. The analysis
 * has counted v.length units of work on its deadline; the receiver counts what it does beyond.
 */
export type InsertWakeup = (at: number, v: Ev[]) => void;

/** pred of an event that has none (a program thread's first step) */
const NONE = -1;
/** pred of teardown's first step: it happens after every step */
const ALL = -2;

/**
 * The races of one execution. Its cost grows with the execution (quadratically in the worst case:
 * a long thread whose accesses no write covers), so it counts its work on `deadline` and throws
 * DeadlineCut past it (the wakeup sequences handed over until then are a part of the races).
 */
export function analyzeRaces(rel: Relation, rec: RunRecord, insert: InsertWakeup, deadline: Deadline = noDeadline): Analysis {
  const events = rec.events;
  const n = events.length;
  const T = rec.origin.length;
  const vc = new Int32Array(n * T);
  const join = new Int32Array(T);
  const last = new Int32Array(T).fill(NONE);
  const byOid = new Map<number, StepList>();
  const byContainer = new Map<number, StepList>();
  // steps whose checks read an object (Op.reads), by the object and by its container
  const byRead = new Map<number, StepList>();
  const byReadContainer = new Map<number, StepList>();
  const spawns = new StepList();
  const allocs = new StepList();
  const failed = new StepList();
  /** append step j; a scan skips a run of one thread's steps in one jump (a long thread is not quadratic) */
  const add = (l: StepList, j: number): void => {
    const at = l.steps.length;
    l.skip.push(at === 0 ? -1 : events[l.steps[at - 1]!]!.thread !== events[j]!.thread ? at - 1 : l.skip[at - 1]!);
    l.steps.push(j);
  };
  const fatalAt = n > 0 && events[n - 1]!.fatal ? n - 1 : -1;
  const mark = new Int32Array(n);
  let stamp = 0;
  /** steps looked at by scan() since the last tick of the deadline */
  let work = 0;

  const predOf = (t: number): number => {
    if (last[t]! >= 0) return last[t]!;
    const o = rec.origin[t]!;
    return o >= 0 ? o : o === STARTED_AFTER_ALL ? ALL : NONE;
  };
  /** does step i happen before (or at) step k's... the event whose clock row is k? */
  const hb = (i: number, k: number): boolean => {
    if (k === ALL) return true;
    if (k === NONE) return false;
    const e = events[i]!;
    return vc[k * T + e.thread]! > e.index;
  };
  /**
   * For each step i < limit of another thread that conflicts with e, latest first: joins its clock
   * into `row` (if given) and records (i, e) as a candidate race when i does not happen before p,
   * e's previous step. A write covering e's location that happens before p ends the scan of that
   * object: every older conflicting access happens before it.
   */
  const scan = (e: Ev, j: number, p: number, limit: number, row: Int32Array | null): void => {
    const each = (i: number): boolean => {
      const x = events[i]!;
      const before = hb(i, p);
      if (!before) {
        cand1.push(i);
        cand2.push(e);
        candJ.push(j);
      }
      if (row !== null && row[x.thread]! <= x.index) {
        for (let k = 0, b = i * T; k < T; k++) if (vc[b + k]! > row[k]!) row[k] = vc[b + k]!;
      }
      return before && covers(x, e);
    };
    if (e.fatal || rel.total) {
      for (let i = limit - 1; i >= 0; i--) if (events[i]!.thread !== e.thread) each(i);
      work += limit;
      return;
    }
    stamp++;
    const visit = (list: StepList | undefined, mayStop: boolean): void => {
      if (list === undefined) return;
      const { steps, skip } = list;
      for (let at = steps.length - 1; at >= 0;) {
        const i = steps[at]!;
        const x = events[i]!;
        // e's own thread: straight to the latest step of another thread before this run
        if (x.thread === e.thread) {
          at = skip[at]!;
          continue;
        }
        at--;
        work++;
        if (i >= limit || mark[i] === stamp || !conflicts(rel, x, e)) continue;
        mark[i] = stamp;
        if (each(i) && mayStop) return;
      }
    };
    const obj = e.op.obj;
    if (obj !== null) {
      visit(byOid.get(obj.oid), true);
      if (e.op.kind === OpKind.Free) visit(byContainer.get(obj.oid), false);
      if (obj.container != null) visit(byOid.get(obj.container.oid), false);
      if (byRead.size > 0 && isWrite(e.op.kind)) {
        visit(byRead.get(obj.oid), false);
        if (e.op.kind === OpKind.Free) visit(byReadContainer.get(obj.oid), false);
      }
    }
    const reads = e.op.reads;
    if (reads !== undefined) {
      for (const r of reads) {
        visit(byOid.get(r.obj.oid), false);
        if (r.obj.container != null) visit(byOid.get(r.obj.container.oid), false);
        // a declared write meets the steps that only declare a read there too
        if (r.write === true) visit(byRead.get(r.obj.oid), false);
      }
    }
    if (e.op.kind === OpKind.Spawn) visit(spawns, false);
    if (e.op.kind === OpKind.Alloc && rel.allocsOrdered) visit(allocs, false);
    if (e.fail) visit(failed, false);
    if (fatalAt >= 0 && fatalAt < limit && mark[fatalAt] !== stamp && events[fatalAt]!.thread !== e.thread) each(fatalAt);
  };

  // Pass 1: clocks, and the candidate pairs (e1 conflicts with e2 and is not before e2's pred).
  const cand1: number[] = [];
  const cand2: Ev[] = [];
  const candJ: number[] = [];
  for (let j = 0; j < n; j++) {
    const e = events[j]!;
    const t = e.thread;
    const p = predOf(t);
    const row = vc.subarray(j * T, j * T + T);
    if (p >= 0) row.set(vc.subarray(p * T, p * T + T));
    else if (p === ALL) row.set(join);
    scan(e, j, p, j, row);
    deadline.tick(work + T);
    work = 0;
    row[t] = e.index + 1;
    for (let k = 0; k < T; k++) if (row[k]! > join[k]!) join[k] = row[k]!;
    last[t] = j;
    const obj = e.op.obj;
    if (obj !== null) {
      add(listFor(byOid, obj.oid), j);
      if (obj.container != null) add(listFor(byContainer, obj.container.oid), j);
    }
    const reads = e.op.reads;
    if (reads !== undefined) {
      for (const r of reads) {
        add(listFor(byRead, r.obj.oid), j);
        if (r.obj.container != null) add(listFor(byReadContainer, r.obj.container.oid), j);
        // a declared write is met by later readers of the object as an op on it would be
        if (r.write === true && r.obj.oid !== obj?.oid) add(listFor(byOid, r.obj.oid), j);
      }
    }
    if (e.op.kind === OpKind.Spawn) add(spawns, j);
    if (e.op.kind === OpKind.Alloc) add(allocs, j);
    if (e.fail) add(failed, j);
  }
  for (const e of rec.pending) {
    if (e === null) continue;
    scan(e, -1, predOf(e.thread), n, null);
    deadline.tick(work + 1);
    work = 0;
  }

  // A race within the replayed prefix whose notdep also lies in it, in this execution and in the
  // previous one, yields the very sequence the previous analysis offered to the same, unchanged
  // node: skip it.
  const tails = tailsOf(events, vc, T, deadline);
  const b = rec.replayed;
  const unchanged = (i: number): boolean => i < b && tails[i]! < b && rec.previousTails[i]! < b;

  // Pass 2: keep the reversals that can run, and hand them over as wakeup sequences.
  const notdeps = new Map<number, number[]>();
  const notdep = (i: number): number[] => {
    let nd = notdeps.get(i);
    if (nd === undefined) {
      nd = [];
      for (let k = i + 1; k < n; k++) if (!hb(i, k)) nd.push(k);
      notdeps.set(i, nd);
      deadline.tick(n - i);
    }
    return nd;
  };
  /** would e2 be runnable after the steps before i followed by notdep(i)? */
  const runnableAfter = (i: number, e2: Ev): boolean => {
    if (!mayBlock(e2.op)) return true;
    const state = new BlockingState();
    const steps = byOid.get(e2.op.obj!.oid)?.steps ?? [];
    deadline.tick(steps.length);
    for (const k of steps) {
      if (k === i || (k > i && hb(i, k))) continue;
      state.apply(events[k]!.thread, events[k]!.op);
    }
    return state.allows(e2.op);
  };
  let races = 0;
  for (let c = 0; c < cand1.length; c++) {
    const i = cand1[c]!;
    const e2 = cand2[c]!;
    if (candJ[c]! >= 0 && candJ[c]! < b && unchanged(i)) continue;
    if (!runnableAfter(i, e2)) continue;
    races++;
    const e1 = events[i]!;
    // e2 keeps its oops only if what it read is unchanged: e1 conflicted with it only by the oops
    const fatal = candJ[c]! >= 0 && e2.fatal && !opsConflict(rel, e1.op, e2.op) && !rel.total;
    const v = notdep(i).map((k) => events[k]!);
    v.push(new Ev(e2.thread, e2.index, e2.op, e2.fail, fatal));
    deadline.tick(v.length);
    insert(i, v);
  }

  // An allocation that could fail is a thread-local choice: the other outcome is explored after
  // the same prefix, like a race with an oracle that only this allocation reads.
  for (let i = 0; i < n; i++) {
    if (!rec.faultChoice[i] || unchanged(i)) continue;
    const a = events[i]!;
    const nd = notdep(i);
    if (!a.fail) {
      let failures = 1;
      deadline.tick(i + nd.length);
      for (let k = 0; k < i; k++) if (events[k]!.fail) failures++;
      for (const k of nd) if (events[k]!.fail) failures++;
      if (failures > rec.maxFailures) continue;
    }
    const v = nd.map((k) => events[k]!);
    v.push(new Ev(a.thread, a.index, a.op, !a.fail, false));
    deadline.tick(v.length);
    insert(i, v);
  }
  return { races, tails };
}

/** Per step i: the last later step that does not happen after i, or -1. */
function tailsOf(events: readonly Ev[], vc: Int32Array, T: number, deadline: Deadline): number[] {
  const n = events.length;
  const steps: number[][] = Array.from({ length: T }, () => []);
  for (let k = 0; k < n; k++) steps[events[k]!.thread]!.push(k);
  const tails = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    deadline.tick(T);
    const { thread: ti, index: xi } = events[i]!;
    for (let t = 0; t < T; t++) {
      if (t === ti) continue;
      // along a thread, "happens after i" holds from some step on: binary-search the last step before
      const s = steps[t]!;
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (vc[s[mid]! * T + ti]! <= xi) lo = mid + 1;
        else hi = mid;
      }
      const k = lo > 0 ? s[lo - 1]! : -1;
      if (k > i && k > tails[i]!) tails[i] = k;
    }
  }
  return tails;
}

/** Does x write all of the location e touches (so whatever conflicts with e before x conflicts with x)? */
function covers(x: Ev, e: Ev): boolean {
  if (e.op.reads !== undefined || !isWrite(x.op.kind)) return false;
  return x.op.obj?.oid === e.op.obj?.oid && (x.op.field === null || x.op.field === e.op.field);
}

/** Steps in order, each with the position of the latest earlier one of another thread (-1: none). */
class StepList {
  readonly steps: number[] = [];
  readonly skip: number[] = [];
}

function listFor(m: Map<number, StepList>, key: number): StepList {
  let l = m.get(key);
  if (l === undefined) {
    l = new StepList();
    m.set(key, l);
  }
  return l;
}
