// A generic deep copy of an object graph, for world snapshots (rt/snapshot.ts). It keeps what a
// model relies on: prototypes (class instances stay instances of their class, with their
// methods and getters), object identity and sharing (an object reached twice is copied once,
// cycles included), Maps and Sets in insertion order, arrays, and every own field as it is
// (object ids included: KObject constructors are not run again). Functions are shared: model
// code keeps only static functions in its objects (driver ops tables, bus hooks), never
// closures over state. Frozen objects are shared too: immutable constants that code compares
// by identity (HW_NONE, a driver's static ops table). Anything else it cannot copy faithfully
// (a generator, a closure's hidden state, a WeakMap, a Date) is refused with an error naming it.

const objectTag = '[object Object]';
const arrayProto = Array.prototype;
const mapProto = Map.prototype;
const setProto = Set.prototype;
const toTag = Object.prototype.toString;

export class CloneError extends Error {}

/** The copier of one snapshot restore: `memo` maps each original object to its copy. */
export class GraphCloner {
  readonly memo = new Map<object, unknown>();

  copy<T>(v: T): T {
    if (typeof v !== 'object' || v === null) return v;
    const known = this.memo.get(v);
    if (known !== undefined) return known as T;
    return this.copyObject(v) as T;
  }

  private copyObject(v: object): unknown {
    if (Object.isFrozen(v)) return v;
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === arrayProto) {
      const src = v as unknown[];
      const a = new Array<unknown>(src.length);
      this.memo.set(v, a);
      for (let i = 0; i < src.length; i++) a[i] = this.copy(src[i]);
      return a;
    }
    if (proto === mapProto) {
      const m = new Map<unknown, unknown>();
      this.memo.set(v, m);
      for (const [k, x] of v as Map<unknown, unknown>) m.set(this.copy(k), this.copy(x));
      return m;
    }
    if (proto === setProto) {
      const s = new Set<unknown>();
      this.memo.set(v, s);
      for (const x of v as Set<unknown>) s.add(this.copy(x));
      return s;
    }
    if (toTag.call(v) !== objectTag) throw new CloneError(`a world snapshot cannot copy ${describe(v)}`);
    const o = Object.create(proto) as Record<string, unknown>;
    this.memo.set(v, o);
    const src = v as Record<string, unknown>;
    for (const k of Object.keys(src)) o[k] = this.copy(src[k]);
    return o;
  }
}

function describe(v: object): string {
  const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return `${toTag.call(v)}${ctor === undefined ? '' : ` (${ctor})`}`;
}
