// The recording side of the yield-rule checker: proxies, made in checking mode only, through which
// model code reaches shared state. Every KObject is its proxy from construction (KObject's
// constructor returns it, so `this` in the subclasses' constructors and methods is the proxy too:
// no model code ever holds the raw object). Plain objects (the scenario world, its ledger, records
// in maps) have fields of their own; a Map, Set or array belongs to the field that holds it: its
// contents are that field's location (a Map or Set key by key, an array as a whole), and calling
// its methods reads or writes them.
//
// Limits: a plain object or container a thread made and still holds directly (not read back from
// a field) is touched without a proxy, so those accesses are not seen; JS private `#fields` would
// not go through a proxy at all (the model has none).
import type { YieldChecker } from './yield-check.js';

/**
 * The part of a field an access touches: the field itself (SLOT), or its container's contents:
 * as a whole (WHOLE: size, iteration, clear), one key's entry, or the membership change of adding
 * or removing a key (`members`: it changes what size and iteration see, including the order).
 */
export const SLOT: unique symbol = Symbol('slot');
export const WHOLE: unique symbol = Symbol('whole');
export type Part = typeof SLOT | typeof WHOLE | { readonly key: unknown; readonly members?: true };

/** KObject fields that are the runtime's bookkeeping (KASAN's shadow, kmemleak), not kernel state. */
const bookkeeping = new Set(['oid', 'freed', 'tracked', 'allocStack', 'freeStack', 'freeThread', 'constructor', 'label']);

/** model-only state kept for the oracles (`ghost*` fields), written where the state it shadows is */
function isGhost(prop: string): boolean {
  return prop.charCodeAt(0) === 103 && prop.startsWith('ghost');
}

/** Where a container's accesses go: the field holding it; `key` when it sits under a key of another. */
interface Home {
  owner: object;
  field: string;
  key: Part | null;
}

export class Membrane {
  /** every proxy -> its raw object */
  private readonly raws = new WeakMap<object, object>();
  /** proxies of containers and plain objects -> raw (stored raw, wrapped again when read) */
  private readonly inner = new WeakMap<object, object>();
  /** raw -> proxy */
  private readonly proxies = new WeakMap<object, object>();
  private readonly kobjects = new WeakSet<object>();
  private readonly homes = new WeakMap<object, Home>();
  /** plain objects: the name they were first reached by ("world.ledger") */
  private readonly names = new WeakMap<object, string>();
  private readonly objectHandler: ProxyHandler<object>;
  private readonly arrayHandler: ProxyHandler<unknown[]>;
  private readonly mapHandler: ProxyHandler<Map<unknown, unknown>>;
  private readonly setHandler: ProxyHandler<Set<unknown>>;

  constructor(private readonly ck: YieldChecker) {
    this.objectHandler = objectHandler(ck, this);
    this.arrayHandler = arrayHandler(ck, this);
    this.mapHandler = mapHandler(ck, this);
    this.setHandler = setHandler(ck, this);
  }

  kobject<T extends object>(raw: T): T {
    const p = new Proxy(raw, this.objectHandler);
    this.raws.set(p, raw);
    this.proxies.set(raw, p);
    this.kobjects.add(raw);
    return p as T;
  }

  root<W>(world: W): W {
    if (typeof world !== 'object' || world === null || this.raws.has(world)) return world;
    this.names.set(world, 'world');
    return this.plain(world as object) as W;
  }

  /** the raw object behind a proxy (itself if it is not one) */
  rawOf(v: object): object {
    return this.raws.get(v) ?? v;
  }

  unwrap<T>(v: T): T {
    if (typeof v !== 'object' || v === null) return v;
    // a KObject's proxy is its identity everywhere: only containers and plain objects unwrap
    return (this.inner.get(v) as T | undefined) ?? v;
  }

  /** the static name of an object's type for reports: its class, or the path a plain object was found by */
  nameOf(raw: object): string {
    return this.names.get(raw) ?? raw.constructor.name;
  }

