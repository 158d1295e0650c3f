// One program under its budget: seeded random walks, PCT at the configured depths, DFS with
// small preemption bounds, and, when asked, allocation failures as choices or a fail_nth sweep.
// Every execution is looked at (its reports as primary.ts keys them): each distinct signature
// key (sigkey.ts) keeps its first witness of each cause (cause.ts: what other threads were
// doing, whether a fault was injected), in this fixed search
// order, so the result depends only on the program and its seed; occurrences are counted, and
// the return code of every operation is an outcome feature (coverage.ts).
import { DfsStrategy } from '../explorer/dfs.js';
import { explore } from '../explorer/engine.js';
import { PctStrategy } from '../explorer/pct.js';
import { RandomStrategy } from '../explorer/random.js';
import { decodeSchedule, encodeSchedule } from '../explorer/schedule.js';
import type { Strategy } from '../explorer/strategy.js';
import type { Chooser, Execution, FaultPlan, Program } from '../rt/execution.js';
import { ModelError } from '../rt/violation.js';
import type { IommuScenarioSpec } from '../scenarios/iommu/spec.js';
import { errname } from '../sync/errno.js';
import type { SearchBudget } from './config.js';
import { causeOf, relatedIn } from './cause.js';
import { deriveSeed } from './rand.js';
import { keyedReports } from './primary.js';
import { modelErrorSignature, signatureOf } from './signature.js';
import { signatureKey } from './sigkey.js';

export type FuzzFaults = 'choice' | 'nth';

/** how to get one signature again: the program's search that hit it and the execution's choices */
export interface Witness {
  /** as reported, names and all (what a report shows) */
  readonly signature: string;
  /** a violation kind, or `model-error` for an exception out of the model */
  readonly kind: string;
  readonly title: string;
  /** what else was going on (cause.ts): one signature keeps a witness per cause */
  readonly cause: string;
  readonly splat: string;
  readonly faults: FaultPlan;
  readonly choices: readonly number[];
  readonly schedule: string;
  readonly steps: number;
  readonly preemptions: number;
  /** which search found it (random, pct(d=2), dfs(<=1), faults:choice, faults:nth) */
  readonly search: string;
}

export interface SearchOutcome {
  readonly executions: number;
  readonly steps: number;
  /** one per signature key (sigkey.ts) and cause, in the order first found */
  readonly witnesses: readonly Witness[];
  /** signature key -> executions it occurred in */
  readonly counts: Readonly<Record<string, number>>;
  /** operation outcomes seen: `op:code` */
  readonly outcomes: readonly string[];
}

