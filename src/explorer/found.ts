// What a search found, by a TOTAL order, so the result does not depend on the order in which
// executions were seen (sequential search, workers, shards, resumes):
// - per violation kind, the best counterexample: fewest preemptions, then fewest steps, then the
//   lexicographically smallest choice sequence, then the earliest execution. Kinds are listed by
//   the execution that first found them (ties in the fixed order of violationKinds).
// - per violation signature (rt/violation.ts: kind, reporting function, normalized message), the
//   best counterexample by the same order, the number of executions it occurred in, and the first
//   execution (and wall-clock time) it was seen. At most `maxSignaturesPerKind` signatures of a
//   kind are kept: the first ones in the order of the signature strings (an order of the
//   signatures themselves, so that which ones are kept, and every count of a kept one, is the
//   same however the search was cut); the kind is then marked truncated.
import type { Execution } from '../rt/execution.js';
import { type Violation, type ViolationKind, violationKinds, violationSignature } from '../rt/violation.js';
import { encodeSchedule } from './schedule.js';

/** One counterexample: a violation and how to get it again. */
export interface Counterexample {
  readonly kind: ViolationKind;
  readonly violation: Violation;
  readonly choices: readonly number[];
  /** nth of a fail_nth sweep, if any */
  readonly nth?: number;
  readonly schedule: string;
  readonly steps: number;
  readonly preemptions: number;
  /** 1-based number of the execution that found it */
  readonly execution: number;
  /** 1-based number of the first execution that found this kind (maybe a worse counterexample) */
  readonly firstExecution: number;
}

/** The best counterexample of one signature, and how often and how early the search met it. */
export interface SignatureFound extends Counterexample {
  /** violationSignature(violation) */
  readonly signature: string;
  /** executions in which a violation of this signature occurred */
  readonly occurrences: number;
  /** milliseconds into the search when it was first seen (wall clock: the one part of a result that is not reproducible) */
  readonly firstMs: number;
}

/** Signatures kept per kind (see the head of this file). */
export const maxSignaturesPerKind = 32;

