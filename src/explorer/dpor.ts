// Optimal dynamic partial-order reduction (Abdulla, Aronis, Jonsson, Sagonas: "Source Sets: A
// Foundation for Optimal Dynamic Partial Order Reduction", JACM 2017): explores one execution per
// Mazurkiewicz equivalence class of the dependency relation over yield descriptors, by
// re-execution. Each step of the current execution is a node with a sleep set (events whose
// continuations are covered elsewhere) and a wakeup tree (sequences still to explore there).
// After each execution, races are reversed into wakeup sequences (dpor-races.ts); the next
// execution replays the prefix up to the deepest node with a pending sequence and follows it.
// Blocking, spawns, oopses and allocation failures: see docs/ARCHITECTURE.md, "DPOR".
// Between executions the search can be saved as plain JSON and resumed exactly (dpor-frontier.ts).
import type { Chooser, Execution } from '../rt/execution.js';
import { describeOp, type Op, OpKind, sameFootprint } from '../rt/op.js';
import type { Thread } from '../rt/thread.js';
import { type Deadline, DeadlineCut, noDeadline } from './deadline.js';
import { conflicts, Ev, type Relation, sameEvent } from './dpor-event.js';
import { type DporState, type DporStats, loadFrontier, type PathNode as Node, saveFrontier } from './dpor-frontier.js';
import { analyzeRaces } from './dpor-races.js';
import { insertWakeup, leafPaths, type WakeupNode } from './dpor-wakeup.js';
import type { Strategy } from './strategy.js';

export type { DporState, DporStats } from './dpor-frontier.js';

/** A step taken with no chooser call: the runtime's only runnable thread. */
interface Forced {
  readonly thread: number;
  readonly op: Op;
}

export class DporStrategy implements Strategy, Chooser {
  readonly name = 'dpor';
  readonly recordsOps = true;
  readonly stats: DporStats = { races: 0, wakeups: 0, sleepBlocked: 0 };
  private rel: Relation | null = null;
  private readonly path: Node[] = [];
  /** prescribed continuation for the next node created */
  private follow: WakeupNode[] = [];
  /** first step whose node this execution chose anew (the ones above are replayed) */
  private branchAt = 0;
  /** per step of the last execution: the last step not happening after it (dpor-races.ts) */
  private tails: number[] = [];
  /** executions finished, counting those before the state this search was resumed from */
  private explored = 0;
  private started = false;
  private done = false;
  /** an analysis was cut at the deadline: the frontier is half-updated, the search over (incomplete) */
  private cut = false;
  // per execution
  private entered = 0;
  private counts: number[] = [];
  private faultChoice: boolean[] = [];

  /** A new search, or the rest of a saved one (`save()`), explored exactly as if never stopped. */
  constructor(from?: DporState) {
    if (from === undefined) return;
    const f = loadFrontier(from);
    this.path = f.path;
    this.follow = f.follow;
    this.branchAt = f.branchAt;
    this.tails = f.tails;
    this.explored = f.explored;
    this.stats = f.stats;
    // only the root state has no path (save() of a search under way with none left is null)
    this.started = f.path.length > 0;
  }

  get exhaustive(): boolean {
    return this.done && !this.cut;
  }

  /** The rest of the search as plain JSON (between executions), or null when nothing is left. */
  save(): DporState | null {
    if (this.cut) throw new Error('dpor: the search was cut at its deadline during an analysis: there is nothing consistent to save');
    if (this.done || (this.started && this.path.length === 0)) return null;
    const { path, follow, branchAt, tails, explored, stats } = this;
    return saveFrontier({ path, follow, branchAt, tails, explored, stats });
  }

  next(): Chooser | null {
    if (this.done || this.cut) return null;
    if (this.started && this.path.length === 0) {
      this.done = true;
      return null;
    }
    this.started = true;
    this.entered = 0;
    this.counts = [];
    this.faultChoice = [];
    return this;
  }

  pickThread(enabled: readonly Thread[], exec: Execution): Thread {
    const k = exec.steps;
    this.sync(exec, k);
    const node = k < this.path.length ? this.path[k]! : this.create(k, exec, enabled, null);
    for (const t of enabled) {
      if (t.idx !== node.cur.thread) continue;
      this.enter(k, node, t.idx, t.pending!);
      return t;
    }
    throw new Error(`dpor: thread ${node.cur.thread} is not runnable at step ${k}: the scenario is not deterministic, or a shared access of the model is not a yielded op (find it with --check-yields)`);
  }

