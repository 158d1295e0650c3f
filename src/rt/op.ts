// Yield descriptors: what a thread is about to do, named by object and kind of access.
// The scheduler reads them to decide who may run (a lock held by another thread blocks);
// partial-order reduction reads them to decide which steps commute.

export const OpKind = {
  /** take a sleeping lock or spinlock; a write to the lock */
  Lock: 0,
  /** release a lock; a write to the lock */
  Unlock: 1,
  /** lockless read of one field (READ_ONCE) */
  Read: 2,
  /** lockless write of one field (WRITE_ONCE) */
  Write: 3,
  /** atomic read-modify-write of one field (refcount, atomic_t) */
  Rmw: 4,
  /** an allocation that may fail; touches no shared object */
  Alloc: 5,
  /** kfree(): a write to the whole object */
  Free: 6,
  /** wait_for_completion(): consumes one completion; runnable only when one is posted */
  Wait: 7,
  /** complete()/complete_all(): posts to a completion */
  Signal: 8,
  /** start a kernel thread */
  Spawn: 9,
  /** a device DMA access; reads hardware tables and caches */
  Dma: 10,
  /** a hardware-table or cache write by a driver (the DMA access's counterpart) */
  HwWrite: 11,
  /** a point where another thread may run, touching nothing (cond_resched) */
  Yield: 12,
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

export const opKindName: readonly string[] = [
  'lock',
  'unlock',
  'read',
  'write',
  'rmw',
  'alloc',
  'free',
  'wait',
  'signal',
  'spawn',
  'dma',
  'hw-write',
  'yield',
];

/** Anything a yield can name: it has a stable object id within an execution. */
export interface Shared {
  readonly oid: number;
  /** human name for traces, e.g. "&group->mutex" */
  readonly label: string;
  /** the object it is embedded in (a lock or refcount inside a struct): kfree() of it touches this too */
  readonly container?: Shared | null;
}

/**
 * One location a step reads besides its own op's: an object and field (null: the whole object).
 * `write`: the step also writes it (a DMA's cache fill, its fault record): the step then conflicts
 * with every access to it, reads included, as an op on it that writes would.
 */
export interface Access {
  readonly obj: Shared;
  readonly field: string | null;
  readonly write?: boolean;
}

export interface Op {
  readonly kind: OpKind;
  /** the object touched, or null for purely local steps (alloc, spawn, yield) */
  readonly obj: Shared | null;
  /** the field touched; null means the whole object */
  readonly field: string | null;
  /** kernel verb for traces, e.g. "mutex_lock"; defaults from the kind */
  readonly verb?: string;
  /**
   * What a check run in this step reads besides the op's own location (rt/check.ts): the step
   * conflicts with every write to one of these. Absent on almost every op.
   */
  readonly reads?: readonly Access[];
  /**
   * A step whose footprint depends on the state (a one-step DMA: which entries, tables and page
   * it reads depends on what they hold): the op it would yield if it were declared now. The
   * runtime calls it on a thread's pending op after every step of another thread that is
   * dependent with it (a write to a location it declares, the only thing that can move what it
   * reads), so the op a step runs with names what it reads at the moment it runs (rt/execution.ts).
   */
  readonly redeclare?: () => Op;
}

/** Does `kind` modify its object? Used by the dependency relation. */
export function isWrite(kind: OpKind): boolean {
  return kind !== OpKind.Read && kind !== OpKind.Dma;
}

/**
 * Two operations are dependent when they touch the same location and one of them writes.
 * kfree() writes the whole object, including the locks and refcounts embedded in it.
 */
export function dependent(a: Op, b: Op): boolean {
  if (a.reads !== undefined || b.reads !== undefined) {
    if (readsHit(a.reads, b) || readsHit(b.reads, a)) return true;
    if (a.reads !== undefined && b.reads !== undefined && declaredClash(a.reads, b.reads)) return true;
  }
  if (a.obj === null || b.obj === null) return false;
  if (a.obj.oid !== b.obj.oid) return freesContainerOf(a, b.obj) || freesContainerOf(b, a.obj);
  if (a.field !== null && b.field !== null && a.field !== b.field) return false;
  return isWrite(a.kind) || isWrite(b.kind);
}

function freesContainerOf(a: Op, obj: Shared): boolean {
  return a.kind === OpKind.Free && obj.container?.oid === a.obj!.oid;
}

/** Does `w` write one of the locations in `reads` (or touch one the step declares it writes)? */
function readsHit(reads: readonly Access[] | undefined, w: Op): boolean {
  if (reads === undefined || w.obj === null) return false;
  const writes = isWrite(w.kind);
  const oid = w.obj.oid;
  for (const r of reads) {
    if (!writes && r.write !== true) continue;
    if (r.obj.oid === oid) {
      if (r.field === null || w.field === null || r.field === w.field) return true;
    } else if (writes && freesContainerOf(w, r.obj)) {
      return true;
    }
  }
  return false;
}

/** two declared sets touching one location, one of them writing it */
function declaredClash(a: readonly Access[], b: readonly Access[]): boolean {
  return writesIn(a, b) || writesIn(b, a);
}

/** does a location `w` declares it writes appear in `other`? */
function writesIn(w: readonly Access[], other: readonly Access[]): boolean {
  for (const x of w) {
    if (x.write !== true) continue;
    for (const y of other) {
      if (x.obj.oid === y.obj.oid && (x.field === null || y.field === null || x.field === y.field)) return true;
    }
  }
  return false;
}

/** Do two ops of one step name the same locations (object, field, declared reads and writes)? */
export function sameFootprint(a: Op, b: Op): boolean {
  if (a.kind !== b.kind || a.obj?.oid !== b.obj?.oid || a.field !== b.field) return false;
  const x = a.reads;
  const y = b.reads;
  if (x === y) return true;
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p.obj.oid !== q.obj.oid || p.field !== q.field || (p.write === true) !== (q.write === true)) return false;
  }
  return true;
}

