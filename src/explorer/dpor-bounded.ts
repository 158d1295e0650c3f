// DPOR restricted to executions with at most K preemptions (bounded partial-order reduction,
// after Coons, Musuvathi, McKinley, "Bounded Partial-Order Reduction", OOPSLA 2013), on the race
// analysis of dpor-races.ts. Not optimal: backtrack sets instead of wakeup trees and no sleep
// sets (a sleeping event may stand for executions that only the bound cut off), so a class may be
// explored more than once, but never by more executions than bounded DFS runs.
//
// Each step of the current execution is a node with the options (thread, allocation outcome)
// still to try there. A race reversal notdep(e1).e2 offered at the step of e1 adds its initials
// there. That place may cost a preemption the bound does not allow while an equivalent order
// placed earlier costs none, so more points are added: each initial at every earlier step it
// commutes with (slide-back), and e2's thread at the start of e1's thread's run and at the last
// free switch (Coons et al.). An option that would exceed the bound is dropped, and the search is
// then exhaustive only within the bound. The argument, and what backs it: docs/ARCHITECTURE.md,
// "DPOR", "Preemption bound".
import type { Chooser, Execution } from '../rt/execution.js';
import { describeOp, type Op } from '../rt/op.js';
import type { Thread } from '../rt/thread.js';
import { type Deadline, DeadlineCut, noDeadline } from './deadline.js';
import { conflicts, Ev, type Relation } from './dpor-event.js';
import { analyzeRaces } from './dpor-races.js';
import type { Strategy } from './strategy.js';

interface Step {
  /** the option this branch takes here */
  thread: number;
  fail: boolean;
  /** its op, once run (null: a new option, not run yet) */
  op: Op | null;
  /** the runtime asked whether this step's allocation fails */
  asked: boolean;
  /** threads runnable here, by index */
  readonly enabled: readonly number[];
  /** the thread that ran the step before (-1: none) */
  readonly last: number;
  /** `last` can still run here: running another thread is a preemption */
  readonly preemptive: boolean;
  /** preemptions and allocation failures in the steps before this one */
  readonly preemptions: number;
  readonly failures: number;
  /** options tried or queued here, as optionKey() */
  readonly seen: Set<number>;
  readonly todo: number[];
}

/** The points added besides the race's own step (docs/ARCHITECTURE.md, "Preemption bound"). */
export interface ExtraPoints {
  /** each initial of the reversal at every earlier step it commutes with */
  readonly slideBack: boolean;
  /** e2's thread at the start of e1's thread's run and at the last free switch (Coons et al.) */
  readonly coons: boolean;
}

export const allPoints: ExtraPoints = { slideBack: true, coons: true };

export interface BoundedDporStats {
  /** races whose reversal was offered */
  races: number;
  /** options added at conservative points (not at the race itself) */
  conservative: number;
  /** options dropped because they would exceed the bound */
  pruned: number;
}

export class BoundedDporStrategy implements Strategy, Chooser {
  readonly name: string;
  readonly recordsOps = true;
  readonly stats: BoundedDporStats = { races: 0, conservative: 0, pruned: 0 };
  private rel: Relation | null = null;
  private readonly path: Step[] = [];
  /** first step whose option this execution chose anew (the ones above are replayed) */
  private branchAt = 0;
  private tails: number[] = [];
  private started = false;
  private done = false;
  private prunedAny = false;
  /** an analysis was cut at the deadline: the options are half-added, the search over (incomplete) */
  private cut = false;
  private entered = 0;
  /** the deadline of the analysis under way (offer() counts its work on it) */
  private deadline: Deadline = noDeadline;

  /**
   * @param points which extra points to add (all of them but in tests that show what is missed
   *   without them)
   */
  constructor(
    readonly preemptionBound: number,
    private readonly points: ExtraPoints = allPoints,
  ) {
    if (!Number.isInteger(preemptionBound) || preemptionBound < 0) throw new Error(`dpor: bad preemption bound ${preemptionBound}`);
    this.name = `dpor(preemptions<=${preemptionBound})`;
  }

  /** Every class within the bound was covered, and nothing was cut by the bound. */
  get exhaustive(): boolean {
    return this.done && !this.prunedAny && !this.cut;
  }

  next(): Chooser | null {
    if (this.done || this.cut) return null;
    if (this.started && this.path.length === 0) {
      this.done = true;
      return null;
    }
    this.started = true;
    this.entered = 0;
    return this;
  }