  instanceOf(raw: object): string {
    const n = this.names.get(raw);
    if (n !== undefined) return n;
    const label = (this.proxies.get(raw) ?? raw) as { label?: unknown };
    return String(Reflect.get(raw, 'label', label) ?? raw.constructor.name);
  }

  /** What a read hands out: containers and plain objects through their proxy. */
  wrap(v: unknown, owner: object, field: string, key: Part | null): unknown {
    // frozen: a constant nobody writes (HW_NONE, a driver's static ops table), and a proxy of it
    // could not hand out anything but its very fields
    if (typeof v !== 'object' || v === null || this.raws.has(v) || Object.isFrozen(v)) return v;
    if (Array.isArray(v)) return this.container(v, owner, field, key, this.arrayHandler);
    if (v instanceof Map) return this.container(v, owner, field, key, this.mapHandler);
    if (v instanceof Set) return this.container(v, owner, field, key, this.setHandler);
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v; // locks, refcounts, completions: their ops
    if (!this.names.has(v)) {
      this.names.set(v, `${this.nameOf(owner)}.${field}${key === null ? '' : '[]'}`);
      const p = this.ck.privateTo.get(owner);
      if (p !== undefined) this.ck.privateTo.set(v, p);
    }
    return this.plain(v);
  }

  private plain(raw: object): object {
    let p = this.proxies.get(raw);
    if (p === undefined) {
      p = new Proxy(raw, this.objectHandler);
      this.proxies.set(raw, p);
      this.raws.set(p, raw);
      this.inner.set(p, raw);
    }
    return p;
  }

  private container<T extends object>(raw: T, owner: object, field: string, key: Part | null, handler: ProxyHandler<T>): T {
    let home = this.homes.get(raw);
    if (home === undefined) {
      home = { owner, field, key };
      this.homes.set(raw, home);
    } else {
      // the last field it was read from (a container is normally in one field)
      home.owner = owner;
      home.field = field;
      home.key = key;
    }
    let p = this.proxies.get(raw);
    if (p === undefined) {
      p = new Proxy(raw, handler);
      this.proxies.set(raw, p);
      this.raws.set(p, raw);
      this.inner.set(p, raw);
    }
    return p as T;
  }

  home(raw: object): Home {
    return this.homes.get(raw)!;
  }

  /** Record an access to a container's contents: the key given, unless it sits under a key itself. */
  touch(raw: object, part: Part, write: boolean): Home {
    const h = this.homes.get(raw)!;
    this.ck.access(h.owner, h.field, h.key ?? part, write);
    return h;
  }

  /** `v` became reachable by other threads: it and what it reaches stop being private. */
  publish(v: unknown, seen = new Set<object>()): void {
    if (typeof v !== 'object' || v === null) return;
    const raw = this.raws.get(v) ?? v;
    if (seen.has(raw)) return;
    seen.add(raw);
    const wasPrivate = this.ck.privateTo.delete(raw);
    if (raw instanceof Map) {
      for (const [k, x] of raw) {
        this.publish(k, seen);
        this.publish(x, seen);
      }
    } else if (raw instanceof Set || Array.isArray(raw)) {
      for (const x of raw as Iterable<unknown>) this.publish(x, seen);
    } else if (wasPrivate || !this.kobjects.has(raw)) {
      // a KObject that was shared already only points at shared objects
      for (const k of Object.keys(raw)) this.publish((raw as Record<string, unknown>)[k], seen);
    }
  }
}

function isField(target: object, prop: string): boolean {
  return Object.hasOwn(target, prop) || !(prop in target);
}

