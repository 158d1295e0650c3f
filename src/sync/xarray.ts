// struct xarray, reduced to what the IOMMU core uses (pasid_array): an index -> entry map where
// a slot can be *reserved* (XA_ZERO_ENTRY: occupied for inserts, empty for readers). Each
// operation is one step under the xarray's own spinlock (xa_lock), named by the index it
// touches, so operations on different indexes commute. Index 0 lives in the head; the first
// entry at a higher index allocates a node (a fault point and a kmemleak object), freed when the
// last such entry goes, as the real xarray does for small arrays.
import { current } from '../rt/current.js';
import { KObject } from '../rt/kobject.js';
import { OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';
import { EBUSY, ENOMEM } from './errno.js';
import { kfree, kzalloc } from './slab.js';

/** XA_ZERO_ENTRY: a reserved slot */
export const XA_ZERO_ENTRY: unique symbol = Symbol('XA_ZERO_ENTRY');
export type XaSlot<T> = T | typeof XA_ZERO_ENTRY;

class XaNode extends KObject {}

export class XArray<T> extends KObject {
  /** present slots; a reserved slot holds XA_ZERO_ENTRY */
  readonly slots = new Map<number, XaSlot<T>>();
  node: XaNode | null = null;

  constructor(private readonly name: string) {
    super();
  }

  override get label(): string {
    return this.name;
  }

  /** model view: visible (non-reserved) entries in index order */
  entries(start = 0): Array<[number, T]> {
    const out: Array<[number, T]> = [];
    for (const [i, v] of [...this.slots].sort((a, b) => a[0] - b[0])) {
      if (i >= start && v !== XA_ZERO_ENTRY) out.push([i, v]);
    }
    return out;
  }
}

function* step<T>(xa: XArray<T>, kind: OpKind, index: number | null, verb: string): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind, obj: xa, field: index === null ? null : `[${index}]`, verb };
  if (xa.freed) exec.useAfterFree(xa, `${verb}(${xa.label})`);
}

/** a node is needed for an index above 0; allocate it (may fail) */
function* ensureNode<T>(xa: XArray<T>, index: number): Gen<boolean> {
  if (index === 0 || xa.node !== null) return true;
  const node = yield* kzalloc(() => new XaNode());
  if (node === null) return false;
  if (xa.node === null) xa.node = node;
  else yield* kfree(node);
  return true;
}

/** free the node once no index above 0 is in use */
function* maybeFreeNode<T>(xa: XArray<T>): Gen {
  if (xa.node === null) return;
  for (const i of xa.slots.keys()) if (i !== 0) return;
  const node = xa.node;
  xa.node = null;
  yield* kfree(node);
}

/** xa_load(): the entry, or null for an empty or reserved slot */
export function* xaLoad<T>(xa: XArray<T>, index: number): Gen<T | null> {
  yield* step(xa, OpKind.Read, index, 'xa_load');
  const v = xa.slots.get(index);
  return v === undefined || v === XA_ZERO_ENTRY ? null : v;
}

/**
 * xa_empty(): no slot in use (reserved slots count as in use). The IOMMU core calls it with
 * group->mutex held, which every writer holds too, so it is a plain read (no yield).
 */
export function xaEmpty<T>(xa: XArray<T>): boolean {
  if (xa.freed) current.useAfterFree(xa, `xa_empty(${xa.label})`);
  return xa.slots.size === 0;
}

/** xa_insert(): store into an empty slot; -EBUSY if occupied (also by a reservation), -ENOMEM */
export function* xaInsert<T>(xa: XArray<T>, index: number, entry: XaSlot<T>): Gen<number> {
  yield* step(xa, OpKind.Rmw, index, 'xa_insert');
  if (xa.slots.has(index)) return -EBUSY;
  if (!(yield* ensureNode(xa, index))) return -ENOMEM;
  xa.slots.set(index, entry);
  return 0;
}

/** xa_reserve(): reserve the slot if it is empty; an occupied slot is fine (0). 0 or -ENOMEM. */
export function* xaReserve<T>(xa: XArray<T>, index: number): Gen<number> {
  const r = yield* xaCmpxchgReserve(xa, index);
  return typeof r === 'number' ? r : 0;
}

/** xa_store(): replace whatever is there. Returns the old entry (null if none), or -ENOMEM. */
export function* xaStore<T>(xa: XArray<T>, index: number, entry: T): Gen<T | null | number> {
  yield* step(xa, OpKind.Rmw, index, 'xa_store');
  const old = xa.slots.get(index);
  if (old === undefined && !(yield* ensureNode(xa, index))) return -ENOMEM;
  xa.slots.set(index, entry);
  return old === undefined || old === XA_ZERO_ENTRY ? null : old;
}

/** xa_release(): drop a reservation (nothing happens if the slot holds an entry) */
export function* xaRelease<T>(xa: XArray<T>, index: number): Gen {
  yield* step(xa, OpKind.Rmw, index, 'xa_release');
  if (xa.slots.get(index) === XA_ZERO_ENTRY) {
    xa.slots.delete(index);
    yield* maybeFreeNode(xa);
  }
}

/** xa_erase(): empty the slot; returns the old entry (null if none or reserved) */
export function* xaErase<T>(xa: XArray<T>, index: number): Gen<T | null> {
  yield* step(xa, OpKind.Rmw, index, 'xa_erase');
  const old = xa.slots.get(index);
  if (old === undefined) return null;
  xa.slots.delete(index);
  yield* maybeFreeNode(xa);
  return old === XA_ZERO_ENTRY ? null : old;
}

/**
 * xa_cmpxchg(xa, index, NULL, XA_ZERO_ENTRY): reserve the slot only if it is empty. Returns the
 * current entry (null when it was empty and is now reserved; a reserved slot also reads as null),
 * or -ENOMEM (xa_err()).
 */
export function* xaCmpxchgReserve<T>(xa: XArray<T>, index: number): Gen<T | null | number> {
  yield* step(xa, OpKind.Rmw, index, 'xa_cmpxchg');
  const cur = xa.slots.get(index);
  if (cur !== undefined) return cur === XA_ZERO_ENTRY ? null : cur;
  if (!(yield* ensureNode(xa, index))) return -ENOMEM;
  xa.slots.set(index, XA_ZERO_ENTRY);
  return null;
}

/**
 * xa_for_each_start(): the visible entries from `start` on. Like xa_empty(), called with the
 * lock every writer holds (group->mutex), so a plain read.
 */
export function xaForEachStart<T>(xa: XArray<T>, start: number): Array<[number, T]> {
  if (xa.freed) current.useAfterFree(xa, `xa_for_each(${xa.label})`);
  return xa.entries(start);
}

/** xa_destroy(): free the node (entries are the caller's) */
export function* xaDestroy<T>(xa: XArray<T>): Gen {
  xa.slots.clear();
  const node = xa.node;
  xa.node = null;
  yield* kfree(node);
}
