// Checking a DPOR state read from a file (dpor-frontier.ts: DporState) before a search is built
// on it: every index points into its table, the path is one execution (each thread's steps along
// it are its 0th, 1st, ...), and the frontier is one save() leaves (the node the next execution
// branches at is the last). A bad field is a DataError naming it.
import { mayBlock } from '../../rt/blocking.js';
import { opKindName, type OpKind } from '../../rt/op.js';
import type { SavedEvent } from '../dpor-frontier.js';
import { bool, DataError, int, intList, list, obj, str } from './data.js';

/** Containers nest one deep in the model (a lock inside a struct); anything deeper is not ours. */
const maxNesting = 8;

export function checkDporState(v: unknown, path: string): void {
  if (v === 'whole') throw new DataError(`${path}: a dpor search saved by an older iommulab (as "whole"); start the check over`);
  const o = obj(v, path);
  int(o.explored, `${path}.explored`);
  const ops = list(o.ops, `${path}.ops`);
  ops.forEach((op, i) => checkOp(op, `${path}.ops[${i}]`));
  const events = list(o.events, `${path}.events`).map((e, i) => checkEvent(e, `${path}.events[${i}]`, ops.length));
  const ref = (x: unknown, p: string): SavedEvent => {
    const i = int(x, p);
    if (i >= events.length) throw new DataError(`${p}: event ${i} is past the ${events.length} events`);
    return events[i]!;
  };
  const nodes = list(o.path, `${path}.path`);
  const steps: number[] = [];
  nodes.forEach((n, k) => {
    const p = `${path}.path[${k}]`;
    const no = obj(n, p);
    const cur = ref(no.cur, `${p}.cur`);
    const expected = steps[cur.thread] ?? 0;
    if (cur.index !== expected) {
      throw new DataError(`${p}.cur: event ${no.cur as number} is step ${cur.index} of thread ${cur.thread}, but the path is at its step ${expected}`);
    }
    steps[cur.thread] = expected + 1;
    bool(no.free, `${p}.free`);
    list(no.sleep, `${p}.sleep`).forEach((x, i) => ref(x, `${p}.sleep[${i}]`));
    checkForest(no.pending, `${p}.pending`, ref);
  });
  const follow = checkForest(o.follow, `${path}.follow`, ref);
  const branchAt = int(o.branchAt, `${path}.branchAt`);
  const last = Math.max(0, nodes.length - 1);
  if (branchAt !== last) throw new DataError(`${path}.branchAt: expected ${last} (the last step of the path), got ${branchAt}`);
  if (nodes.length === 0 && follow > 0) throw new DataError(`${path}.follow: a state with no path has nothing to follow`);
  const tails = intList(o.tails, `${path}.tails`, -1);
  if (tails.length < branchAt) throw new DataError(`${path}.tails: ${tails.length} entries for the ${branchAt} steps the next execution replays`);
  tails.forEach((t, i) => {
    if (t >= tails.length) throw new DataError(`${path}.tails[${i}]: step ${t} is past the ${tails.length} steps of the last execution`);
  });
  const stats = obj(o.stats, `${path}.stats`);
  for (const f of ['races', 'wakeups', 'sleepBlocked']) int(stats[f], `${path}.stats.${f}`);
}

function checkEvent(v: unknown, p: string, ops: number): SavedEvent {
  const o = obj(v, p);
  int(o.thread, `${p}.thread`);
  int(o.index, `${p}.index`);
  const op = int(o.op, `${p}.op`);
  if (op >= ops) throw new DataError(`${p}.op: op ${op} is past the ${ops} ops`);
  bool(o.fail, `${p}.fail`);
  bool(o.fatal, `${p}.fatal`);
  return o as unknown as SavedEvent;
}

function checkOp(v: unknown, p: string): void {
  const o = obj(v, p);
  const kind = int(o.kind, `${p}.kind`);
  if (kind >= opKindName.length) throw new DataError(`${p}.kind: ${kind} is not an op kind (0..${opKindName.length - 1})`);
  if (o.obj === null) {
    if (mayBlock({ kind: kind as OpKind, obj: null, field: null })) throw new DataError(`${p}.obj: a ${opKindName[kind]} op names its object`);
  } else {
    checkShared(o.obj, `${p}.obj`, 0);
  }
  if (o.field !== null) str(o.field, `${p}.field`);
  if (o.verb !== undefined) str(o.verb, `${p}.verb`);
  if (o.reads !== undefined) {
    list(o.reads, `${p}.reads`).forEach((r, i) => {
      const a = obj(r, `${p}.reads[${i}]`);
      checkShared(a.obj, `${p}.reads[${i}].obj`, 0);
      if (a.field !== null) str(a.field, `${p}.reads[${i}].field`);
      if (a.write !== undefined) bool(a.write, `${p}.reads[${i}].write`);
    });
  }
}

function checkShared(v: unknown, p: string, depth: number): void {
  const o = obj(v, p);
  int(o.oid, `${p}.oid`);
  str(o.label, `${p}.label`);
  if (o.container === null || o.container === undefined) return;
  if (depth >= maxNesting) throw new DataError(`${p}.container: nested more than ${maxNesting} deep`);
  checkShared(o.container, `${p}.container`, depth + 1);
}

/** A flat wakeup forest: [event, parent entry or -1] with the parent first. Returns its size. */
function checkForest(v: unknown, p: string, ref: (x: unknown, p: string) => SavedEvent): number {
  const entries = list(v, p);
  entries.forEach((x, i) => {
    const pair = list(x, `${p}[${i}]`);
    if (pair.length !== 2) throw new DataError(`${p}[${i}]: expected [event, parent]`);
    ref(pair[0], `${p}[${i}][0]`);
    const parent = int(pair[1], `${p}[${i}][1]`, -1);
    if (parent >= i) throw new DataError(`${p}[${i}][1]: parent ${parent} does not come before entry ${i}`);
  });
  return entries.length;
}
