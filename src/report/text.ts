// Text reports for people: one line per scenario, and the full violation report that leads
// with the replay key, then the splat, then the trace.
import { type FoundViolation, maxSignaturesPerKind, type ScenarioOutcome } from '../check/check.js';
import type { Execution } from '../rt/execution.js';
import { executionStory } from './trace.js';

import { replayCommand, replayTarget } from '../check/replay-command.js';

export { replayCommand, replayTarget } from '../check/replay-command.js';

/**
 * A scenario's line, then one entry per distinct violation: its signature, how often and how
 * early it occurred, its replay key; with `verbose`, the splat of the replayed key too.
 */
export function outcomeLine(o: ScenarioOutcome, nameWidth: number, verbose = false): string {
  const verdict = o.matches ? 'ok  ' : 'FAIL';
  const kinds = o.kinds.length > 0 ? `violation: ${o.kinds.join(', ')}` : o.outcome;
  const races = o.yieldRaces?.length ?? 0;
  const found = races > 0 ? `${kinds}; yield rule broken at ${races} location${races > 1 ? 's' : ''}` : kinds;
  // the default search goes unnamed; any other (dfs, a preemption bound, sampling) is named
  const how = /^dpor( x fail_nth)?$/.test(o.strategy) ? '' : ` of ${o.strategy}`;
  const search = `${o.exhaustive ? 'exhaustive' : 'partial'} ${o.executions} exec${how}, ${(o.elapsedMs / 1000).toFixed(2)}s`;
  const lines = [`${verdict} ${o.scenario.padEnd(nameWidth)}  ${found.padEnd(30)} (expected ${o.expected}; ${search})`];
  for (const v of o.violations) lines.push(...violationLines(o, v, verbose));
  for (const k of o.truncatedKinds) lines.push(`       (more distinct ${k} violations were found than the ${maxSignaturesPerKind} listed)`);
  return lines.join('\n');
}

/** One distinct violation: signature; count, first occurrence, replay key; the splat when verbose. */
export function violationLines(o: ScenarioOutcome, v: FoundViolation, verbose: boolean): string[] {
  const times = v.occurrences === 1 ? 'once' : `${v.occurrences} times`;
  const of = o.executions === 1 ? 'its 1 execution' : `${o.executions} executions`;
  const first = `first at execution ${v.firstExecution} (${v.firstSeconds.toFixed(2)}s)`;
  const alone =
    v.reproduces === true
      ? ''
      : v.reproduces === null
        ? ' (not run again: the time limit had passed)'
        : ' (does not reproduce alone: see docs/ARCHITECTURE.md, lockdep)';
  const lines = [`       ${v.signature}`, `         ${times} in ${of}, ${first}; replay: ${v.replay}${alone}`];
  if (verbose) lines.push('', ...v.splat.split('\n').map((l) => `         ${l}`), '');
  return lines;
}

export function summaryLine(outcomes: readonly ScenarioOutcome[], elapsedMs: number): string {
  const bad = outcomes.filter((o) => !o.matches).length;
  const execs = outcomes.reduce((n, o) => n + o.executions, 0);
  return `${outcomes.length - bad} of ${outcomes.length} scenarios as expected, ${bad} not; ${execs} executions in ${(elapsedMs / 1000).toFixed(2)}s`;
}

/** The yield-rule reports of a check in checking mode, each with the command that shows it again. */
export function yieldRaceReports(o: ScenarioOutcome): string[] {
  return (o.yieldRaces ?? []).map((r) => `[yield rule] replay: ${replayCommand(replayTarget(o), r.schedule)} --check-yields\n${r.splat}`);
}

/** The whole story of one replayed execution (report/trace.ts). */
export function executionReport(scenario: string, schedule: string, exec: Execution, options: readonly string[] = []): string {
  return [`replay: ${replayCommand(scenario, schedule, options)}`, '', ...executionStory(exec)].join('\n');
}
