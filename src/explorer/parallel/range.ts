// The result of exploring one contiguous stretch of a search's canonical execution order. Two
// adjacent stretches concatenate (associatively) into the result of both, which is how slices
// from workers, shards and checkpoints add up to exactly the sequential search.
import { SUCCEED } from '../../rt/execution.js';
import { type Violation, type ViolationKind, violationKinds, violationSignature } from '../../rt/violation.js';
import { type Counterexample, FoundSet, type SignatureFound } from '../found.js';
import { bool, DataError, int, intList, list, num, obj, str } from './data.js';
import type { EdgeRecord } from './edge-recorder.js';

export interface RangeResult {
  readonly executions: number;
  readonly steps: number;
  readonly maxAllocations: number;
  /** nothing in scope was left out (no preemption bound pruned); false for sampling searches */
  readonly complete: boolean;
  /** executions cut at the step bound */
  readonly truncated: number;
  /** best counterexample per kind; execution numbers count from the start of the stretch */
  readonly found: readonly Counterexample[];
  /** best counterexample per signature, with counts; numbered like `found` */
  readonly signatures: readonly SignatureFound[];
  /** kinds with more signatures than were kept */
  readonly signaturesTruncated: readonly ViolationKind[];
  /** first occurrence of each lock dependency in the stretch, in order */
  readonly edges: readonly EdgeRecord[];
}

export const emptyRange: RangeResult = {
  executions: 0,
  steps: 0,
  maxAllocations: 0,
  complete: true,
  truncated: 0,
  found: [],
  signatures: [],
  signaturesTruncated: [],
  edges: [],
};

/** `a` then `b`. */
export function concatRanges(a: RangeResult, b: RangeResult): RangeResult {
  if (b.executions === 0 && b.complete) return a;
  const found = new FoundSet();
  for (const cx of a.found) found.add(cx);
  for (const cx of b.found) found.add(cx, a.executions);
  for (const sf of a.signatures) found.addFound(sf);
  for (const sf of b.signatures) found.addFound(sf, a.executions);
  found.markTruncated([...a.signaturesTruncated, ...b.signaturesTruncated]);
  const seen = new Set(a.edges.map((e) => `${e.held}\0${e.taken}`));
  const edges = a.edges.slice();
  for (const e of b.edges) {
    if (!seen.has(`${e.held}\0${e.taken}`)) edges.push({ ...e, execution: e.execution + a.executions });
  }
  return {
    executions: a.executions + b.executions,
    steps: a.steps + b.steps,
    maxAllocations: Math.max(a.maxAllocations, b.maxAllocations),
    complete: a.complete && b.complete,
    truncated: a.truncated + b.truncated,
    found: found.list(),
    signatures: found.signatures(),
    signaturesTruncated: found.truncated(),
    edges,
  };
}

export function checkRange(v: unknown, path: string): RangeResult {
  const o = obj(v, path);
  const executions = int(o.executions, `${path}.executions`);
  int(o.steps, `${path}.steps`);
  int(o.maxAllocations, `${path}.maxAllocations`);
  bool(o.complete, `${path}.complete`);
  const truncated = int(o.truncated, `${path}.truncated`);
  if (truncated > executions) throw new DataError(`${path}.truncated: ${truncated} is more than the ${executions} executions`);
  list(o.found, `${path}.found`).forEach((c, i) => checkCounterexample(c, `${path}.found[${i}]`, executions));
  list(o.signatures, `${path}.signatures`).forEach((c, i) => {
    const p = `${path}.signatures[${i}]`;
    checkCounterexample(c, p, executions);
    const so = obj(c, p);
    const sig = str(so.signature, `${p}.signature`);
    if (sig !== violationSignature(so.violation as Violation)) throw new DataError(`${p}.signature: not the signature of its violation`);
    const n = int(so.occurrences, `${p}.occurrences`, 1);
    if (n > executions) throw new DataError(`${p}.occurrences: ${n} is more than the ${executions} executions`);
    num(so.firstMs, `${p}.firstMs`);
  });
  list(o.signaturesTruncated, `${path}.signaturesTruncated`).forEach((k, i) => {
    if (!violationKinds.includes(k as never)) throw new DataError(`${path}.signaturesTruncated[${i}]: not a violation kind`);
  });
  list(o.edges, `${path}.edges`).forEach((e, i) => {
    const p = `${path}.edges[${i}]`;
    const eo = obj(e, p);
    str(eo.held, `${p}.held`);
    str(eo.taken, `${p}.taken`);
    const info = obj(eo.info, `${p}.info`);
    for (const f of ['thread', 'heldLabel', 'takenLabel']) str(info[f], `${p}.info.${f}`);
    const x = int(eo.execution, `${p}.execution`, 1);
    if (x > executions) throw new DataError(`${p}.execution: ${x} is past the ${executions} executions`);
    intList(eo.choices, `${p}.choices`, SUCCEED);
    num(eo.ms, `${p}.ms`);
  });
  return o as unknown as RangeResult;
}

function checkCounterexample(v: unknown, path: string, executions: number): void {
  const o = obj(v, path);
  if (!violationKinds.includes(o.kind as never)) throw new DataError(`${path}.kind: not a violation kind`);
  const vo = obj(o.violation, `${path}.violation`);
  if (vo.kind !== o.kind) throw new DataError(`${path}.violation.kind: differs from ${path}.kind`);
  str(vo.title, `${path}.violation.title`);
  str(vo.message, `${path}.violation.message`);
  str(vo.splat, `${path}.violation.splat`);
  if (vo.thread !== null) str(vo.thread, `${path}.violation.thread`);
  int(vo.step, `${path}.violation.step`);
  list(vo.stack, `${path}.violation.stack`).forEach((f, i) => {
    const fo = obj(f, `${path}.violation.stack[${i}]`);
    str(fo.fn, `${path}.violation.stack[${i}].fn`);
    str(fo.where, `${path}.violation.stack[${i}].where`);
  });
  intList(o.choices, `${path}.choices`, SUCCEED);
  if (o.nth !== undefined) int(o.nth, `${path}.nth`, 1);
  str(o.schedule, `${path}.schedule`);
  int(o.steps, `${path}.steps`);
  int(o.preemptions, `${path}.preemptions`);
  const x = int(o.execution, `${path}.execution`, 1);
  const first = int(o.firstExecution, `${path}.firstExecution`, 1);
  if (x > executions || first > x) throw new DataError(`${path}.execution: ${first}..${x} does not fit ${executions} executions`);
}