/** the strategy under a search, watching every execution */
class Watch implements Strategy {
  constructor(
    private readonly inner: Strategy,
    private readonly onExec: (exec: Execution) => void,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get exhaustive(): boolean {
    return this.inner.exhaustive;
  }

  next(): Chooser | null {
    return this.inner.next();
  }

  finished(exec: Execution): void {
    this.inner.finished(exec);
    this.onExec(exec);
  }
}

export interface SearchOptions {
  readonly budget: SearchBudget;
  readonly faults: readonly FuzzFaults[];
  /** the program's seed (each strategy derives its own) */
  readonly seed: number;
  /** stop as soon as this signature (by its key: sigkey.ts) is seen (minimization) */
  readonly target?: string;
  /** ... with this cause */
  readonly targetCause?: string;
  /** stop after this many executions in all */
  readonly maxExecutions?: number;
}

/** Search `program` (built from `spec`) as the options say. */
export function searchProgram(spec: IommuScenarioSpec, program: Program<unknown>, o: SearchOptions): SearchOutcome {
  const b = o.budget;
  const witnesses: Witness[] = [];
  const counts: Record<string, number> = {};
  const outcomes = new Set<string>();
  const threadOps = new Map(spec.threads.map((t) => [t.name, t.ops]));
  const related = relatedIn(spec.topology);
  let executions = 0;
  let steps = 0;
  let done = false;
  /** an execution so far had a thread asleep at a choice point (the DFS then gets dfsSleepFactor times its cap) */
  let slept = false;
  const cap = o.maxExecutions ?? Number.POSITIVE_INFINITY;

  const causes = new Set<string>();
  const target = o.target === undefined ? undefined : signatureKey(o.target);
  const record = (w: Witness, count: boolean): void => {
    const sk = signatureKey(w.signature);
    if (count) counts[sk] = (counts[sk] ?? 0) + 1;
    const key = `${sk}\u0000${w.cause}`;
    if (!causes.has(key)) {
      causes.add(key);
      witnesses.push(w);
    }
    const cause = o.targetCause === undefined || w.cause === o.targetCause;
    if (target !== undefined && sk === target && cause) done = true;
  };

  const run = (search: string, strategy: Strategy, faults: FaultPlan, limit: number): { maxAllocations: number } => {
    if (done || executions >= cap) return { maxAllocations: 0 };
    const nth = faults.mode === 'nth' ? faults.nth : undefined;
    const watch = new Watch(strategy, (exec) => {
      executions++;
      steps += exec.steps;
      if (exec.sleepChoices > 0) slept = true;
      for (const t of exec.threads) {
        const ops = threadOps.get(t.name);
        if (ops === undefined || !Array.isArray(t.result)) continue;
        (t.result as number[]).forEach((code, i) => outcomes.add(`${ops[i]?.op ?? '?'}:${errname(code)}`));
      }
      const seen = new Set<string>();
      // (an execution's leaks after another report are its consequences: primary.ts)
      for (const v of keyedReports(exec.violations)) {
        const signature = signatureOf(v);
        const sk = signatureKey(signature);
        const cause = causeOf(exec, v, related);
        const first = !seen.has(sk);
        if (!first && seen.has(`${sk}\u0000${cause}`)) continue;
        seen.add(sk);
        seen.add(`${sk}\u0000${cause}`);
        const choices = exec.choices.slice();
        record({
          signature,
          kind: v.kind,
          title: v.title,
          cause,
          splat: v.splat,
          faults,
          choices,
          schedule: encodeSchedule(nth === undefined ? { choices } : { choices, nth }),
          steps: exec.steps,
          preemptions: exec.preemptions,
          search,
        }, first);
      }
      if (o.target !== undefined && done) stop.now = true;
    });
    const stop = { now: false };
    const stopping: Strategy = {
      name: watch.name,
      get exhaustive() {
        return watch.exhaustive;
      },
      next: () => (stop.now || executions >= cap ? null : watch.next()),
      finished: (e) => watch.finished(e),
    };
    try {
      const opts = { faults, maxSteps: b.maxSteps, maxExecutions: limit, timeLimitMs: Number.POSITIVE_INFINITY };
      const r = explore(program, stopping, opts);
      return { maxAllocations: r.maxAllocations };
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      const m = /; schedule (\S+)\)$/.exec(e.message);
      const sched = m === null ? { choices: [] as number[] } : decodeSchedule(m[1]!);
      executions++;
      record({
        signature: modelErrorSignature(e.message),
        kind: 'model-error',
        title: `model error: ${e.message.split('\n')[0]}`,
        cause: 'alone',
        splat: e.stack ?? e.message,
        faults,
        choices: sched.choices,
        schedule: m?.[1] ?? '-',
        steps: 0,
        preemptions: 0,
        search,
      }, true);
      return { maxAllocations: 0 };
    }
  };

  const none: FaultPlan = { mode: 'none' };
  const seedFor = (k: number): number => deriveSeed(o.seed, k);
  run('random', new RandomStrategy(seedFor(1), b.random), none, b.random);
  b.pctDepths.forEach((d, i) => {
    const n = Math.ceil(b.pct / Math.max(1, b.pctDepths.length));
    run(`pct(d=${d})`, new PctStrategy(seedFor(10 + i), n, d), none, n);
  });
  const dfsCap = b.dfsExecutions * (slept ? b.dfsSleepFactor ?? 1 : 1);
  for (const bound of b.dfsBounds) run(`dfs(<=${bound})`, new DfsStrategy(bound), none, dfsCap);
  if (o.faults.includes('choice')) {
    run('faults:choice', new RandomStrategy(seedFor(2), b.faultChoice, b.failRate), { mode: 'choice', maxFailures: 1 }, b.faultChoice);
  }
  if (o.faults.includes('nth')) {
    for (let n = 1; n <= b.nthPoints && !done; n++) {
      const r = run('faults:nth', new DfsStrategy(0), { mode: 'nth', nth: n }, b.nthExecutions);
      if (r.maxAllocations < n) break;
    }
  }
  return { executions, steps, witnesses, counts, outcomes: [...outcomes].sort() };
}
