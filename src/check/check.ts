// Run one scenario under a search and compare what happened with what it expects.
import { DfsStrategy } from '../explorer/dfs.js';
import { DporStrategy } from '../explorer/dpor.js';
import { BoundedDporStrategy } from '../explorer/dpor-bounded.js';
import { type ExploreResult, explore, type SignatureFound } from '../explorer/engine.js';
import { sweepNth } from '../explorer/faults.js';
import { minimize } from '../explorer/minimize.js';
import { PctStrategy } from '../explorer/pct.js';
import { RandomStrategy } from '../explorer/random.js';
import { encodeSchedule } from '../explorer/schedule.js';
import type { Strategy } from '../explorer/strategy.js';
import type { FaultPhase, FaultPlan, FaultScope } from '../rt/execution.js';
import { type Frame, kernelName } from '../rt/stack.js';
import { ModelError, type ViolationKind } from '../rt/violation.js';
import { type YieldLog, yieldRaceSplat } from '../rt/yield-race.js';
import { displayPath } from '../scenarios/file/display-path.js';
import { describeExpectation, type Scenario } from '../scenarios/scenario.js';
import { replayCommand, replayDefaultMaxSteps, replayOptions, replayTarget } from './replay-command.js';

export { maxSignaturesPerKind } from '../explorer/found.js';

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
  /** phases whose allocations --faults may fail (the prologue only on request) */
  readonly faultPhases: readonly FaultPhase[];
  /** fail only allocations made inside these functions (kernel names); empty: any */
  readonly faultSites: readonly string[];
  /** never fail allocations made inside these functions */
  readonly skipFaultSites: readonly string[];
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
  faultPhases: ['threads'],
  faultSites: [],
  skipFaultSites: [],
  warnFails: true,
  maxExecutions: 2_000_000,
  timeLimitMs: 60_000,
  maxSteps: replayDefaultMaxSteps,
  minimize: true,
};

export type Outcome = 'pass' | 'violation' | 'incomplete';

/**
 * One distinct violation a search found: its signature (deduplicated the way syzkaller titles
 * crashes), how often and how early it was met, and a minimized replay key that reproduces it.
 * This is the data every report (text, JSON, later HTML and JUnit) is made from.
 */