  pickThread(enabled: readonly Thread[], exec: Execution): Thread {
    const k = exec.steps;
    this.sync(exec, k);
    const asleep = exec.sleeper !== null && exec.sleeper === exec.last;
    const step = this.path[k] ?? this.create(k, enabled.map((t) => t.idx), defaultThread(enabled, exec.last), asleep);
    for (const t of enabled) {
      if (t.idx !== step.thread) continue;
      step.op ??= t.pending!;
      return t;
    }
    throw new Error(`dpor: thread ${step.thread} is not runnable at step ${k}: the scenario is not deterministic, or a shared access of the model is not a yielded op (find it with --check-yields)`);
  }

  pickFail(exec: Execution): boolean {
    const k = exec.steps - 1;
    this.sync(exec, k + 1);
    const step = this.path[k]!;
    step.asked = true;
    return step.fail;
  }

  finished(exec: Execution, deadline: Deadline = noDeadline): void {
    this.deadline = deadline;
    try {
      // an execution cut at the deadline ends the search: nothing to analyze
      if (exec.truncated === 'time') throw new DeadlineCut();
      this.analyze(exec, deadline);
    } catch (e) {
      if (e instanceof DeadlineCut) this.cut = true;
      throw e;
    } finally {
      this.deadline = noDeadline;
    }
  }

  private analyze(exec: Execution, deadline: Deadline): void {
    this.sync(exec, exec.steps);
    const n = exec.steps;
    const path = this.path;
    const counts: number[] = [];
    const events: Ev[] = [];
    for (let k = 0; k < n; k++) {
      const s = path[k]!;
      if (s.fail && !s.asked) throw new Error(`dpor: step ${k} was to fail an allocation that had no choice`);
      const index = counts[s.thread] ?? 0;
      counts[s.thread] = index + 1;
      events.push(new Ev(s.thread, index, s.op!, s.fail, false));
    }
    const deadlock = exec.violations.some((v) => v.kind === 'deadlock');
    if (exec.fatal && !deadlock && n > 0) events[n - 1]!.fatal = true;
    this.rel ??= { total: exec.checksInvariant, allocsOrdered: exec.faults.mode === 'nth' };
    const rel = this.rel;
    const maxFailures = exec.faults.mode === 'choice' ? exec.faults.maxFailures : 0;
    const analysis = analyzeRaces(
      rel,
      {
        events,
        origin: exec.threads.map((t) => t.origin),
        pending: exec.threads.map((t) =>
          (t.pending === null ? null : new Ev(t.idx, counts[t.idx] ?? 0, t.pending, false, false))),
        faultChoice: path.slice(0, n).map((s) => s.asked),
        maxFailures,
        replayed: this.branchAt,
        previousTails: this.tails,
      },
      (at, v) => this.offer(rel, events, maxFailures, at, v),
      deadline,
    );
    this.stats.races += analysis.races;
    this.tails = analysis.tails;
    this.backtrack(n);
  }

  /** A reversal to explore after the first `at` steps: its initials there and slid back, and Coons et al.'s points. */
  private offer(rel: Relation, events: readonly Ev[], maxFailures: number, at: number, v: readonly Ev[]): void {
    for (let a = 0; a < v.length; a++) {
      // isInitial looks at the a events before; addThread's nextOutcome walks the execution
      this.deadline.tick(a + 1);
      if (!isInitial(rel, v, a)) continue;
      const f = v[a]!;
      this.deadline.tick(events.length);
      this.addThread(at, f.thread, v, events, maxFailures);
      if (!this.points.slideBack) continue;
      // slide f back over the steps before `at` it commutes with: each such step is a place it
      // could run in an equivalent order, and some may cost fewer preemptions
      for (let j = at - 1; j >= 0; j--) {
        this.deadline.tick();
        const x = events[j]!;
        if (x.thread === f.thread || conflicts(rel, x, f)) break;
        if (this.addSlid(j, f, maxFailures)) this.stats.conservative++;
      }
    }
    const e2 = v[v.length - 1]!;
    // the other outcome of the allocation at `at` runs the same thread there: it costs no preemption
    if (!this.points.coons || e2.thread === events[at]!.thread) return;
    // blockStart, lastFreeSwitch and nextOutcome walk the path
    this.deadline.tick(3 * at + events.length);
    for (const j of [blockStart(this.path, at), lastFreeSwitch(this.path, at)]) {
      if (j < at && this.addThread(j, e2.thread, v, events, maxFailures)) this.stats.conservative++;
    }
  }

  /** Add thread t at step j (or every runnable thread if t cannot run there). Did the options grow? */
  private addThread(j: number, t: number, v: readonly Ev[], events: readonly Ev[], maxFailures: number): boolean {
    const step = this.path[j]!;
    if (!step.enabled.includes(t)) {
      let grew = false;
      for (const u of step.enabled) grew = this.add(step, u, false) || grew;
      return grew;
    }
    const fail = nextOutcome(t, j, v, events) && step.failures < maxFailures;
    return this.add(step, t, fail);
  }

