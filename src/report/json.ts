// The JSON report of `iommulab check --json` / `--out` and `iommulab merge --json`: a versioned
// document whose schema is written here once, in zod, and exported as JSON Schema
// (docs/check-report.schema.json, rewritten by `npm run docs`; test/report-json.test.ts checks
// real output against it). Every object is closed (no other keys), so a field added to the
// outcome without being described here fails the tests.
import * as z from 'zod';
import type { FoundViolation, ScenarioOutcome } from '../check/check.js';
import { checkExitCode, exitCodes } from '../check/exit-codes.js';
import { violationKinds } from '../rt/violation.js';

/**
 * Version of the document. 1 was the unversioned report (one counterexample per kind); 2 lists
 * every distinct violation by signature.
 */
export const checkReportVersion = 2;

const kind = z.enum(violationKinds).describe('a violation kind (`iommulab check --help`, docs/ARCHITECTURE.md)');
const count = z.number().int().min(0);

const frame = z.strictObject({
  fn: z.string().describe('the model function (JavaScript name; traces print it in the kernel\'s spelling)'),
  where: z.string().describe('source location, e.g. src/core/attach.ts:42'),
});

const violation = z
  .strictObject({
    signature: z.string().describe('what makes two violations the same bug: "KIND in FUNCTION: MESSAGE", numbers and object ids in the message written N'),
    kind,
    function: z.string().describe('the model function that reported it, in the kernel\'s spelling; empty for a check made between steps (invariants, leaks, deadlocks)'),
    message: z.string().describe('the report\'s one line, as the replayed execution printed it'),
    title: z.string().describe('the first line of the splat'),
    occurrences: count.min(1).describe('executions of the search in which it occurred'),
    firstExecution: count.min(1).describe('the first execution (1-based, in the search\'s own order, the same whatever the workers or shards) in which it occurred'),
    firstSeconds: z.number().min(0).describe('seconds into the search when it was first seen: wall clock, the one figure that differs between two runs'),
    schedule: z.string().describe('the replay key: a schedule (minimized unless --no-minimize) whose one execution reports this signature'),
    replay: z.string().describe('the command that replays it'),
    reproduces: z
      .boolean()
      .nullable()
      .describe('the schedule alone reports it (false for a lock inversion whose first lock order an earlier execution took; null when it could not be run again before --time-limit or within --max-steps)'),
    steps: count.describe('steps of the replayed execution'),
    preemptions: count.describe('preemptions of the replayed execution'),
    thread: z.string().nullable().describe('the thread that hit it; null for a check made between steps'),
    step: count.describe('the step it was reported at (0-based, as the replay trace numbers them)'),
    splat: z.string().describe('the kernel-style report (WARNING, KASAN, lockdep, ...)'),
    stack: z.array(frame).describe('the model call stack, innermost first'),
  })
  .describe('one distinct violation');

const yieldRace = z
  .strictObject({
    location: z.string().describe('the static location, e.g. "Device.iommuGroup"'),
    schedule: z.string().describe('the schedule of the execution that found it (`iommulab replay --check-yields` shows it again)'),
    splat: z.string().describe('the KCSAN-style report: both accesses with their stacks, threads and locks'),
  })
  .describe('a plain shared access that breaks the yield rule (rt/yield-check.ts)');

const scenario = z
  .strictObject({
    scenario: z.string().describe('the scenario\'s name'),
    file: z.string().optional().describe('the scenario file it comes from, as given to the command; absent for a built-in'),
    expected: z.string().describe('its expectation in words: "pass" or "violation: KIND, ..."'),
    outcome: z.enum(['pass', 'violation', 'incomplete']).describe('pass: nothing found by a search that ran its course; violation: something found; incomplete: nothing found, but the search was cut short'),
    matches: z.boolean().describe('the outcome is what the scenario expects'),
    exhaustive: z.boolean().describe('every execution in scope was explored'),
    strategy: z.string().describe('the search that ran'),
    faults: z.string().describe('allocation fault injection: none, fail_nth sweep, choice(max N)'),
    executions: count,
    steps: count,
    elapsedMs: z.number().min(0),
    executionsPerSecond: count,
    truncated: count
      .min(1)
      .optional()
      .describe('executions cut at --max-steps before they ended (absent when none): their ends were not explored, so the search is incomplete'),
    kinds: z.array(kind).describe('every kind found, in the order first found: what the expectation is compared with'),
    violations: z.array(violation).describe('every distinct violation found, by signature, in the order first found'),
    truncatedKinds: z.array(kind).describe('kinds with more distinct violations than are listed (at most 32 each)'),
    patches: z
      .record(z.string(), z.string())
      .optional()
      .describe('IOMMU scenarios: every patch toggle\'s value in this run (`iommulab patches`); the scenario\'s name says those not at its own setting'),
    yieldRaces: z
      .array(yieldRace)
      .optional()
      .describe('with --check-yields only: the model\'s breaks of the yield rule, one per location (any makes the scenario not as expected)'),
  })
  .describe('the outcome of one scenario');

export const checkReportSchema = z
  .strictObject({
    format: z.literal('iommulab-check').describe('what this document is'),
    version: z.literal(checkReportVersion).describe('the version of this format'),
    ok: z.boolean().describe('every scenario met its expectation'),
    exitCode: z
      .union([z.literal(exitCodes.ok), z.literal(exitCodes.notAsExpected), z.literal(exitCodes.incomplete)])
      .describe('the exit code of the command: 0 every outcome as expected, 1 an outcome not as expected, 3 incomplete (a search cut short by a limit, nothing else wrong)'),
    elapsedMs: z.number().min(0).describe('wall-clock time of the whole check'),
    scenarios: z.array(scenario).describe('one outcome per scenario, in the order given'),
  })
  .describe('the report of `iommulab check --json` (also written by --out, and by `iommulab merge --json`)');

export type CheckReport = z.infer<typeof checkReportSchema>;

// the schema describes exactly the outcome types (a compile error when they drift)
type Plain<T> =
  T extends ReadonlyArray<infer U> ? Array<Plain<U>> : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Mutual<A, B> extends true ? Mutual<keyof A, keyof B> : false;
const sameViolation: Same<Plain<z.infer<typeof violation>>, Plain<FoundViolation>> = true;
const sameOutcome: Same<Plain<z.infer<typeof scenario>>, Plain<ScenarioOutcome>> = true;
void sameViolation;
void sameOutcome;

export function checkReport(outcomes: readonly ScenarioOutcome[], elapsedMs: number): CheckReport {
  return {
    format: 'iommulab-check',
    version: checkReportVersion,
    ok: outcomes.every((o) => o.matches),
    exitCode: checkExitCode(outcomes),
    elapsedMs,
    scenarios: outcomes as CheckReport['scenarios'],
  };
}

/** The JSON Schema (draft 2020-12) of the report, as docs/check-report.schema.json holds it. */
export function checkReportJsonSchema(): string {
  const schema = z.toJSONSchema(checkReportSchema, { target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'iommulab check report' }, null, 2)}\n`;
}
