// DPOR's frontier between two executions, and its plain-JSON form (checkpoints, slices on
// workers). The search shares event objects: a step's event is also in later sleep sets and in
// the wakeup sequences its races produced, and marking it fatal marks it everywhere. So events
// are saved once each, in a table, and referred to by index; read back, the frontier has the
// same sharing and the search goes on exactly as if it had not stopped.
import { type Op, plainOp } from '../rt/op.js';
import { Ev } from './dpor-event.js';
import type { WakeupNode } from './dpor-wakeup.js';

export interface PathNode {
  /** the event this step runs in the branch being explored */
  cur: Ev;
  /** cur was picked by the search, not prescribed: its allocation outcome may still change */
  free: boolean;
  /** wakeup tree: branches still to explore at this step */
  readonly pending: WakeupNode[];
  /** events not to run here: their continuations are explored elsewhere */
  readonly sleep: Ev[];
}

export interface DporStats {
  /** races whose reversal was offered to a wakeup tree */
  races: number;
  /** wakeup sequences added (not covered by a sleep set or an existing branch) */
  wakeups: number;
  /** executions that had to run a sleeping event (redundant; 0 when the reduction is optimal) */
  sleepBlocked: number;
}

/** Everything the search carries from one execution to the next. */
export interface Frontier {
  /** executions explored so far */
  readonly explored: number;
  readonly path: PathNode[];
  /** prescribed continuation for the next node created */
  readonly follow: WakeupNode[];
  /** first step whose node the next execution chooses anew */
  readonly branchAt: number;
  /** per step of the last execution: the last step not happening after it (dpor-races.ts) */
  readonly tails: number[];
  readonly stats: DporStats;
}

/** A saved event: indexes into DporState.ops for its op. */
export interface SavedEvent {
  readonly thread: number;
  readonly index: number;
  readonly op: number;
  readonly fail: boolean;
  readonly fatal: boolean;
}

/** A wakeup forest, flat: [event, parent entry or -1], a parent before its children, siblings in order. */
export type SavedForest = ReadonlyArray<readonly [number, number]>;

export interface SavedNode {
  readonly cur: number;
  readonly free: boolean;
  readonly sleep: readonly number[];
  readonly pending: SavedForest;
}

/** The rest of a DPOR search as plain JSON; `explored` orders the states of one search. */
export interface DporState {
  readonly explored: number;
  /** distinct ops of the events (object id, label, container, field, kind, verb) */
  readonly ops: readonly Op[];
  /** distinct event objects */
  readonly events: readonly SavedEvent[];
  readonly path: readonly SavedNode[];
  readonly follow: SavedForest;
  readonly branchAt: number;
  readonly tails: readonly number[];
  readonly stats: DporStats;
}

export const dporRoot: DporState = {
  explored: 0,
  ops: [],
  events: [],
  path: [],
  follow: [],
  branchAt: 0,
  tails: [],
  stats: { races: 0, wakeups: 0, sleepBlocked: 0 },
};

export function saveFrontier(f: Frontier): DporState {
  const ops: Op[] = [];
  const opIds = new Map<string, number>();
  const events: SavedEvent[] = [];
  const eventIds = new Map<Ev, number>();
  const ev = (e: Ev): number => {
    let id = eventIds.get(e);
    if (id === undefined) {
      const op = plainOp(e.op);
      const text = JSON.stringify(op);
      let o = opIds.get(text);
      if (o === undefined) {
        o = ops.push(op) - 1;
        opIds.set(text, o);
      }
      id = events.push({ thread: e.thread, index: e.index, op: o, fail: e.fail, fatal: e.fatal }) - 1;
      eventIds.set(e, id);
    }
    return id;
  };
  const forest = (roots: readonly WakeupNode[]): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    // iterative preorder: wakeup sequences can be as long as an execution
    const stack: Array<[WakeupNode, number]> = [];
    for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i]!, -1]);
    while (stack.length > 0) {
      const [n, parent] = stack.pop()!;
      const at = out.push([ev(n.ev), parent]) - 1;
      for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, at]);
    }
    return out;
  };
  const path = f.path.map((n) => ({ cur: ev(n.cur), free: n.free, sleep: n.sleep.map(ev), pending: forest(n.pending) }));
  return {
    explored: f.explored,
    ops,
    events,
    path,
    follow: forest(f.follow),
    branchAt: f.branchAt,
    tails: f.tails.slice(),
    stats: { ...f.stats },
  };
}

/** The frontier of a state (checked by explorer/parallel/dpor-check.ts when read from a file). */
export function loadFrontier(s: DporState): Frontier {
  const events = s.events.map((e) => new Ev(e.thread, e.index, s.ops[e.op]!, e.fail, e.fatal));
  const forest = (saved: SavedForest): WakeupNode[] => {
    const roots: WakeupNode[] = [];
    const nodes: WakeupNode[] = [];
    for (const [e, parent] of saved) {
      const n: WakeupNode = { ev: events[e]!, children: [] };
      nodes.push(n);
      (parent < 0 ? roots : nodes[parent]!.children).push(n);
    }
    return roots;
  };
  return {
    explored: s.explored,
    // the property order of the nodes DporStrategy creates, so the search code sees one shape
    path: s.path.map((n) => ({
      cur: events[n.cur]!,
      free: n.free,
      pending: forest(n.pending),
      sleep: n.sleep.map((e) => events[e]!),
    })),
    follow: forest(s.follow),
    branchAt: s.branchAt,
    tails: s.tails.slice(),
    stats: { ...s.stats },
  };
}
