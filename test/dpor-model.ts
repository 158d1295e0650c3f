// Small straight-line concurrent programs, described as data, with two independent readings:
// a brute-force enumerator that counts Mazurkiewicz traces directly (no runtime, no explorer),
// and a compiler to a runtime Program for the explorers. The DPOR tests compare the two.
import type { Program } from '../src/rt/execution.js';
import {
  BUG_ON,
  Completion,
  complete,
  completeAll,
  type Gen,
  KObject,
  kthreadRun,
  kfree,
  kzalloc,
  Mutex,
  mutexLock,
  mutexUnlock,
  readOnce,
  waitForCompletion,
  WARN_ON,
  writeOnce,
} from '../src/sync/index.js';

export type MOp =
  | { readonly k: 'lock' | 'unlock'; readonly lock: number }
  | { readonly k: 'read' | 'write'; readonly v: number }
  /** wait_for_completion, complete, complete_all */
  | { readonly k: 'wait' | 'signal' | 'signal-all'; readonly c: number }
  /** kzalloc: may fail when faults are choices; the outcome feeds the thread's result */
  | { readonly k: 'alloc' }
  /** kthread_run of thread `t`, which does not start before */
  | { readonly k: 'spawn'; readonly t: number }
  /** read v and WARN_ON (or BUG_ON, which ends the execution) if it is 0; runtime only */
  | { readonly k: 'warn' | 'bug'; readonly v: number };

export interface MProgram {
  readonly locks: number;
  readonly vars: number;
  readonly completions?: number;
  readonly threads: readonly (readonly MOp[])[];
  /** threads started by a spawn op rather than at setup */
  readonly spawned?: readonly number[];
}

// ---- the brute-force reading -------------------------------------------------------------

/** Shared object an op touches and whether it writes it; alloc touches nothing. */
function access(op: MOp): { obj: string; write: boolean } | null {
  switch (op.k) {
    case 'lock':
    case 'unlock':
      return { obj: `L${op.lock}`, write: true };
    case 'read':
    case 'warn':
    case 'bug':
      return { obj: `V${op.v}`, write: false };
    case 'write':
      return { obj: `V${op.v}`, write: true };
    case 'wait':
    case 'signal':
    case 'signal-all':
      return { obj: `C${op.c}`, write: true };
    case 'spawn':
      // spawns are ordered: the runtime numbers threads by spawn order
      return { obj: 'spawn', write: true };
    default:
      return null;
  }
}

interface MEvent {
  readonly t: number;
  readonly op: MOp;
  /** allocation outcome */
  readonly fail: boolean;
}

function dependentEvents(a: MEvent, b: MEvent): boolean {
  // failed allocations share the per-execution failure budget
  if (a.t === b.t || (a.fail && b.fail)) return true;
  const x = access(a.op);
  const y = access(b.op);
  return x !== null && y !== null && x.obj === y.obj && (x.write || y.write);
}

interface MState {
  pc: number[];
  started: boolean[];
  owner: number[];
  posted: number[];
  vals: number[];
  acc: number[];
  failures: number;
}

export interface BruteForce {
  /** distinct maximal traces (complete or blocked) */
  readonly traces: number;
  /** final states of the executions in which every thread finished */
  readonly finals: ReadonlySet<string>;
  /** interleavings enumerated (full mode only) */
  readonly interleavings: number;
}

function initial(p: MProgram): MState {
  const spawned = new Set(p.spawned ?? []);
  return {
    pc: p.threads.map(() => 0),
    started: p.threads.map((_, i) => !spawned.has(i)),
    owner: Array.from({ length: p.locks }, () => -1),
    posted: Array.from({ length: p.completions ?? 0 }, () => 0),
    vals: Array.from({ length: p.vars }, () => 0),
    acc: p.threads.map(() => 0),
    failures: 0,
  };
}

function enabledOp(s: MState, t: number, op: MOp): boolean {
  if (op.k === 'lock') return s.owner[op.lock] === -1;
  if (op.k === 'wait') return s.posted[op.c]! > 0;
  return true;
}