export interface FoundViolation {
  /** rt/violation.ts violationSignature(): "KIND in FUNCTION: MESSAGE" with numbers normalized */
  readonly signature: string;
  readonly kind: ViolationKind;
  /** the model function that reported it, in the kernel's spelling; "" for a check made between steps */
  readonly function: string;
  /** the report's one line, as the replayed execution printed it */
  readonly message: string;
  /** the splat's first line */
  readonly title: string;
  /** executions of the search in which it occurred */
  readonly occurrences: number;
  /** the first execution (1-based, in the search's canonical order) in which it occurred */
  readonly firstExecution: number;
  /** seconds into the search when it was first seen (wall clock: not reproducible, unlike everything else) */
  readonly firstSeconds: number;
  /** the replay key: a schedule (minimized unless --no-minimize) whose execution reports this signature */
  readonly schedule: string;
  /** the command that replays it */
  readonly replay: string;
  /**
   * false when the schedule alone does not reproduce it (a lock inversion whose first order an
   * earlier execution took); null when it could not be run again within the check's limits
   */
  readonly reproduces: boolean | null;
  readonly steps: number;
  readonly preemptions: number;
  /** the thread that hit it; null for a check made between steps */
  readonly thread: string | null;
  /** the step it was reported at (0-based, as the trace numbers them) */
  readonly step: number;
  /** the kernel-style report */
  readonly splat: string;
  /** the model call stack, innermost first */
  readonly stack: readonly Frame[];
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
  /** every kind found, in the order they were first found (what the expectation is compared with) */
  readonly kinds: readonly ViolationKind[];
  /** every distinct violation found (by signature), in the order they were first found */
  readonly violations: readonly FoundViolation[];
  /** IOMMU scenarios: every patch toggle's value in this run (the scenario's name says those not at its own) */
  readonly patches?: Readonly<Record<string, string>>;
  /** kinds with more distinct violations than were kept (explorer/found.ts: maxSignaturesPerKind) */
  readonly truncatedKinds: readonly ViolationKind[];
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

/** The fault plan a scenario is searched with: the mode, aimed by the check's phases and sites. */
export function faultPlanFor(s: Scenario, opts: CheckOptions): FaultPlan {
  const plan = faultModeFor(s, opts);
  return plan.mode === 'none' ? plan : { ...plan, ...faultScopeOf(opts) };
}

/** Which allocations the options let fail. */
export function faultScopeOf(opts: Pick<CheckOptions, 'faultPhases' | 'faultSites' | 'skipFaultSites'>): FaultScope {
  return {
    phases: opts.faultPhases,
    ...(opts.faultSites.length > 0 ? { sites: opts.faultSites } : {}),
    ...(opts.skipFaultSites.length > 0 ? { skipSites: opts.skipFaultSites } : {}),
  };
}

function faultModeFor(s: Scenario, opts: CheckOptions): FaultPlan {
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

/** "fail_nth sweep", "choice(max 1)", with where faults are injected when that is not the default */
export function describeFaults(plan: FaultPlan): string {
  if (plan.mode === 'none') return 'none';
  const mode = plan.mode === 'nth' ? 'fail_nth sweep' : `choice(max ${plan.maxFailures})`;
  const phases = plan.phases ?? ['threads'];
  const where = [
    ...(phases.length === 1 && phases[0] === 'threads' ? [] : [`in ${phases.join(',')}`]),
    ...(plan.sites === undefined ? [] : [`in ${plan.sites.join(',')}`]),
    ...(plan.skipSites === undefined ? [] : [`not in ${plan.skipSites.join(',')}`]),
  ];
  return where.length === 0 ? mode : `${mode} ${where.join(' ')}`;
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
  const file = s.origin === undefined ? undefined : displayPath(s.origin.file);
  const target = replayTarget({ scenario: s.name, ...(file === undefined ? {} : { file }) });
  const until = deadline ?? performance.now() + opts.timeLimitMs;
  const violations = result.signatures.map((sf) => shrink(s, sf, faults, opts, target, until));
  const kinds = result.found.map((cx) => cx.kind);
  const truncated = result.truncated ?? 0;
  const outcome: Outcome = kinds.length > 0 ? 'violation' : result.limitHit || truncated > 0 ? 'incomplete' : 'pass';
  return {
    scenario: s.name,
    ...(file === undefined ? {} : { file }),
    expected: describeExpectation(s.expect),
    outcome,
    matches: matches(s, outcome, kinds, result.exhaustive),
    exhaustive: result.exhaustive,
    strategy: result.strategy,
    faults: describeFaults(faults),
    executions: result.executions,
    steps: result.steps,
    elapsedMs: result.elapsedMs,
    executionsPerSecond: result.elapsedMs > 0 ? Math.round((result.executions * 1000) / result.elapsedMs) : 0,
    kinds,
    ...(truncated > 0 ? { truncated } : {}),
    violations,
    truncatedKinds: result.signaturesTruncated,
    ...(s.patches === undefined ? {} : { patches: s.patches }),
  };
}

function shrink(
  s: Scenario,
  sf: SignatureFound,
  searched: FaultPlan,
  opts: CheckOptions,
  target: string,
  deadline: number,
): FoundViolation {
  const faults: FaultPlan = sf.nth === undefined ? searched : { ...searched, mode: 'nth', nth: sf.nth } as FaultPlan;
  let schedule = sf.schedule;
  let steps = sf.steps;
  let preemptions = sf.preemptions;
  let v = sf.violation;
  // with --no-minimize, one execution tells whether the key reproduces what it is printed with;
  // the search's limits hold here too (--max-steps for each run, shrinking stops at the deadline)
  const limits = { maxSteps: opts.maxSteps, deadline };
  const m = minimize(s.program, sf.signature, sf.choices, faults, opts.warnFails, opts.minimize ? undefined : 1, limits);
  // a run cut by a limit before the violation tells nothing: the key is printed as found, unverified
  const reproduces = m.violation !== null ? true : m.cut ? null : false;
  if (opts.minimize && m.violation !== null) {
    schedule = encodeSchedule(sf.nth === undefined ? { choices: m.choices } : { choices: m.choices, nth: sf.nth });
    steps = m.steps;
    preemptions = m.preemptions;
    v = m.violation;
  }
  const top = v.stack[0];
  return {
    signature: sf.signature,
    kind: sf.kind,
    function: top === undefined ? '' : kernelName(top.fn),
    message: v.message,
    title: v.title,
    occurrences: sf.occurrences,
    firstExecution: sf.firstExecution,
    firstSeconds: Math.round(sf.firstMs) / 1000,
    schedule,
    replay: replayCommand(target, schedule, replayOptions(opts)),
    reproduces,
    steps,
    preemptions,
    thread: v.thread,
    step: v.step,
    splat: v.splat,
    stack: v.stack,
  };
}

/**
 * A pass expectation needs a search that ran its course with nothing found. A violation
 * expectation needs something found, nothing unexpected, and, when the search was exhaustive,
 * every expected kind.
 */
function matches(s: Scenario, outcome: Outcome, found: readonly ViolationKind[], exhaustive: boolean): boolean {
  const e = s.expect;
  if ('pass' in e) return outcome === 'pass';
  if (found.length === 0) return false;
  const kinds = new Set(found);
  for (const k of kinds) if (!e.violations.includes(k)) return false;
  return !exhaustive || e.violations.every((k) => kinds.has(k));
}