/**
 * An op as plain data (saved search states): what the dependency relation, the blocking replay
 * and traces read of it, without the live object behind it.
 */
export function plainOp(op: Op): Op {
  const obj = op.obj === null ? null : plainShared(op.obj);
  const plain: { -readonly [K in keyof Op]: Op[K] } = { kind: op.kind, obj, field: op.field };
  if (op.verb !== undefined) plain.verb = op.verb;
  if (op.reads !== undefined) {
    plain.reads = op.reads.map((r) => {
      const a = { obj: plainShared(r.obj), field: r.field };
      return r.write === true ? { ...a, write: true } : a;
    });
  }
  return plain;
}

function plainShared(s: Shared): Shared {
  return { oid: s.oid, label: s.label, container: s.container == null ? null : plainShared(s.container) };
}

/** Kernel-style text of an operation, for traces: "mutex_lock(&group->mutex)". */
export function describeOp(op: Op): string {
  const target = op.obj === null ? '' : op.field === null ? op.obj.label : `${op.obj.label}.${op.field}`;
  if (op.verb !== undefined) return `${op.verb}(${target})`;
  switch (op.kind) {
    case OpKind.Lock:
      return `lock(${target})`;
    case OpKind.Unlock:
      return `unlock(${target})`;
    case OpKind.Read:
      return `READ_ONCE(${target})`;
    case OpKind.Write:
      return `WRITE_ONCE(${target})`;
    case OpKind.Rmw:
      return `atomic(${target})`;
    case OpKind.Alloc:
      return 'kmalloc()';
    case OpKind.Free:
      return `kfree(${target})`;
    case OpKind.Wait:
      return `wait_for_completion(${target})`;
    case OpKind.Signal:
      return `complete(${target})`;
    case OpKind.Spawn:
      return 'kthread_run()';
    case OpKind.Dma:
      return `dma(${target})`;
    case OpKind.HwWrite:
      return `hw_write(${target})`;
    default:
      return 'cond_resched()';
  }
}