  /** f, an initial of a reversal, at step j: it commutes with the steps from j on, so it can run there. */
  private addSlid(j: number, f: Ev, maxFailures: number): boolean {
    const step = this.path[j]!;
    if (!step.enabled.includes(f.thread)) return false;
    return this.add(step, f.thread, f.fail && step.failures < maxFailures);
  }

  private add(step: Step, thread: number, fail: boolean): boolean {
    const key = optionKey(thread, fail);
    if (step.seen.has(key)) return false;
    if (step.preemptive && thread !== step.last && step.preemptions >= this.preemptionBound) {
      this.stats.pruned++;
      this.prunedAny = true;
      return false;
    }
    step.seen.add(key);
    step.todo.push(key);
    return true;
  }

  /** Enter the forced steps (one runnable thread, no chooser call) up to step `upTo`. */
  private sync(exec: Execution, upTo: number): void {
    while (this.entered < upTo) {
      const k = this.entered;
      const t = exec.stepThreads[k]!;
      const op = exec.stepOps[k]!;
      const step = this.path[k] ?? this.create(k, [t], t);
      step.op ??= op;
      if (step.thread !== t || step.op.kind !== op.kind || step.op.obj?.oid !== op.obj?.oid) {
        throw new Error(
          `dpor: step ${k} ran ${describeOp(op)} in thread ${t}, the search expected ${describeOp(step.op)} in thread ${step.thread}: the scenario is not deterministic, or a shared access of the model is not a yielded op (find it with --check-yields)`,
        );
      }
      this.entered = k + 1;
    }
  }

  /** A step reached for the first time: the default option (the last thread if it can go on). */
  private create(k: number, enabled: number[], thread: number, lastSleeps = false): Step {
    const prev = k > 0 ? this.path[k - 1]! : null;
    const last = prev === null ? -1 : prev.thread;
    const step: Step = {
      thread,
      fail: false,
      op: null,
      asked: false,
      enabled,
      last,
      // a thread that went to sleep (msleep) gives its CPU up: switching away is free
      preemptive: enabled.includes(last) && !lastSleeps,
      preemptions: prev === null ? 0 : prev.preemptions + (prev.preemptive && prev.thread !== prev.last ? 1 : 0),
      failures: prev === null ? 0 : prev.failures + (prev.asked && prev.fail ? 1 : 0),
      seen: new Set([optionKey(thread, false)]),
      todo: [],
    };
    this.path.push(step);
    return step;
  }

  /** Drop finished steps bottom-up; switch the deepest step with an option left to it. */
  private backtrack(n: number): void {
    const path = this.path;
    path.length = Math.min(path.length, n);
    while (path.length > 0) {
      const step = path[path.length - 1]!;
      const key = step.todo.shift();
      if (key !== undefined) {
        step.thread = key >> 1;
        step.fail = (key & 1) === 1;
        step.op = null;
        step.asked = false;
        this.branchAt = path.length - 1;
        return;
      }
      path.pop();
    }
  }
}

function optionKey(thread: number, fail: boolean): number {
  return thread * 2 + (fail ? 1 : 0);
}

/** The thread that ran last if it can go on (no preemption), else the lowest runnable index. */
function defaultThread(enabled: readonly Thread[], last: Thread | null): number {
  return last !== null && enabled.includes(last) ? last.idx : enabled[0]!.idx;
}

/** Is v[a] an initial of v: its thread's first event there, with nothing before it in v conflicting? */
function isInitial(rel: Relation, v: readonly Ev[], a: number): boolean {
  const e = v[a]!;
  for (let b = 0; b < a; b++) if (conflicts(rel, v[b]!, e)) return false;
  return true;
}

/** The first step of the run of steps of one thread that contains step i. */
function blockStart(path: readonly Step[], i: number): number {
  let j = i;
  while (j > 0 && path[j - 1]!.thread === path[i]!.thread) j--;
  return j;
}

/** The last step at or before i where switching threads costs no preemption. */
function lastFreeSwitch(path: readonly Step[], i: number): number {
  let j = i;
  while (j > 0 && path[j]!.preemptive) j--;
  return j;
}

/**
 * The allocation outcome of thread t's next event after the first j steps: as the reversal
 * gives it, else as it ran, else success.
 */
function nextOutcome(t: number, j: number, v: readonly Ev[], events: readonly Ev[]): boolean {
  let index = 0;
  for (let k = 0; k < j; k++) if (events[k]!.thread === t) index++;
  for (const e of v) if (e.thread === t && e.index === index) return e.fail;
  for (let k = j; k < events.length; k++) if (events[k]!.thread === t) return events[k]!.fail;
  return false;
}
