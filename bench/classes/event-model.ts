// An abstract twin of a benchmark program, independent of the explorer: each thread is a fixed
// list of events on named objects (lock, unlock, read, write). Two events are dependent when
// they touch the same object and one of them writes (lock and unlock write the lock), which is
// the dependency relation of src/rt/op.ts, written again here so that the count does not trust it.
//
// countClasses() enumerates Mazurkiewicz traces of maximal executions by breadth-first search
// over trace prefixes, deduplicated by a canonical key; countInterleavings() counts maximal
// schedules (what exhaustive DFS executes) by dynamic programming over scheduler states.

export type EventKind = 'lock' | 'unlock' | 'read' | 'write';

export interface Event {
  readonly kind: EventKind;
  readonly obj: string;
}

export type EventProgram = readonly (readonly Event[])[];

interface Prefix {
  readonly pcs: number[];
  /** lock owners by object, -1 when free */
  readonly owners: Map<string, number>;
  /** per object: closed segments "[readers]w<thread>;" then the readers since the last write */
  readonly done: Map<string, string>;
  readonly reads: Map<string, number[]>;
}

function enabled(p: EventProgram, pcs: readonly number[], owners: ReadonlyMap<string, number>, t: number): boolean {
  const e = p[t]![pcs[t]!];
  if (e === undefined) return false;
  return e.kind !== 'lock' || (owners.get(e.obj) ?? -1) === -1;
}

function step(p: EventProgram, s: Prefix, t: number): Prefix {
  const e = p[t]![s.pcs[t]!]!;
  const pcs = s.pcs.slice();
  pcs[t]!++;
  const owners = new Map(s.owners);
  if (e.kind === 'lock') owners.set(e.obj, t);
  else if (e.kind === 'unlock') owners.set(e.obj, -1);
  const done = new Map(s.done);
  const reads = new Map(s.reads);
  const pending = reads.get(e.obj) ?? [];
  if (e.kind === 'read') {
    reads.set(e.obj, [...pending, t].sort((a, b) => a - b));
  } else {
    done.set(e.obj, `${done.get(e.obj) ?? ''}[${pending.join(',')}]w${t};`);
    reads.set(e.obj, []);
  }
  return { pcs, owners, done, reads };
}

function traceKey(s: Prefix): string {
  const objs = [...new Set([...s.done.keys(), ...s.reads.keys()])].sort();
  return objs.map((o) => `${o}:${s.done.get(o) ?? ''}[${(s.reads.get(o) ?? []).join(',')}]`).join('|');
}

/** Number of Mazurkiewicz classes of maximal executions (complete or deadlocked). */
export function countClasses(p: EventProgram): number {
  let layer = new Map<string, Prefix>([['', { pcs: p.map(() => 0), owners: new Map(), done: new Map(), reads: new Map() }]]);
  let maximal = 0;
  while (layer.size > 0) {
    const next = new Map<string, Prefix>();
    for (const s of layer.values()) {
      let any = false;
      for (let t = 0; t < p.length; t++) {
        if (!enabled(p, s.pcs, s.owners, t)) continue;
        any = true;
        const n = step(p, s, t);
        const key = traceKey(n);
        if (!next.has(key)) next.set(key, n);
      }
      if (!any) maximal++;
    }
    layer = next;
  }
  return maximal;
}

/** Number of maximal schedules: the executions of an exhaustive DFS without reduction. */
export function countInterleavings(p: EventProgram): number {
  const memo = new Map<string, number>();
  const visit = (pcs: number[], owners: Map<string, number>): number => {
    const key = `${pcs.join(',')}/${[...owners].filter(([, o]) => o >= 0).map(([l, o]) => `${l}=${o}`).sort().join(',')}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let total = 0;
    let any = false;
    for (let t = 0; t < p.length; t++) {
      if (!enabled(p, pcs, owners, t)) continue;
      any = true;
      const e = p[t]![pcs[t]!]!;
      const nextPcs = pcs.slice();
      nextPcs[t]!++;
      const nextOwners = new Map(owners);
      if (e.kind === 'lock') nextOwners.set(e.obj, t);
      else if (e.kind === 'unlock') nextOwners.set(e.obj, -1);
      total += visit(nextPcs, nextOwners);
    }
    const n = any ? total : 1;
    memo.set(key, n);
    return n;
  };
  return visit(p.map(() => 0), new Map());
}