  pickFail(exec: Execution): boolean {
    const k = exec.steps - 1;
    this.sync(exec, k + 1);
    this.faultChoice[k] = true;
    const node = this.path[k]!;
    if (node.free && this.asleep(node, node.cur)) {
      // the succeeding allocation's continuations are covered: take the failing one if not
      const f = new Ev(node.cur.thread, node.cur.index, node.cur.op, true, false);
      if (!this.asleep(node, f)) node.cur = f;
    }
    return node.cur.fail;
  }

  finished(exec: Execution, deadline: Deadline = noDeadline): void {
    try {
      // an execution cut at the deadline ends the search: nothing to analyze
      if (exec.truncated === 'time') throw new DeadlineCut();
      this.analyze(exec, deadline);
    } catch (e) {
      if (e instanceof DeadlineCut) this.cut = true;
      throw e;
    }
  }

  private analyze(exec: Execution, deadline: Deadline): void {
    this.explored++;
    this.sync(exec, exec.steps);
    const n = exec.steps;
    const path = this.path;
    for (let k = 0; k < n; k++) {
      if (path[k]!.cur.fail && this.faultChoice[k] !== true) throw new Error(`dpor: step ${k} was to fail an allocation that had no choice`);
    }
    const deadlock = exec.violations.some((v) => v.kind === 'deadlock');
    const fatalAt = exec.fatal && !deadlock && n > 0 ? n - 1 : -1;
    if (fatalAt >= 0) path[fatalAt]!.cur.fatal = true;
    for (let k = this.branchAt; k < n; k++) {
      deadline.tick(1 + path[k]!.sleep.length);
      if (this.asleep(path[k]!, path[k]!.cur)) {
        this.stats.sleepBlocked++;
        break;
      }
    }
    const rel = this.relation(exec);
    const insert = (at: number, v: Ev[]): void => {
      const node = path[at]!;
      // weak-initial tests against the sleep set and down the tree, each along v
      deadline.tick(v.length * (node.sleep.length + node.pending.length));
      if (insertWakeup(rel, node.pending, node.sleep, v)) this.stats.wakeups++;
    };
    if (rel.total) {
      // the branches were added as the nodes were made (create()); only allocation outcomes are left
      this.otherOutcomes(exec, insert);
      this.backtrack(n);
      return;
    }
    // a thread whose spawn oopsed before its first yield has no next step (pending null, not done)
    const counts = this.counts;
    const pending = exec.threads.map((t) => {
      return t.pending === null ? null : new Ev(t.idx, counts[t.idx] ?? 0, t.pending, false, false);
    });
    const analysis = analyzeRaces(
      rel,
      {
        events: path.slice(0, n).map((nd) => nd.cur),
        origin: exec.threads.map((t) => t.origin),
        pending,
        faultChoice: this.faultChoice,
        maxFailures: exec.faults.mode === 'choice' ? exec.faults.maxFailures : 0,
        replayed: this.branchAt,
        previousTails: this.tails,
      },
      insert,
      deadline,
    );
    this.stats.races += analysis.races;
    this.tails = analysis.tails;
    // Continuations prescribed after a step that turned out to oops: explore them instead of it.
    if (this.follow.length > 0) {
      if (fatalAt >= 0) {
        for (const p of leafPaths(this.follow)) insert(fatalAt, p);
      } else if (exec.truncated === null) {
        throw new Error('dpor: the execution ended before its wakeup sequence');
      }
      // an execution cut by a limit (--max-steps, the deadline) before its sequence: what lies
      // past the limit is not explored (the search counts it incomplete, or is ending)
      this.follow = [];
    }
    this.backtrack(n);
  }

  private relation(exec: Execution): Relation {
    this.rel ??= { total: exec.checksInvariant, allocsOrdered: exec.faults.mode === 'nth' };
    return this.rel;
  }

  /** Enter the forced steps (one runnable thread, no chooser call) up to step `upTo`. */
  private sync(exec: Execution, upTo: number): void {
    while (this.entered < upTo) {
      const k = this.entered;
      const t = exec.stepThreads[k]!;
      const op = exec.stepOps[k]!;
      const node = k < this.path.length ? this.path[k]! : this.create(k, exec, null, { thread: t, op });
      this.enter(k, node, t, op);
    }
  }

