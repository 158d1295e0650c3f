// What the HTML report shows, made from a check's outcomes: the one place that reads the
// check's result types, so the page follows them with one small change here.
import type { CheckOptions, FoundViolation, ScenarioOutcome } from '../check/check.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type Timeline, timelineOf } from './html-trace.js';

export interface ReportViolation {
  /** what tells it from the scenario's other violations (check/check.ts FoundViolation.signature) */
  readonly signature: string;
  readonly kind: string;
  readonly title: string;
  readonly schedule: string;
  /** the command that replays it */
  readonly replay: string;
  readonly splat: string;
  readonly steps: number;
  readonly preemptions: number;
  /** executions it occurred in, when the check counted them (null for a replay) */
  readonly occurrences: number | null;
  readonly firstExecution: number | null;
  readonly firstSeconds: number | null;
  /** false when the key alone does not reproduce it (a lock inversion); null: not known (a limit cut the check) */
  readonly reproduces: boolean | null;
  /** its replay with the trace on; null when it could not be replayed (the reason in `traceError`) */
  readonly timeline: Timeline | null;
  readonly traceError: string | null;
}

export interface ReportScenario {
  readonly name: string;
  readonly file: string | null;
  readonly expected: string;
  readonly outcome: string;
  readonly matches: boolean;
  readonly search: string;
  readonly executions: number;
  readonly elapsedMs: number;
  readonly violations: readonly ReportViolation[];
}

export interface ReportData {
  readonly title: string;
  /** the command line that made it, as the user typed it */
  readonly command: string;
  /** ISO time it was made */
  readonly generated: string;
  readonly version: string;
  readonly elapsedMs: number;
  readonly scenarios: readonly ReportScenario[];
}

/** violations traced per report: each is one replay (the rest are listed with their keys) */
export const maxTracedViolations = 200;

export interface ReportInput {
  readonly outcomes: readonly ScenarioOutcome[];
  /** the scenarios checked (their programs replay the keys) */
  readonly scenarios: readonly Scenario[];
  readonly options: CheckOptions;
  readonly elapsedMs: number;
  readonly command: string;
  readonly version: string;
}

export function reportData(input: ReportInput): ReportData {
  let traced = 0;
  const scenarios = input.outcomes.map((o): ReportScenario => {
    const s = input.scenarios.find((x) => x.name === o.scenario && (x.origin === undefined) === (o.file === undefined));
    const violations = o.violations.map((v: FoundViolation): ReportViolation => {
      let timeline: Timeline | null = null;
      let traceError: string | null = null;
      if (s === undefined) traceError = 'the scenario is not at hand to replay';
      else if (traced >= maxTracedViolations) traceError = `not traced: the report traces at most ${maxTracedViolations} violations`;
      else {
        traced++;
        try {
          timeline = timelineOf(s, v.schedule, { options: input.options });
        } catch (e) {
          traceError = `the replay failed: ${(e as Error).message.split('\n')[0]}`;
        }
      }
      return {
        signature: v.signature,
        kind: v.kind,
        title: v.title,
        schedule: v.schedule,
        replay: v.replay,
        splat: v.splat,
        steps: v.steps,
        preemptions: v.preemptions,
        occurrences: v.occurrences,
        firstExecution: v.firstExecution,
        firstSeconds: v.firstSeconds,
        reproduces: v.reproduces,
        timeline,
        traceError,
      };
    });
    const how = o.strategy;
    return {
      name: o.scenario,
      file: o.file ?? null,
      expected: o.expected,
      outcome: o.outcome,
      matches: o.matches,
      search: `${o.exhaustive ? 'exhaustive' : 'partial'}, ${how}${o.faults === 'none' ? '' : `, faults ${o.faults}`}`,
      executions: o.executions,
      elapsedMs: o.elapsedMs,
      violations,
    };
  });
  return {
    title: 'iommulab check',
    command: input.command,
    generated: new Date().toISOString(),
    version: input.version,
    elapsedMs: input.elapsedMs,
    scenarios,
  };
}

/** The report of one replayed execution (`iommulab replay --report`). */
export function replayReportData(input: {
  readonly scenario: Scenario;
  readonly schedule: string;
  readonly replay: string;
  readonly timeline: Timeline;
  readonly command: string;
  readonly version: string;
}): ReportData {
  const { timeline } = input;
  const failing = timeline.reports.filter((r) => r.failing);
  const shown = failing.length > 0 ? failing : timeline.reports;
  // one entry for the execution, however many reports it made (they share its timeline)
  const kinds = [...new Set(shown.map((r) => r.kind))];
  const violation: ReportViolation = {
    signature: shown.length === 0 ? 'no violation in this execution' : shown.map((r) => `${r.kind}: ${r.title}`).join(' + '),
    kind: kinds.length === 0 ? 'none' : kinds.join(', '),
    title: shown.length === 0 ? 'no violation in this execution' : shown.map((r) => r.title).join(' + '),
    schedule: input.schedule,
    replay: input.replay,
    splat: shown.map((r) => r.splat).join('\n\n'),
    steps: timeline.steps.length + timeline.omitted,
    preemptions: Number.NaN,
    occurrences: null,
    firstExecution: null,
    firstSeconds: null,
    reproduces: true,
    timeline,
    traceError: null,
  };
  return {
    title: 'iommulab replay',
    command: input.command,
    generated: new Date().toISOString(),
    version: input.version,
    elapsedMs: 0,
    scenarios: [
      {
        name: input.scenario.name,
        file: input.scenario.origin?.file ?? null,
        expected: '',
        outcome: failing.length > 0 ? 'violation' : timeline.truncated !== null ? 'incomplete' : 'pass',
        matches: failing.length === 0,
        search: 'one execution along the schedule',
        executions: 1,
        elapsedMs: 0,
        violations: [violation],
      },
    ],
  };
}
