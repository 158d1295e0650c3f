// The yield-rule checker (checking mode, `ExecOptions.yieldLog`): records what each step reads and
// writes of shared objects and reports a plain access (one that is not the op the thread yielded)
// to a location another thread reaches, plainly or through its own op, when no lock is held at
// both and nothing else orders them. Partial-order reduction sees only the yielded ops, so such an
// access is a dependency it cannot see (docs/ARCHITECTURE.md, "The yield rule, checked").
//
// What orders two accesses here (everything else is concurrent):
// - a lock held at both (lockset, as Eraser: schedule-independent, since the critical sections'
//   lock and unlock ops are dependent, every execution orders the two steps);
// - program structure: setup (no thread), the prologue and the threads it started before the
//   scenario threads, teardown after every thread, kthread_run() before the thread it starts;
// - completions (complete() before the wait_for_completion() that follows it) and the last
//   reference: every refcount_dec_and_test() before the one that returns true (kernel refcount_t
//   ordering, which is what lets a release path read the object without its lock);
// - objects still private to the thread that made them (not yet stored in a place another thread
//   can read: Eraser's initialization state).
// Reads made with no thread running (setup, the invariant, the final check) and in oracle code
// (`blind()`) are not the model's accesses and are not recorded.
import type { Execution } from './execution.js';
import type { LockBase } from './lock.js';
import { describeOp, isWrite, type Op } from './op.js';
import { captureStack, type Frame } from './stack.js';
import type { Thread } from './thread.js';
import { Membrane, type Part, SLOT, WHOLE } from './yield-proxy.js';
import type { RaceAccess, YieldLog, YieldRace } from './yield-race.js';

/** One class of accesses to a location: by one thread, read or write, plain or not, under one lockset. */
interface Entry {
  readonly t: number;
  readonly write: boolean;
  readonly plain: boolean;
  /** a key added or removed (only the whole container's readers and other such changes care) */
  readonly member: boolean;
  readonly locks: readonly LockBase[];
  /** the thread's own clock when it was last seen (the latest access of the class is the least ordered) */
  readonly epoch: number;
  /** the execution's access number (a re-run of the execution records its stack: see YieldLog) */
  readonly no: number;
  readonly how: string;
  readonly step: number;
}

/** A field, or a container's contents with its keys. */
class Loc {
  readonly entries: Entry[] = [];
  keys: Map<unknown, Entry[]> | null = null;

  keyed(key: unknown): Entry[] {
    if (this.keys === null) this.keys = new Map();
    let l = this.keys.get(key);
    if (l === undefined) {
      l = [];
      this.keys.set(key, l);
    }
    return l;
  }
}

/** the syncing objects (completions, refcounts) carry a clock */
type SyncObject = object;

export class YieldChecker {
  readonly membrane: Membrane;
  /** raw object -> the thread it is private to (absent: shared) */
  readonly privateTo = new WeakMap<object, number>();
  private readonly created: object[][] = [];
  private readonly locs = new WeakMap<object, Map<string, Loc>>();
  /** per thread, its vector clock (component = that thread's epoch) */
  private readonly clocks: number[][] = [];
  private readonly syncClocks = new WeakMap<SyncObject, number[]>();
  /** > 0: reads and writes are not the model's (labels, oracle code) */
  paused = 0;
  /** races found in this execution (to learn their schedule when it ends) */
  private readonly found: YieldRace[] = [];
  /** locations already reported by this execution */
  private readonly reported = new Set<string>();
  /** accesses recorded so far (numbers them) */
  private accesses = 0;
  /** a re-run for stacks: access number -> where to put its stack (null: detecting) */
  private readonly sites: ReadonlyMap<number, (stack: readonly Frame[]) => void> | null;

  constructor(
    private readonly exec: Execution,
    private readonly log: YieldLog,
  ) {
    this.membrane = new Membrane(this);
    this.sites = log.siteRequests;
  }

  // ---- threads and ordering ---------------------------------------------------------------

  /** `t` starts; `parent` is the thread that ran kthread_run(), null for the runtime's own threads. */
  spawned(t: Thread, parent: Thread | null): void {
    let vc: number[];
    if (parent !== null) {
      vc = this.clocks[parent.idx]!.slice();
      this.tick(parent.idx);
      // what the parent made so far may be handed over to the new thread (kthread_run's data)
      const mine = this.created[parent.idx];
      if (mine !== undefined) {
        for (const o of mine) if (this.privateTo.get(o) === parent.idx) this.membrane.publish(o);
        mine.length = 0;
      }
    } else {
      // the prologue's threads, or all of them before teardown: everything finished comes first
      vc = [];
      for (const d of this.exec.threads) if (d.done && d !== t) join(vc, this.clocks[d.idx]!);
    }
    vc[t.idx] = 1;
    this.clocks[t.idx] = vc;
  }

