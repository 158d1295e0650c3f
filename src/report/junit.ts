// `check --junit FILE`: the check as JUnit XML for CI: one testcase per scenario. A scenario whose
// outcome is not the expected one is a <failure> carrying each violation's splat and the command
// that replays it; a search cut short by a limit (exit 3) is an <error> (the check could not
// decide); the violations a scenario expects (its findings) are listed in <system-out>.
import type { FoundViolation, ScenarioOutcome } from '../check/check.js';

/** The first line of every file this writes (how check/output-file.ts knows it is iommulab's own). */
export const junitHead = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="iommulab"';

export function junitXml(outcomes: readonly ScenarioOutcome[], elapsedMs: number): string {
  const failures = outcomes.filter((o) => !o.matches && o.outcome !== 'incomplete').length;
  const errors = outcomes.filter((o) => !o.matches && o.outcome === 'incomplete').length;
  const counts = `tests="${outcomes.length}" failures="${failures}" errors="${errors}" time="${seconds(elapsedMs)}"`;
  const lines = [`${junitHead} ${counts}>`, `  <testsuite name="iommulab check" ${counts}>`];
  for (const o of outcomes) lines.push(...testcase(o));
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function testcase(o: ScenarioOutcome): string[] {
  const classname = o.file === undefined ? 'iommulab.builtin' : `iommulab.${o.file}`;
  const head = `    <testcase classname="${attr(classname)}" name="${attr(o.scenario)}" time="${seconds(o.elapsedMs)}"`;
  const found = o.kinds.length > 0 ? `violation: ${o.kinds.join(', ')}` : o.outcome;
  const search = `${o.exhaustive ? 'exhaustive' : 'partial'} search, ${o.executions} executions of ${o.strategy}`;
  const summary = `expected ${o.expected}, found ${found} (${search})`;
  const body: string[] = [];
  if (!o.matches) {
    const tag = o.outcome === 'incomplete' ? 'error' : 'failure';
    const type = o.outcome === 'incomplete' ? 'incomplete' : 'not-as-expected';
    const details = [summary, ...o.violations.map(violationText)].join('\n\n');
    body.push(`      <${tag} type="${type}" message="${attr(summary)}">${text(details)}</${tag}>`);
  } else if (o.violations.length > 0) {
    // a finding the scenario expects: passes, and says how to see it
    body.push(`      <system-out>${text([summary, ...o.violations.map(violationText)].join('\n\n'))}</system-out>`);
  }
  return body.length === 0 ? [`${head}/>`] : [`${head}>`, ...body, '    </testcase>'];
}

/** one distinct violation: its signature, how often, its replay command, its splat */
function violationText(v: FoundViolation): string {
  const times = v.occurrences === 1 ? 'once' : `${v.occurrences} times`;
  return `${v.signature}\n${times}, first at execution ${v.firstExecution}; replay: ${v.replay}\n${v.splat}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** text content: XML's specials escaped, characters XML 1.0 cannot carry dropped */
function text(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** an attribute value (double-quoted): newlines kept as character references */
function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
