// Run one scenario under a search and compare what happened with what it expects.
import { DfsStrategy } from '../explorer/dfs.js';
import { DporStrategy } from '../explorer/dpor.js';
import { BoundedDporStrategy } from '../explorer/dpor-bounded.js';
import { type Counterexample, type ExploreResult, explore } from '../explorer/engine.js';
import { sweepNth } from '../explorer/faults.js';
import { minimize } from '../explorer/minimize.js';
import { PctStrategy } from '../explorer/pct.js';
import { RandomStrategy } from '../explorer/random.js';
import { encodeSchedule } from '../explorer/schedule.js';
import type { Strategy } from '../explorer/strategy.js';
import type { FaultPlan } from '../rt/execution.js';
import { ModelError, type ViolationKind } from '../rt/violation.js';
import { type YieldLog, yieldRaceSplat } from '../rt/yield-race.js';
import { displayPath } from '../scenarios/file/display-path.js';
import { describeExpectation, type Scenario } from '../scenarios/scenario.js';

export type StrategyName = 'dpor' | 'dfs' | 'random' | 'pct';
export const strategyNames: readonly StrategyName[] = ['dpor', 'dfs', 'random', 'pct'];
export type FaultMode = 'scenario' | 'none' | 'nth' | 'choice';

export interface CheckOptions {
  readonly strategy: StrategyName;
  readonly seed: number;
  /** executions for random and pct */
  readonly executions: number;
  readonly preemptionBound: number;
  readonly pctDepth: number;
  readonly faults: FaultMode;
  readonly maxFailures: number;
  readonly warnFails: boolean;
  readonly maxExecutions: number;
  readonly timeLimitMs: number;
  /** steps per execution: one that wants more is cut, and the search is incomplete */
  readonly maxSteps: number;
  readonly minimize: boolean;
}

export const defaultCheckOptions: CheckOptions = {
  strategy: 'dpor',
  seed: 1,
  executions: 10_000,
  preemptionBound: Number.POSITIVE_INFINITY,
  pctDepth: 3,
  faults: 'scenario',
  maxFailures: 1,
  warnFails: true,
  maxExecutions: 2_000_000,
  timeLimitMs: 60_000,
  maxSteps: 100_000,
  minimize: true,
};

export type Outcome = 'pass' | 'violation' | 'incomplete';

export interface FoundViolation {
  readonly kind: ViolationKind;
  readonly title: string;
  readonly schedule: string;
  readonly steps: number;
  readonly preemptions: number;
  readonly splat: string;
}

export interface ScenarioOutcome {
  readonly scenario: string;
  /** a scenario file's, as the user reads it (replay keys name it) */
  readonly file?: string;
  readonly expected: string;
  readonly outcome: Outcome;
  readonly matches: boolean;
  readonly exhaustive: boolean;
  readonly strategy: string;
  readonly faults: string;
  readonly executions: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly executionsPerSecond: number;
  /** executions cut at --max-steps (present when there were any): the search is incomplete */
  readonly truncated?: number;
  /** the first kind found, minimized */
  readonly violation?: FoundViolation;
  /** every kind found */
  readonly violations: readonly FoundViolation[];
  /** checking mode (`--check-yields`): the model's breaks of the yield rule, one per location */
  readonly yieldRaces?: readonly YieldRaceReport[];
}

/** A break of the yield rule as a check reports it (rt/yield-check.ts). */
export interface YieldRaceReport {
  /** the static location, e.g. "Device.iommuGroup" */
  readonly location: string;
  /** the schedule of the execution that found it (`iommulab replay --check-yields` shows it again) */
  readonly schedule: string;
  /** the KCSAN-style report: both accesses with their stacks, threads and locks */
  readonly splat: string;
}

export function faultPlanFor(s: Scenario, opts: CheckOptions): FaultPlan {
  switch (opts.faults) {
    case 'scenario':
      return s.faults ?? { mode: 'none' };
    case 'none':
      return { mode: 'none' };
    case 'choice':
      return { mode: 'choice', maxFailures: opts.maxFailures };
    case 'nth':
      return { mode: 'nth', nth: 1 };
  }
}

export function makeStrategy(opts: CheckOptions): Strategy {
  switch (opts.strategy) {
    case 'dpor':
      // under a bound, the variant that adds conservative branch points (plain DPOR would miss
      // classes whose reversal needs more preemptions than an equivalent order elsewhere)
      return Number.isFinite(opts.preemptionBound) ? new BoundedDporStrategy(opts.preemptionBound) : new DporStrategy();
    case 'dfs':
      return new DfsStrategy(opts.preemptionBound);
    case 'random':
      return new RandomStrategy(opts.seed, opts.executions);
    case 'pct':
      return new PctStrategy(opts.seed, opts.executions, opts.pctDepth);
  }
}

/** The options in force: the defaults, then `options` (a preemption bound applies to dpor and dfs). */
export function resolveCheckOptions(options: Partial<CheckOptions>): CheckOptions {
  return { ...defaultCheckOptions, ...options };
}

