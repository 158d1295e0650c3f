// Which scenario operation each thread was in at a given step of an execution: the fuzzer's
// cause key (src/fuzz/cause.ts) names the operations other threads had in flight when a
// violation was reported. Kept beside the execution (a WeakMap, not the world: nothing of it is
// part of the model's state, and the snapshot does not copy it); a push per operation.
import { current } from '../../rt/current.js';
import type { Execution } from '../../rt/execution.js';
import type { Op } from './spec.js';

export interface Span {
  readonly thread: string;
  readonly op: Op;
  /** the step its first code ran in, and the step it returned in (-1 while it runs) */
  readonly begin: number;
  end: number;
}

const logs = new WeakMap<Execution, Span[]>();

/** an operation begins in the running thread; returns its span, to close with opEnds() */
export function opBegins(op: Op): Span | null {
  const exec = current as Execution | null;
  const thread = exec?.thread;
  if (exec === null || thread === null || thread === undefined) return null;
  let log = logs.get(exec);
  if (log === undefined) {
    log = [];
    logs.set(exec, log);
  }
  const span: Span = { thread: thread.name, op, begin: exec.steps - 1, end: -1 };
  log.push(span);
  return span;
}

export function opEnds(span: Span | null): void {
  if (span !== null) span.end = current.steps - 1;
}

export interface InFlight {
  readonly mine: Op | null;
  readonly others: Op[];
  readonly before: Op[];
}

/**
 * The operations running at `step` (begun, not returned; the harness's own event waits and
 * signals left out): `mine`, the one of `thread` (null if none), and `others`, those of the
 * other scenario threads; `before`, those of the other threads that ran during `mine` and had
 * returned by `step`.
 */
export function opsInFlight(exec: Execution, thread: string | null, step: number): InFlight {
  const log = logs.get(exec);
  const others: Op[] = [];
  const before: Op[] = [];
  let mine: Span | null = null;
  if (log === undefined) return { mine: null, others, before };
  const spans = log.filter((s) => !(s.thread === 'prologue' || s.thread === 'teardown' || s.op.op === 'wait' || s.op.op === 'signal'));
  for (const s of spans) if (s.thread === thread && s.begin <= step && (s.end < 0 || s.end >= step)) mine = s;
  for (const s of spans) {
    if (s.thread === thread || s.begin > step) continue;
    if (s.end < 0 || s.end >= step) others.push(s.op);
    else if (mine !== null && s.end >= mine.begin) before.push(s.op);
  }
  return { mine: mine?.op ?? null, others, before };
}