/** Run one event; returns the undo function. Mirrors the runtime's semantics. */
function apply(s: MState, e: MEvent): () => void {
  const saved = {
    owner: [...s.owner],
    posted: [...s.posted],
    vals: [...s.vals],
    acc: [...s.acc],
    failures: s.failures,
    started: [...s.started],
  };
  const { t, op } = e;
  switch (op.k) {
    case 'lock':
      s.owner[op.lock] = t;
      break;
    case 'unlock':
      if (s.owner[op.lock] === t) s.owner[op.lock] = -1;
      break;
    case 'read':
      s.acc[t] = s.acc[t]! * 3 + s.vals[op.v]!;
      break;
    case 'warn':
    case 'bug':
      throw new Error('the brute force does not model reports');
    case 'write':
      s.vals[op.v] = s.acc[t]! * 10 + t + 1;
      break;
    case 'wait':
      s.posted[op.c]!--;
      break;
    case 'signal':
      s.posted[op.c]!++;
      break;
    case 'signal-all':
      s.posted[op.c] = Number.POSITIVE_INFINITY;
      break;
    case 'alloc':
      s.acc[t] = s.acc[t]! * 3 + (e.fail ? 1 : 2);
      if (e.fail) s.failures++;
      break;
    case 'spawn':
      s.started[op.t] = true;
      break;
  }
  s.pc[t]!++;
  return () => {
    s.pc[t]!--;
    Object.assign(s, saved);
  };
}

function finalState(s: MState): string {
  return `vars=${s.vals.join(',')} results=${s.acc.join(',')}`;
}

/** The next events that could run now: one per runnable thread, two for an allocation that may fail. */
function nextEvents(p: MProgram, s: MState, maxFailures: number): MEvent[] {
  const out: MEvent[] = [];
  for (let t = 0; t < p.threads.length; t++) {
    const ops = p.threads[t]!;
    if (!s.started[t] || s.pc[t]! >= ops.length) continue;
    const op = ops[s.pc[t]!]!;
    if (!enabledOp(s, t, op)) continue;
    out.push({ t, op, fail: false });
    if (op.k === 'alloc' && s.failures < maxFailures) out.push({ t, op, fail: true });
  }
  return out;
}

function allDone(p: MProgram, s: MState): boolean {
  return p.threads.every((ops, t) => s.pc[t]! >= ops.length);
}

/**
 * Lexicographic normal form of a sequence: repeatedly take, among the events whose dependent
 * predecessors are all taken, the one of the lowest thread. Equivalent sequences share it.
 */
export function normalForm(seq: readonly MEvent[]): string {
  const n = seq.length;
  const preds: number[][] = seq.map(() => []);
  for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) if (dependentEvents(seq[i]!, seq[j]!)) preds[j]!.push(i);
  const taken = new Array<boolean>(n).fill(false);
  const out: string[] = [];
  for (let step = 0; step < n; step++) {
    let best = -1;
    for (let j = 0; j < n; j++) {
      if (taken[j] || !preds[j]!.every((i) => taken[i])) continue;
      if (best < 0 || seq[j]!.t < seq[best]!.t) best = j;
    }
    taken[best] = true;
    out.push(`${seq[best]!.t}${seq[best]!.fail ? 'F' : ''}`);
  }
  return out.join('.');
}

/** Enumerate every interleaving (and allocation outcome) and count distinct normal forms. */
export function bruteForce(p: MProgram, maxFailures = 0): BruteForce {
  const s = initial(p);
  const forms = new Set<string>();
  const finals = new Set<string>();
  const seq: MEvent[] = [];
  let interleavings = 0;
  const go = (): void => {
    const next = nextEvents(p, s, maxFailures);
    if (next.length === 0) {
      interleavings++;
      forms.add(normalForm(seq));
      if (allDone(p, s)) finals.add(finalState(s));
      return;
    }
    for (const e of next) {
      const undo = apply(s, e);
      seq.push(e);
      go();
      seq.pop();
      undo();
    }
  };
  go();
  return { traces: forms.size, finals, interleavings };
}

/**
 * Count traces without enumerating interleavings: extend only sequences in lexicographic normal
 * form (no factor b.u.a with a's thread lower than b's and a independent of b and of u), so each
 * trace is reached once, by its normal form (Anisimov and Knuth).
 */