/**
 * Explore `s` in this thread. With `yieldLog` the search runs in checking mode (every execution
 * records its accesses; rt/yield-check.ts) and the outcome lists what the log holds.
 */
export function checkScenario(s: Scenario, options: Partial<CheckOptions> = {}, yieldLog?: YieldLog): ScenarioOutcome {
  const opts = resolveCheckOptions(options);
  const faults = faultPlanFor(s, opts);
  const exploreOpts = {
    faults,
    warnFails: opts.warnFails,
    maxExecutions: opts.maxExecutions,
    timeLimitMs: opts.timeLimitMs,
    maxSteps: opts.maxSteps,
    ...(yieldLog === undefined ? {} : { yieldLog }),
  };
  const deadline = performance.now() + opts.timeLimitMs;
  let result: ExploreResult;
  try {
    result =
      faults.mode === 'nth'
        ? sweepNth(s.program, () => makeStrategy(opts), exploreOpts)
        : explore(s.program, makeStrategy(opts), exploreOpts);
  } catch (e) {
    if (e instanceof ModelError) e.message = `scenario ${s.name}: ${e.message}`;
    throw e;
  }
  const outcome = concludeScenario(s, result, faults, opts, deadline);
  if (yieldLog === undefined) return outcome;
  const yieldRaces = yieldLog.list().map((r) => ({
    location: r.location,
    schedule: encodeSchedule(r.nth === undefined ? { choices: r.choices } : { choices: r.choices, nth: r.nth }),
    splat: yieldRaceSplat(r),
  }));
  return { ...outcome, matches: outcome.matches && yieldRaces.length === 0, yieldRaces };
}

/**
 * Shrink what a search found and compare it with the scenario's expectation. Shrinking stops at
 * `deadline` (performance.now(); default: --time-limit from now), keeping the best key so far.
 */
export function concludeScenario(
  s: Scenario,
  result: ExploreResult,
  faults: FaultPlan,
  options: Partial<CheckOptions> = {},
  deadline?: number,
): ScenarioOutcome {
  const opts = { ...defaultCheckOptions, ...options };
  const until = deadline ?? performance.now() + opts.timeLimitMs;
  const violations = result.found.map((cx) => shrink(s, cx, faults, opts, until));
  const truncated = result.truncated ?? 0;
  const outcome: Outcome = violations.length > 0 ? 'violation' : result.limitHit || truncated > 0 ? 'incomplete' : 'pass';
  return {
    scenario: s.name,
    ...(s.origin === undefined ? {} : { file: displayPath(s.origin.file) }),
    expected: describeExpectation(s.expect),
    outcome,
    matches: matches(s, outcome, violations, result.exhaustive),
    exhaustive: result.exhaustive,
    strategy: result.strategy,
    faults: faults.mode === 'none' ? 'none' : faults.mode === 'nth' ? 'fail_nth sweep' : `choice(max ${faults.maxFailures})`,
    executions: result.executions,
    steps: result.steps,
    elapsedMs: result.elapsedMs,
    executionsPerSecond: result.elapsedMs > 0 ? Math.round((result.executions * 1000) / result.elapsedMs) : 0,
    ...(truncated > 0 ? { truncated } : {}),
    ...(violations[0] === undefined ? {} : { violation: violations[0] }),
    violations,
  };
}

function shrink(s: Scenario, cx: Counterexample, searched: FaultPlan, opts: CheckOptions, deadline: number): FoundViolation {
  const faults: FaultPlan = cx.nth === undefined ? searched : { mode: 'nth', nth: cx.nth };
  let schedule = cx.schedule;
  let steps = cx.steps;
  let preemptions = cx.preemptions;
  if (opts.minimize) {
    const m = minimize(s.program, cx.kind, cx.choices, faults, opts.warnFails, undefined, { maxSteps: opts.maxSteps, deadline });
    if (!Number.isNaN(m.steps)) {
      schedule = encodeSchedule(cx.nth === undefined ? { choices: m.choices } : { choices: m.choices, nth: cx.nth });
      steps = m.steps;
      preemptions = m.preemptions;
    }
  }
  return { kind: cx.kind, title: cx.violation.title, schedule, steps, preemptions, splat: cx.violation.splat };
}

/**
 * A pass expectation needs a search that ran its course with nothing found. A violation
 * expectation needs something found, nothing unexpected, and, when the search was exhaustive,
 * every expected kind.
 */
function matches(s: Scenario, outcome: Outcome, found: readonly FoundViolation[], exhaustive: boolean): boolean {
  const e = s.expect;
  if ('pass' in e) return outcome === 'pass';
  if (found.length === 0) return false;
  const kinds = new Set(found.map((v) => v.kind));
  for (const k of kinds) if (!e.violations.includes(k)) return false;
  return !exhaustive || e.violations.every((k) => kinds.has(k));
}
