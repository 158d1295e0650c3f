// A world snapshot: the state right after setup and the prologue, taken once per program in
// this process (worker) and copied into each later execution instead of building the world and
// running the prologue again. A restored execution is step for step the execution a fresh run
// would be: same object ids and counters, same step numbers, same live objects in the same
// order (kmemleak), same recorded ops (DPOR), same lock dependencies seen (lockdep).
//
// It applies only where the prologue is the same in every execution: it makes no choice (no
// fault plan, one thread), reports nothing, leaves no lock held and spawns nothing; not in trace
// mode (which records allocation stacks). Otherwise the execution runs fresh. A program opts in
// with `Program.snapshot` (its world must be copyable: rt/clone.ts) and, if module-level
// pointers lead into its world, re-points them in `Program.activate`.
import { GraphCloner } from './clone.js';
import type { KObject } from './kobject.js';
import { LockBase } from './lock.js';
import type { LockdepGraph, LockEdge } from './lockdep.js';
import type { Op } from './op.js';

/** A lock dependency taken during setup or the prologue, by class id of the snapshot's graph. */
export interface LoggedEdge {
  readonly held: number;
  readonly taken: number;
  readonly info: LockEdge;
}

export interface SnapshotState {
  readonly world: unknown;
  readonly prologueResult: unknown;
  /** the execution's live objects, in order */
  readonly live: readonly KObject[];
  /** execution-local storage (pause points) */
  readonly locals: ReadonlyMap<object, unknown>;
  /** ops of the prologue's steps (null when the execution that took it did not record them) */
  readonly stepOps: readonly Op[] | null;
}

export class WorldSnapshot {
  /** lock classes of the snapshot's graph, by id */
  private readonly classNames: readonly string[];
  /** the locks of the world, to re-class in an execution whose graph numbers classes otherwise */
  private readonly locks: readonly LockBase[];
  /** class id map per lockdep graph that restored it (null: the identity) */
  private readonly classMaps = new WeakMap<LockdepGraph, Int32Array | null>();

  constructor(
    readonly state: SnapshotState,
    graph: LockdepGraph,
    readonly edges: readonly LoggedEdge[],
    readonly steps: number,
    readonly allocations: number,
    readonly setupOids: number,
    /** the prologue thread's object counter */
    readonly prologueOids: number,
    /** the prologue's thread name and spawn origin */
    readonly prologueName: string,
    /** the last step of the prologue that changed something (the livelock window goes on from it) */
    readonly progressStep = 0,
  ) {
    this.classNames = graph.classNames.slice();
    const locks: LockBase[] = [];
    const seen = new Set<object>();
    for (const root of [state.world, state.locals, state.live, state.stepOps, state.prologueResult]) {
      collectLocks(root, locks, seen);
    }
    this.locks = locks;
  }

  /** how this snapshot's class ids read in `graph` (registering its classes there, in order) */
  classMap(graph: LockdepGraph): Int32Array | null {
    if (this.classMaps.has(graph)) return this.classMaps.get(graph)!;
    const map = new Int32Array(this.classNames.length);
    let identity = true;
    for (let i = 0; i < map.length; i++) {
      map[i] = graph.classOf(this.classNames[i]!);
      if (map[i] !== i) identity = false;
    }
    const m = identity ? null : map;
    this.classMaps.set(graph, m);
    return m;
  }

  /** A copy of the state for one execution; locks re-classed by `map`. */
  copy(map: Int32Array | null): SnapshotState {
    const c = new GraphCloner();
    const out = copyWith(c, this.state);
    if (map !== null) {
      for (const l of this.locks) {
        const copy = c.memo.get(l) as { cls: number } | undefined;
        if (copy !== undefined) copy.cls = map[l.cls]!;
      }
    }
    return out;
  }
}

function copyWith(c: GraphCloner, s: SnapshotState): SnapshotState {
  const world = c.copy(s.world);
  // execution-local storage is keyed by each module's own key object: keys stay, values are copied
  const locals = new Map<object, unknown>();
  for (const [k, v] of s.locals) locals.set(k, c.copy(v));
  return { world, prologueResult: c.copy(s.prologueResult), live: c.copy(s.live), locals, stepOps: c.copy(s.stepOps) };
}

/** A copy of a whole state (what a snapshot keeps of the execution that took it). */
export function copyState(s: SnapshotState): SnapshotState {
  return copyWith(new GraphCloner(), s);
}

/** The snapshot of each program in this process: undefined = not taken yet, null = not possible. */
const snapshots = new WeakMap<object, WorldSnapshot | null>();

export function snapshotOf(program: object): WorldSnapshot | null | undefined {
  return snapshots.get(program);
}

export function setSnapshot(program: object, s: WorldSnapshot | null): void {
  snapshots.set(program, s);
}

/** every lock reachable from `v` (the graph walk of the clone, without copying) */
function collectLocks(v: unknown, out: LockBase[], seen: Set<object>): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  if (v instanceof LockBase) out.push(v);
  if (v instanceof Map) {
    for (const [k, x] of v) {
      collectLocks(k, out, seen);
      collectLocks(x, out, seen);
    }
  } else if (v instanceof Set || Array.isArray(v)) {
    for (const x of v as Iterable<unknown>) collectLocks(x, out, seen);
  } else {
    for (const k of Object.keys(v)) collectLocks((v as Record<string, unknown>)[k], out, seen);
  }
}