function objectHandler(ck: YieldChecker, m: Membrane): ProxyHandler<object> {
  return {
    get(target, prop, receiver) {
      if (!ck.on || typeof prop === 'symbol' || isGhost(prop)) return Reflect.get(target, prop, receiver);
      if (bookkeeping.has(prop)) return prop === 'label' ? ck.blind(() => Reflect.get(target, prop, receiver)) : Reflect.get(target, prop, target);
      // methods and accessors run with the proxy as `this`: their own reads are recorded
      if (!isField(target, prop)) return Reflect.get(target, prop, receiver);
      ck.access(target, prop, SLOT, false);
      return m.wrap((target as Record<string, unknown>)[prop], target, prop, null);
    },
    set(target, prop, value, receiver) {
      if (!ck.on || typeof prop === 'symbol' || isGhost(prop) || bookkeeping.has(prop)) return Reflect.set(target, prop, m.unwrap(value), target);
      if (!isField(target, prop)) return Reflect.set(target, prop, value, receiver);
      ck.access(target, prop, SLOT, true);
      const raw = m.unwrap(value);
      ck.stored(target, raw);
      (target as Record<string, unknown>)[prop] = raw;
      return true;
    },
    deleteProperty(target, prop) {
      if (ck.on && typeof prop === 'string' && !isGhost(prop) && !bookkeeping.has(prop)) ck.access(target, prop, SLOT, true);
      return Reflect.deleteProperty(target, prop);
    },
  };
}