  private enter(k: number, node: Node, thread: number, op: Op): void {
    const cur = node.cur;
    const index = this.counts[thread] ?? 0;
    if (cur.thread !== thread || cur.index !== index || cur.op.kind !== op.kind || cur.op.obj?.oid !== op.obj?.oid) {
      throw new Error(
        `dpor: step ${k} ran ${describeOp(op)} in thread ${thread}, the search expected ${describeOp(cur.op)} in thread ${cur.thread}: the scenario is not deterministic, or a shared access of the model is not a yielded op (find it with --check-yields)`,
      );
    }
    // a step whose footprint depends on the state (Op.redeclare) may run with other reads than
    // the wakeup sequence recorded in the execution it came from: the races are those it has here
    if (cur.op !== op && !sameFootprint(cur.op, op)) node.cur = new Ev(cur.thread, cur.index, op, cur.fail, cur.fatal);
    this.counts[thread] = index + 1;
    this.entered = k + 1;
  }

  /** The node of a step reached for the first time: prescribed by a wakeup tree or picked. */
  private create(k: number, exec: Execution, enabled: readonly Thread[] | null, forced: Forced | null): Node {
    const parent = k > 0 ? this.path[k - 1]! : null;
    const rel = this.relation(exec);
    const sleep = parent === null ? [] : parent.sleep.filter((s) => !conflicts(rel, s, parent.cur));
    const pending = this.follow;
    let node: Node;
    const w = pending.shift();
    if (w !== undefined) {
      this.follow = w.children;
      node = { cur: w.ev, free: false, pending, sleep };
    } else {
      this.follow = [];
      node = { cur: this.pick(exec, enabled, forced, sleep), free: true, pending, sleep };
      // every step conflicts with every other: the races are exactly the other runnable
      // threads here, so they are the branches, as in DFS, without the race analysis
      if (rel.total && enabled !== null) {
        for (const t of ordered(enabled, exec.last)) {
          if (t.idx === node.cur.thread) continue;
          pending.push({ ev: new Ev(t.idx, this.counts[t.idx] ?? 0, t.pending!, false, false), children: [] });
        }
      }
    }
    this.path.push(node);
    return node;
  }

  /** A step no wakeup tree prescribes: prefer the thread that ran last, skip sleeping events. */
  private pick(exec: Execution, enabled: readonly Thread[] | null, forced: Forced | null, sleep: readonly Ev[]): Ev {
    if (enabled === null) {
      // a forced step: nothing to pick (if it is asleep, pickFail may still take the other outcome)
      return new Ev(forced!.thread, this.counts[forced!.thread] ?? 0, forced!.op, false, false);
    }
    const canFail = exec.faults.mode === 'choice' && exec.failures < exec.faults.maxFailures;
    for (const t of ordered(enabled, exec.last)) {
      const index = this.counts[t.idx] ?? 0;
      const e = new Ev(t.idx, index, t.pending!, false, false);
      if (!sleep.some((s) => sameEvent(s, e))) return e;
      if (canFail && t.pending!.kind === OpKind.Alloc) {
        const f = new Ev(t.idx, index, t.pending!, true, false);
        if (!sleep.some((s) => sameEvent(s, f))) return f;
      }
    }
    // Everything runnable is asleep: this execution is redundant (finished() counts it).
    const t = ordered(enabled, exec.last)[0]!;
    return new Ev(t.idx, this.counts[t.idx] ?? 0, t.pending!, false, false);
  }

  /**
   * Under a total relation: the other outcome of each allocation that could fail, at its own
   * step (nothing after it commutes with it), for the steps this execution took anew.
   */
  private otherOutcomes(exec: Execution, insert: (at: number, v: Ev[]) => void): void {
    const max = exec.faults.mode === 'choice' ? exec.faults.maxFailures : 0;
    const path = this.path;
    let failures = 0;
    for (let i = 0; i < exec.steps; i++) {
      const a = path[i]!.cur;
      if (i >= this.branchAt && this.faultChoice[i] === true && (a.fail || failures + 1 <= max)) {
        insert(i, [new Ev(a.thread, a.index, a.op, !a.fail, false)]);
      }
      if (a.fail) failures++;
    }
  }

  private asleep(node: Node, e: Ev): boolean {
    return node.sleep.some((s) => sameEvent(s, e));
  }

  /** Close finished branches bottom-up; switch the deepest node with a pending branch to it. */
  private backtrack(n: number): void {
    const path = this.path;
    path.length = Math.min(path.length, n);
    this.follow = [];
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      node.sleep.push(node.cur);
      const w = node.pending.shift();
      if (w !== undefined) {
        node.cur = w.ev;
        node.free = false;
        this.follow = w.children;
        this.branchAt = path.length - 1;
        return;
      }
      path.pop();
    }
  }
}

/** The thread that ran last first (fewer preemptions), then by index. */
function ordered(enabled: readonly Thread[], last: Thread | null): readonly Thread[] {
  if (last === null || !enabled.includes(last)) return enabled;
  return [last, ...enabled.filter((t) => t !== last)];
}