  /** complete(), a refcount decrement: what the thread did so far comes before the matching acquire */
  release(s: SyncObject): void {
    const t = this.exec.thread;
    if (t === null) return;
    let c = this.syncClocks.get(s);
    if (c === undefined) {
      c = [];
      this.syncClocks.set(s, c);
    }
    join(c, this.clocks[t.idx]!);
    this.tick(t.idx);
  }

  /** wait_for_completion(), the refcount_dec_and_test() that returned true */
  acquire(s: SyncObject): void {
    const t = this.exec.thread;
    const c = this.syncClocks.get(s);
    if (t === null || c === undefined) return;
    join(this.clocks[t.idx]!, c);
  }

  private tick(idx: number): void {
    const vc = this.clocks[idx]!;
    vc[idx] = vc[idx]! + 1;
  }

  // ---- objects ----------------------------------------------------------------------------

  /** A new KObject: the proxy every reference to it will be; private to the thread making it. */
  adopt<T extends object>(raw: T): T {
    const t = this.exec.thread;
    if (t !== null) {
      this.privateTo.set(raw, t.idx);
      (this.created[t.idx] ??= []).push(raw);
    }
    return this.membrane.kobject(raw);
  }

  /** The world setup returned: its own fields are locations too. */
  root<W>(world: W): W {
    return this.membrane.root(world);
  }

  /** Run `fn` without recording (oracle code, labels). */
  blind<T>(fn: () => T): T {
    this.paused++;
    try {
      return fn();
    } finally {
      this.paused--;
    }
  }

  /** The thread running, if its accesses are to be recorded. */
  private recording(): Thread | null {
    return this.paused > 0 ? null : this.exec.thread;
  }

  /** Are accesses recorded now? (No thread: setup, the invariant, the final check.) */
  get on(): boolean {
    return this.paused === 0 && this.exec.thread !== null;
  }

  /** A thread stored `value` in a field or container of `owner`: if `owner` is shared, so is it now. */
  stored(owner: object, value: unknown): void {
    if (typeof value !== 'object' || value === null) return;
    if (this.privateTo.has(owner)) return;
    this.membrane.publish(value);
  }

  // ---- accesses ---------------------------------------------------------------------------