function isIndex(prop: string): boolean {
  const c = prop.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function arrayHandler(ck: YieldChecker, m: Membrane): ProxyHandler<unknown[]> {
  return {
    get(target, prop, receiver) {
      if (ck.on && typeof prop === 'string' && (prop === 'length' || isIndex(prop))) {
        const h = m.touch(target, WHOLE, false);
        const v = (target as unknown as Record<string, unknown>)[prop];
        return prop === 'length' ? v : m.wrap(v, h.owner, h.field, h.key ?? WHOLE);
      }
      // methods (push, splice, indexOf, the iterator) run on the proxy: their element accesses come back here
      return Reflect.get(target, prop, receiver);
    },
    set(target, prop, value) {
      if (ck.on && typeof prop === 'string' && (prop === 'length' || isIndex(prop))) {
        const h = m.touch(target, WHOLE, true);
        const raw = m.unwrap(value);
        ck.stored(h.owner, raw);
        (target as unknown as Record<string, unknown>)[prop] = raw;
        return true;
      }
      return Reflect.set(target, prop, m.unwrap(value), target);
    },
    has(target, prop) {
      if (ck.on && typeof prop === 'string' && isIndex(prop)) m.touch(target, WHOLE, false);
      return Reflect.has(target, prop);
    },
    deleteProperty(target, prop) {
      if (ck.on && typeof prop === 'string' && isIndex(prop)) m.touch(target, WHOLE, true);
      return Reflect.deleteProperty(target, prop);
    },
  };
}

/** an iterator over a container that records a read of the whole at each step */
function reading<T>(target: object, m: Membrane, it: Iterator<T>, out: (v: T) => unknown): IterableIterator<unknown> {
  return {
    next() {
      m.touch(target, WHOLE, false);
      const r = it.next();
      return r.done === true ? r : { done: false, value: out(r.value) };
    },
    [Symbol.iterator]() {
      return this;
    },
  };
}

/** a Map's or Set's own member, for code that is not recorded (no thread running, oracle code) */
function unrecorded(target: object, prop: string | symbol): unknown {
  const v = Reflect.get(target, prop, target) as unknown;
  return typeof v === 'function' ? v.bind(target) : v;
}

function mapHandler(ck: YieldChecker, m: Membrane): ProxyHandler<Map<unknown, unknown>> {
  return {
    get(target, prop, receiver) {
      if (!ck.on) return unrecorded(target, prop);
      const h = m.home(target);
      const at = (k: unknown): Part => h.key ?? { key: k };
      const out = (k: unknown, v: unknown): unknown => m.wrap(v, h.owner, h.field, at(k));
      switch (prop) {
        case 'size':
          m.touch(target, WHOLE, false);
          return target.size;
        case 'get':
          return (k: unknown) => {
            const rk = m.unwrap(k);
            ck.access(h.owner, h.field, at(rk), false);
            return out(rk, target.get(rk));
          };
        case 'has':
          return (k: unknown) => {
            const rk = m.unwrap(k);
            ck.access(h.owner, h.field, at(rk), false);
            return target.has(rk);
          };
        case 'set':
          return (k: unknown, v: unknown) => {
            const rk = m.unwrap(k);
            const rv = m.unwrap(v);
            ck.access(h.owner, h.field, at(rk), true);
            if (h.key === null && !target.has(rk)) ck.access(h.owner, h.field, { key: rk, members: true }, true);
            ck.stored(h.owner, rk);
            ck.stored(h.owner, rv);
            target.set(rk, rv);
            return receiver;
          };
        case 'delete':
          return (k: unknown) => {
            const rk = m.unwrap(k);
            ck.access(h.owner, h.field, at(rk), true);
            if (h.key === null && target.has(rk)) ck.access(h.owner, h.field, { key: rk, members: true }, true);
            return target.delete(rk);
          };
        case 'clear':
          return () => {
            m.touch(target, WHOLE, true);
            target.clear();
          };
        case 'forEach':
          return (fn: (v: unknown, k: unknown, map: unknown) => void, thisArg?: unknown) => {
            m.touch(target, WHOLE, false);
            for (const [k, v] of target) fn.call(thisArg, out(k, v), k, receiver);
          };
        case 'keys':
          return () => reading(target, m, target.keys(), (k) => k);
        case 'values':
          return () => reading(target, m, target.entries(), ([k, v]) => out(k, v));
        case 'entries':
        case Symbol.iterator:
          return () => reading(target, m, target.entries(), ([k, v]) => [k, out(k, v)]);
        default:
          return unrecorded(target, prop);
      }
    },
  };
}

function setHandler(ck: YieldChecker, m: Membrane): ProxyHandler<Set<unknown>> {
  return {
    get(target, prop, receiver) {
      if (!ck.on) return unrecorded(target, prop);
      const h = m.home(target);
      const at = (k: unknown): Part => h.key ?? { key: k };
      const out = (v: unknown): unknown => m.wrap(v, h.owner, h.field, at(v));
      switch (prop) {
        case 'size':
          m.touch(target, WHOLE, false);
          return target.size;
        case 'has':
          return (k: unknown) => {
            const rk = m.unwrap(k);
            ck.access(h.owner, h.field, at(rk), false);
            return target.has(rk);
          };
        case 'add':
          return (k: unknown) => {
            const rk = m.unwrap(k);
            ck.access(h.owner, h.field, at(rk), true);
            if (h.key === null && !target.has(rk)) ck.access(h.owner, h.field, { key: rk, members: true }, true);
            ck.stored(h.owner, rk);
            target.add(rk);
            return receiver;
          };
        case 'delete':
          return (k: unknown) => {
            const rk = m.unwrap(k);
            ck.access(h.owner, h.field, at(rk), true);
            if (h.key === null && target.has(rk)) ck.access(h.owner, h.field, { key: rk, members: true }, true);
            return target.delete(rk);
          };
        case 'clear':
          return () => {
            m.touch(target, WHOLE, true);
            target.clear();
          };
        case 'forEach':
          return (fn: (v: unknown, k: unknown, set: unknown) => void, thisArg?: unknown) => {
            m.touch(target, WHOLE, false);
            for (const v of target) fn.call(thisArg, out(v), out(v), receiver);
          };
        case 'keys':
        case 'values':
        case Symbol.iterator:
          return () => reading(target, m, target.values(), out);
        case 'entries':
          return () => reading(target, m, target.values(), (v) => [out(v), out(v)]);
        default:
          return unrecorded(target, prop);
      }
    },
  };
}
