// The best counterexample per violation kind, by a TOTAL order, so the winner does not depend on
// the order in which executions were seen (sequential search, workers, shards):
// fewest preemptions, then fewest steps, then the lexicographically smallest choice sequence,
// then the earliest execution. Kinds are listed by the execution that first found them (ties in
// the fixed order of violationKinds), which is again independent of who found them.
import type { Execution } from '../rt/execution.js';
import { type Violation, type ViolationKind, violationKinds } from '../rt/violation.js';
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

export class FoundSet {
  private readonly best = new Map<ViolationKind, Counterexample>();

  get size(): number {
    return this.best.size;
  }

  get(kind: ViolationKind): Counterexample | undefined {
    return this.best.get(kind);
  }

  /** Hear every violation of an execution (the first of each kind in it is its witness). */
  addExecution(exec: Execution, execution: number, nth: number | undefined): void {
    for (const v of exec.violations) this.addViolation(v, exec, execution, nth);
  }

  addViolation(v: Violation, exec: Execution, execution: number, nth: number | undefined): void {
    const old = this.best.get(v.kind);
    const cand = { preemptions: exec.preemptions, steps: exec.steps, choices: exec.choices, execution };
    if (old !== undefined && compareCounterexamples(old, cand) <= 0) return;
    const choices = exec.choices.slice();
    this.best.set(v.kind, {
      kind: v.kind,
      violation: v,
      choices,
      schedule: encodeSchedule(nth === undefined ? { choices } : { choices, nth }),
      steps: exec.steps,
      preemptions: exec.preemptions,
      execution,
      firstExecution: old?.firstExecution ?? execution,
      ...(nth === undefined ? {} : { nth }),
    });
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

  /** In the order the kinds were first found. */
  list(): Counterexample[] {
    return [...this.best.values()].sort(
      (a, b) => a.firstExecution - b.firstExecution || violationKinds.indexOf(a.kind) - violationKinds.indexOf(b.kind),
    );
  }
}