  /** `owner` is the raw object (or plain object) whose field `field` is touched. */
  access(owner: object, field: string, part: Part, write: boolean): void {
    const t = this.recording();
    if (t === null) return;
    const no = this.accesses++;
    if (this.sites !== null) {
      const fill = this.sites.get(no);
      if (fill !== undefined) fill(captureStack());
      return;
    }
    const p = this.privateTo.get(owner);
    if (p !== undefined) {
      if (p === t.idx) return;
      // reached by another thread without being stored anywhere shared (a closure): shared now
      this.membrane.publish(owner);
    }
    const op = t.pending;
    const plain = !this.covers(op, owner, field, part, write);
    let fields = this.locs.get(owner);
    if (fields === undefined) {
      fields = new Map();
      this.locs.set(owner, fields);
    }
    const name = part === SLOT ? field : `${field}[]`;
    let loc = fields.get(name);
    if (loc === undefined) {
      loc = new Loc();
      fields.set(name, loc);
    }
    const keyed = typeof part === 'object' && part.members !== true;
    const member = typeof part === 'object' && part.members === true;
    const list = keyed ? loc.keyed(part.key) : loc.entries;
    const vc = this.clocks[t.idx]!;
    const epoch = vc[t.idx]!;
    const held = t.held;
    let at = -1;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.t === t.idx && e.write === write && e.plain === plain && e.member === member && sameLocks(e.locks, held)) {
        if (e.epoch === epoch) return;
        at = i;
        break;
      }
    }
    const entry: Entry = {
      t: t.idx,
      write,
      plain,
      member,
      locks: held.slice(),
      epoch,
      no,
      how: plain ? 'plain' : this.blind(() => describeOp(op!)),
      step: this.exec.steps - 1,
    };
    if (at >= 0) list[at] = entry;
    else list.push(entry);
    // the accesses it may race with: a key's entry races with that key's and with the whole
    // container's (not with other keys' membership changes); the whole, with every key's too
    let other = this.conflict(list, entry, vc, false);
    if (other === null && keyed) other = this.conflict(loc.entries, entry, vc, true);
    if (other === null && part === WHOLE && loc.keys !== null) {
      for (const l of loc.keys.values()) if ((other = this.conflict(l, entry, vc, false)) !== null) break;
    }
    if (other !== null) this.race(owner, field, part, other, entry);
  }

  /** Is this access the op the thread yielded for this step (or part of it)? */
  private covers(op: Op | null, owner: object, field: string, part: Part, write: boolean): boolean {
    if (op === null) return false;
    // what the step declares it reads (and writes) besides its op (Op.reads): ordered with every
    // write there (and, for a declared write, with every access)
    if (op.reads !== undefined) {
      for (const r of op.reads) {
        if (write && r.write !== true) continue;
        if (this.membrane.rawOf(r.obj) === owner && this.names(r.field, field, part)) return true;
      }
    }
    if (op.obj === null) return false;
    if (this.membrane.rawOf(op.obj) !== owner) return false;
    if (write && !isWrite(op.kind)) return false;
    return this.names(op.field, field, part);
  }

  /** Does a descriptor's field `f` name the accessed `field` (and `part`)? */
  private names(f: string | null, field: string, part: Part): boolean {
    if (f === null || f === field) return true;
    // `name[key]` (or `[key]`: any of the object's containers, the xarray's): one key's entry and
    // adding or removing it; the container's order is not the op's concern
    const open = f.indexOf('[');
    if (open < 0 || typeof part !== 'object' || (open > 0 && f.slice(0, open) !== field)) return false;
    return f.slice(open + 1, -1) === this.blind(() => keyText(part.key));
  }

  private conflict(list: readonly Entry[], n: Entry, vc: readonly number[], skipMembers: boolean): Entry | null {
    for (const e of list) {
      if (e.t === n.t || !(e.write || n.write) || !(e.plain || n.plain) || (skipMembers && e.member)) continue;
      if (e.epoch <= (vc[e.t] ?? 0)) continue;
      if (!disjoint(e.locks, n.locks)) continue;
      return e;
    }
    return null;
  }

  private race(owner: object, field: string, part: Part, a: Entry, b: Entry): void {
    const cls = this.membrane.nameOf(owner);
    const location = `${cls}.${field}${part === SLOT ? '' : '[]'}`;
    const key = `${location}|${a.t}|${b.t}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const inst = this.blind(() => this.membrane.instanceOf(owner));
    const keyPart = typeof part === 'object' ? `[${this.blind(() => keyText(part.key))}]` : part === WHOLE ? '[]' : '';
    const first = this.describe(a);
    const second = this.describe(b);
    const race: YieldRace = {
      location,
      instance: `${inst}.${field}${keyPart}`,
      first,
      second,
      choices: [],
      execution: this.log.executions,
      others: [],
    };
    // the stacks come from a re-run of this execution (capturing one at every access is costly)
    this.log.add(race, [a.no, (s) => (first.stack = s)], [b.no, (s) => (second.stack = s)]);
    this.found.push(race);
  }

  private describe(e: Entry): RaceAccess {
    const t = this.exec.threads[e.t]!;
    return { task: `${t.name}/${t.pid}`, step: e.step, write: e.write, how: e.how, locks: e.locks.map((l) => l.label), stack: [] };
  }

  /** The execution ended: its races learn the schedule that reproduces them. */
  finish(): void {
    const nth = this.exec.faults.mode === 'nth' ? this.exec.faults.nth : undefined;
    for (const r of this.found) {
      r.choices = this.exec.choices.slice();
      if (nth !== undefined) r.nth = nth;
    }
  }
}

/** how an op's field names a container key: `bound[dev:ep0]`, `[3]` */
export function keyText(k: unknown): string {
  if (typeof k === 'object' && k !== null && 'label' in k) return String((k as { label: unknown }).label);
  return String(k);
}

function join(into: number[], from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) {
    const v = from[i];
    if (v !== undefined && v > (into[i] ?? 0)) into[i] = v;
  }
}

function sameLocks(a: readonly LockBase[], b: readonly LockBase[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function disjoint(a: readonly LockBase[], b: readonly LockBase[]): boolean {
  for (const l of a) if (b.includes(l)) return false;
  return true;
}
