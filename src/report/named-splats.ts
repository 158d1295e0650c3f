// Splats under the scenario's names, as traces print them (rt/trace-names.ts): `check -v`
// shows "group(ep0,ep1)->domain is freed domain D" rather than "group#100003->domain is freed
// domain:D#10000f". The names are collected only while tracing, so each violation's replay key
// is run once more with the trace on; a key that cannot be run again keeps its raw labels.
import type { CheckOptions, FoundViolation, ScenarioOutcome } from '../check/check.js';
import { replayTraced } from '../check/replay-traced.js';
import type { Scenario } from '../scenarios/scenario.js';

/** `o` with each violation's splat under the names of `s`'s trace (its signature stays as it is: an identity). */
export function withNamedSplats(s: Scenario, o: ScenarioOutcome, options: CheckOptions): ScenarioOutcome {
  if (o.violations.length === 0) return o;
  return { ...o, violations: o.violations.map((v) => named(s, v, options)) };
}

function named(s: Scenario, v: FoundViolation, options: CheckOptions): FoundViolation {
  let rename: ((text: string) => string) | null = null;
  try {
    // lenient: a key that is not the scenario's (an edited file) is not an error here
    const names = replayTraced(s, v.schedule, { options, strict: false }).traceNames;
    if (names !== null && names.size > 0) rename = (text) => names.rename(text);
  } catch {
    // (a model error replaying it: the search reported it already)
  }
  if (rename === null) return v;
  return { ...v, splat: rename(v.splat) };
}
