// The state of the objects a step touches, as plain data for the HTML report. Generic over the
// model: an object is whatever its own fields hold (groups, domains, devices, a driver's
// hardware tables and caches alike), so a new driver's state shows up without a change here.
// Objects with an id (rt/op.ts Shared) inside another object appear as references; the ones a
// step touches, and their direct references, are shown as objects of their own.
import type { Op, Shared } from '../rt/op.js';
import { Thread } from '../rt/thread.js';

/**
 * A value as the report's page renders it: JSON with a few tagged shapes.
 * {"$ref": label} another object; {"$thread": name}; {"$map": [[k, v]...]}; {"$set": [...]};
 * {"$sparse": length, "e": [[index, v]...]} a long array with few non-empty entries;
 * {"$obj": class, "f": {...}} an object without an id; {"$more": n} entries left out;
 * {"$u": 1} undefined; {"$fn": 1} a function.
 */
export type StateValue = null | boolean | number | string | StateValue[] | { readonly [k: string]: StateValue };

/** Fields that are bookkeeping of the runtime, not state a reader looks for. */
const skipped = new Set(['oid', 'label', 'allocStack', 'freeStack', 'tracked', 'lockOp', 'unlockOp', 'cls']);

/** entries shown of one array, map or set */
const maxEntries = 48;
/** nesting shown inside one object (objects with an id never nest: they are references) */
const maxDepth = 4;

export function isShared(v: unknown): v is Shared {
  if (typeof v !== 'object' || v === null) return false;
  return typeof (v as { oid?: unknown }).oid === 'number' && typeof (v as { label?: unknown }).label === 'string';
}

/** An object's own fields as report data. */
export function objectState(obj: Shared): { readonly class: string; readonly fields: Record<string, StateValue> } {
  const fields: Record<string, StateValue> = {};
  for (const k of Object.keys(obj)) {
    if (skipped.has(k)) continue;
    const d = Object.getOwnPropertyDescriptor(obj, k);
    if (d === undefined || !('value' in d) || typeof d.value === 'function') continue;
    fields[k] = valueState(d.value, 1, new Set([obj]));
  }
  return { class: (obj as object).constructor?.name ?? 'Object', fields };
}

function valueState(v: unknown, depth: number, seen: Set<object>): StateValue {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return `${v}n`;
    case 'undefined':
      return { $u: 1 };
    case 'function':
      return { $fn: 1 };
    case 'symbol':
      return String(v);
  }
  if (v === null) return null;
  const o = v as object;
  if (o instanceof Thread) return { $thread: o.name };
  if (isShared(o)) return { $ref: o.label };
  if (seen.has(o) || depth > maxDepth) return { $obj: o.constructor?.name ?? 'Object', f: { '…': '…' } };
  seen.add(o);
  try {
    if (Array.isArray(o) || ArrayBuffer.isView(o)) return arrayState(o as ArrayLike<unknown>, depth, seen);
    if (o instanceof Map) {
      const out: StateValue[] = [];
      for (const [k, x] of o) {
        if (out.length === maxEntries) return { $map: [...out, [{ $more: o.size - maxEntries }, null]] };
        out.push([keyState(k), valueState(x, depth + 1, seen)]);
      }
      return { $map: out };
    }
    if (o instanceof Set) {
      const out: StateValue[] = [];
      for (const x of o) {
        if (out.length === maxEntries) return { $set: [...out, { $more: o.size - maxEntries }] };
        out.push(valueState(x, depth + 1, seen));
      }
      return { $set: out };
    }
    const f: Record<string, StateValue> = {};
    for (const k of Object.keys(o)) {
      if (skipped.has(k)) continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d === undefined || !('value' in d) || typeof d.value === 'function') continue;
      f[k] = valueState(d.value, depth + 1, seen);
    }
    return { $obj: o.constructor?.name ?? 'Object', f };
  } finally {
    seen.delete(o);
  }
}

function keyState(k: unknown): StateValue {
  if (isShared(k)) return { $ref: k.label };
  if (k instanceof Thread) return { $thread: k.name };
  return typeof k === 'object' && k !== null ? String(k.constructor?.name ?? 'object') : (k as StateValue);
}

/** An empty entry of a table: what a long mostly-empty array (a page table, a stream table) leaves out. */
function empty(x: unknown): boolean {
  return x === undefined || x === null || x === 0 || x === false;
}

function arrayState(a: ArrayLike<unknown>, depth: number, seen: Set<object>): StateValue {
  const n = a.length;
  if (n <= 16) return Array.from({ length: n }, (_, i) => valueState(a[i], depth + 1, seen));
  const e: StateValue[] = [];
  let filled = 0;
  for (let i = 0; i < n; i++) {
    if (empty(a[i])) continue;
    filled++;
    if (e.length < maxEntries) e.push([i, valueState(a[i], depth + 1, seen)]);
  }
  if (filled > e.length) e.push([{ $more: filled - e.length }, null]);
  return { $sparse: n, e };
}

/** How a step has an object: its op's own, the one embedding that, or one a check of the step reads. */
export type TouchRole = 'touched' | 'embeds' | 'checked';

/** The objects a step touches: its op's object, the object that embeds it, what a check reads there. */
export function objectsOf(op: Op): { readonly obj: Shared; readonly role: TouchRole }[] {
  const out: { obj: Shared; role: TouchRole }[] = [];
  const add = (s: Shared | null | undefined, role: TouchRole): void => {
    if (s != null && !out.some((x) => x.obj.oid === s.oid)) out.push({ obj: s, role });
  };
  add(op.obj, 'touched');
  add(op.obj?.container, 'embeds');
  for (const r of op.reads ?? []) add(r.obj, 'checked');
  return out;
}

/** The objects `objs` refer to directly (a group's domain and devices, a lock's holder's object...). */
export function neighboursOf(objs: readonly Shared[], max: number): Shared[] {
  const out: Shared[] = [];
  const seen = new Set<number>(objs.map((o) => o.oid));
  const add = (v: unknown): void => {
    if (out.length < max && isShared(v) && !seen.has(v.oid)) {
      seen.add(v.oid);
      out.push(v);
    }
  };
  for (const o of objs) {
    for (const k of Object.keys(o)) {
      if (skipped.has(k)) continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      const v: unknown = d !== undefined && 'value' in d ? d.value : undefined;
      if (v instanceof Map) {
        for (const [key, x] of v) {
          add(key);
          add(x);
        }
      } else if (v instanceof Set || Array.isArray(v)) {
        for (const x of v as Iterable<unknown>) add(x);
      } else {
        add(v);
      }
    }
  }
  return out;
}