export function countNormalForms(p: MProgram, maxFailures = 0): number {
  const s = initial(p);
  const seq: MEvent[] = [];
  let traces = 0;
  const go = (): void => {
    const next = nextEvents(p, s, maxFailures);
    if (next.length === 0) {
      traces++;
      return;
    }
    for (const e of next) {
      if (!extendsNormalForm(seq, e)) continue;
      const undo = apply(s, e);
      seq.push(e);
      go();
      seq.pop();
      undo();
    }
  };
  go();
  return traces;
}

function extendsNormalForm(seq: readonly MEvent[], a: MEvent): boolean {
  for (let i = seq.length - 1; i >= 0; i--) {
    const b = seq[i]!;
    if (dependentEvents(b, a)) return true;
    if (b.t > a.t) return false;
  }
  return true;
}

// ---- the runtime reading -----------------------------------------------------------------

class Var extends KObject {
  value = 0;
  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return this.name;
  }
}

class Blob extends KObject {}

interface World {
  readonly locks: Mutex[];
  readonly vars: Var[];
  readonly completions: Completion[];
}

/**
 * The same program on the runtime. `finals` collects the final state of every execution in
 * which all threads finished, in the brute force's format.
 */
export function compile(p: MProgram, finals: Set<string>): Program<World> {
  const spawned = new Set(p.spawned ?? []);
  const acc = p.threads.map(() => 0);
  const body = (w: World, t: number) =>
    function* (): Gen<number> {
      acc[t] = 0;
      for (const op of p.threads[t]!) {
        switch (op.k) {
          case 'lock':
            yield* mutexLock(w.locks[op.lock]!);
            break;
          case 'unlock':
            yield* mutexUnlock(w.locks[op.lock]!);
            break;
          case 'read':
            acc[t] = acc[t]! * 3 + (yield* readOnce(w.vars[op.v]!, 'value'));
            break;
          case 'write':
            yield* writeOnce(w.vars[op.v]!, 'value', acc[t]! * 10 + t + 1);
            break;
          case 'wait':
            yield* waitForCompletion(w.completions[op.c]!);
            break;
          case 'signal':
            yield* complete(w.completions[op.c]!);
            break;
          case 'signal-all':
            yield* completeAll(w.completions[op.c]!);
            break;
          case 'alloc': {
            const b = yield* kzalloc(() => new Blob(), 'GFP_ATOMIC');
            acc[t] = acc[t]! * 3 + (b === null ? 1 : 2);
            // a step on a private object: commutes with everything, so the classes do not change
            yield* kfree(b);
            break;
          }
          case 'spawn':
            yield* kthreadRun(`t${op.t}`, body(w, op.t));
            break;
          case 'warn':
            WARN_ON((yield* readOnce(w.vars[op.v]!, 'value')) === 0, `WARN_ON(!v${op.v})`);
            break;
          case 'bug':
            BUG_ON((yield* readOnce(w.vars[op.v]!, 'value')) === 0, `BUG_ON(!v${op.v})`);
            break;
        }
      }
      return acc[t]!;
    };
  return {
    setup: () => ({
      locks: Array.from({ length: p.locks }, (_, i) => new Mutex(`&lock${i}`)),
      vars: Array.from({ length: p.vars }, (_, i) => new Var(`v${i}`)),
      completions: Array.from({ length: p.completions ?? 0 }, (_, i) => new Completion(`&done${i}`)),
    }),
    threads: (w) =>
      p.threads.flatMap((_, t) => (spawned.has(t) ? [] : [{ name: `t${t}`, body: body(w, t) }])),
    final: (w) => {
      finals.add(`vars=${w.vars.map((v) => v.value).join(',')} results=${acc.join(',')}`);
      return null;
    },
  };
}

// ---- programs with a known number of classes ---------------------------------------------

/** Philosopher i takes fork i, then fork i+1 (mod n), then releases both. */
export function philosophers(n: number): MProgram {
  return {
    locks: n,
    vars: 0,
    threads: Array.from({ length: n }, (_, i) => [
      { k: 'lock', lock: i },
      { k: 'lock', lock: (i + 1) % n },
      { k: 'unlock', lock: (i + 1) % n },
      { k: 'unlock', lock: i },
    ]),
  };
}