export function compareChoices(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Negative when `a` is the better counterexample. */
export function compareCounterexamples(
  a: Pick<Counterexample, 'preemptions' | 'steps' | 'choices' | 'execution'>,
  b: Pick<Counterexample, 'preemptions' | 'steps' | 'choices' | 'execution'>,
): number {
  return a.preemptions - b.preemptions || a.steps - b.steps || compareChoices(a.choices, b.choices) || a.execution - b.execution;
}

/** Milliseconds since the search started, read only when a signature is seen for the first time. */
export type SearchClock = () => number;

const noClock: SearchClock = () => 0;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class FoundSet {
  private readonly best = new Map<ViolationKind, Counterexample>();
  /** (mutable records: an occurrence only counts, it does not copy) */
  private readonly sigs = new Map<string, Mutable<SignatureFound>>();
  /** signatures kept per kind */
  private readonly perKind = new Map<ViolationKind, number>();
  private readonly truncatedKinds = new Set<ViolationKind>();

  constructor(private readonly clock: SearchClock = noClock) {}

  /** kinds found */
  get size(): number {
    return this.best.size;
  }

  get(kind: ViolationKind): Counterexample | undefined {
    return this.best.get(kind);
  }

  /** Hear every violation of an execution (the first of each kind, and of each signature, in it is its witness). */
  addExecution(exec: Execution, execution: number, nth: number | undefined): void {
    const vs = exec.violations;
    // an execution counts once per signature, however often it reported it
    let seen: string[] | null = null;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i]!;
      this.addKind(v, exec, execution, nth);
      const sig = violationSignature(v);
      if (seen === null) seen = [sig];
      else if (seen.includes(sig)) continue;
      else seen.push(sig);
      this.addSignature(sig, v, exec, execution, nth);
    }
  }

  /** One violation of an execution (its kind and its signature). */
  addViolation(v: Violation, exec: Execution, execution: number, nth: number | undefined): void {
    this.addKind(v, exec, execution, nth);
    this.addSignature(violationSignature(v), v, exec, execution, nth);
  }

  private addKind(v: Violation, exec: Execution, execution: number, nth: number | undefined): void {
    const old = this.best.get(v.kind);
    const cand = { preemptions: exec.preemptions, steps: exec.steps, choices: exec.choices, execution };
    if (old !== undefined && compareCounterexamples(old, cand) <= 0) return;
    this.best.set(v.kind, record(v, exec, execution, old?.firstExecution ?? execution, nth));
  }

  private addSignature(sig: string, v: Violation, exec: Execution, execution: number, nth: number | undefined): void {
    const old = this.sigs.get(sig);
    if (old === undefined) {
      if (!this.admit(sig, v.kind)) return;
      this.sigs.set(sig, signatureRecord(sig, record(v, exec, execution, execution, nth), 1, this.clock()));
      return;
    }
    old.occurrences++;
    const cand = { preemptions: exec.preemptions, steps: exec.steps, choices: exec.choices, execution };
    if (compareCounterexamples(old, cand) > 0) {
      this.sigs.set(sig, signatureRecord(sig, record(v, exec, execution, old.firstExecution, nth), old.occurrences, old.firstMs));
    }
  }

  /** Room for a new signature of `kind`? Makes it, by dropping the last kept one in signature order, when `sig` is before it. */
  private admit(sig: string, kind: ViolationKind): boolean {
    const n = this.perKind.get(kind) ?? 0;
    if (n < maxSignaturesPerKind) {
      this.perKind.set(kind, n + 1);
      return true;
    }
    this.truncatedKinds.add(kind);
    let last: string | null = null;
    for (const s of this.sigs.values()) if (s.kind === kind && (last === null || s.signature > last)) last = s.signature;
    if (last === null || sig > last) return false;
    this.sigs.delete(last);
    return true;
  }

  /**
   * Take a counterexample found elsewhere, its execution numbers shifted by `offset`. With
   * `replaceSame`, it replaces a held one from the same execution (a more exact record of it).
   */
  add(cx: Counterexample, offset = 0, replaceSame = false): void {
    const moved: Counterexample =
      offset === 0 ? cx : { ...cx, execution: cx.execution + offset, firstExecution: cx.firstExecution + offset };
    const old = this.best.get(cx.kind);
    if (old === undefined) {
      this.best.set(cx.kind, moved);
      return;
    }
    const first = Math.min(old.firstExecution, moved.firstExecution);
    const same = replaceSame && old.execution === moved.execution;
    const winner = same || compareCounterexamples(moved, old) < 0 ? moved : old;
    this.best.set(cx.kind, winner.firstExecution === first ? winner : { ...winner, firstExecution: first });
  }

  /** Take a signature's record found elsewhere (another range of the same search), its execution numbers shifted by `offset`. */
  addFound(s: SignatureFound, offset = 0): void {
    const sig = s.signature;
    const shifted = { ...s, execution: s.execution + offset, firstExecution: s.firstExecution + offset };
    const moved = signatureRecord(sig, shifted, s.occurrences, s.firstMs);
    const old = this.sigs.get(sig);
    if (old === undefined) {
      if (this.admit(sig, s.kind)) this.sigs.set(sig, moved);
      return;
    }
    const winner = compareCounterexamples(moved, old) < 0 ? moved : old;
    const first = { ...winner, firstExecution: Math.min(old.firstExecution, moved.firstExecution) };
    this.sigs.set(sig, signatureRecord(sig, first, old.occurrences + moved.occurrences, Math.min(old.firstMs, moved.firstMs)));
  }

  /** Kinds that had more signatures than are kept (also from a range merged in). */
  markTruncated(kinds: Iterable<ViolationKind>): void {
    for (const k of kinds) this.truncatedKinds.add(k);
  }

  /** In the order the kinds were first found. */
  list(): Counterexample[] {
    return [...this.best.values()].sort(
      (a, b) => a.firstExecution - b.firstExecution || violationKinds.indexOf(a.kind) - violationKinds.indexOf(b.kind),
    );
  }

  /** Every signature kept, in the order they were first found (ties: by signature). */
  signatures(): SignatureFound[] {
    const bySignature = (a: SignatureFound, b: SignatureFound) =>
      a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0;
    const all = [...this.sigs.values()].map((r) => signatureRecord(r.signature, r, r.occurrences, r.firstMs));
    return all.sort((a, b) => a.firstExecution - b.firstExecution || bySignature(a, b));
  }

  /** Kinds some of whose signatures were not kept, in the fixed order of kinds. */
  truncated(): ViolationKind[] {
    return violationKinds.filter((k) => this.truncatedKinds.has(k));
  }
}

/** A counterexample record, every field written in one literal (one object shape: records are made per execution) */
function record(v: Violation, exec: Execution, execution: number, firstExecution: number, nth?: number): Counterexample {
  const choices = exec.choices.slice();
  if (nth === undefined) {
    return {
      kind: v.kind,
      violation: v,
      choices,
      schedule: encodeSchedule({ choices }),
      steps: exec.steps,
      preemptions: exec.preemptions,
      execution,
      firstExecution,
    };
  }
  return {
    kind: v.kind,
    violation: v,
    choices,
    nth,
    schedule: encodeSchedule({ choices, nth }),
    steps: exec.steps,
    preemptions: exec.preemptions,
    execution,
    firstExecution,
  };
}

function signatureRecord(signature: string, c: Counterexample, occurrences: number, firstMs: number): Mutable<SignatureFound> {
  const r: Mutable<SignatureFound> = {
    kind: c.kind,
    violation: c.violation,
    choices: c.choices,
    schedule: c.schedule,
    steps: c.steps,
    preemptions: c.preemptions,
    execution: c.execution,
    firstExecution: c.firstExecution,
    signature,
    occurrences,
    firstMs,
  };
  if (c.nth !== undefined) r.nth = c.nth;
  return r;
}
