// A scenario in a file: the IommuScenarioSpec of scenarios/iommu/spec.ts, key for key, and a
// file: one scenario, or several under `scenarios:`. Expectations and fault plans are the
// Expectation and FaultPlan types; `expect: pass` is accepted for `expect: {pass: true}`.
import * as z from 'zod';
import { isBooleanPatch, isPatchName, type PatchSetting, patchInfo, patchNames, parsePatchValue } from '../../core/patches.js';
import type { FaultPlan } from '../../rt/execution.js';
import { violationKinds } from '../../rt/violation.js';
import type { Expectation } from '../scenario.js';
import { didYouMean } from '../did-you-mean.js';
import { opSchema } from './op-schema.js';
import { strictObject } from './strict-object.js';
import { topologySchema } from './topology-schema.js';
import { int, name } from './values.js';

/** scenario names are used on the command line (FILE.yaml:NAME) and in replay keys */
export const scenarioNamePattern = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

const names = patchNames as string[];

function unknownPatch(v: string): string {
  return `unknown patch "${v}"${didYouMean(v, names)}; \`iommulab patches\` lists them`;
}

/** NAME (an off/on toggle, on) or NAME: VALUE */
const patch = z.union([z.string(), z.record(z.string(), z.union([z.string(), z.boolean()]))], {
  error: 'expected a patch name, or NAME: VALUE',
}).transform((v, ctx): PatchSetting => {
  if (typeof v === 'string') {
    if (!isPatchName(v)) {
      ctx.issues.push({ code: 'custom', message: unknownPatch(v), input: v });
      return z.NEVER;
    }
    if (!isBooleanPatch(v)) {
      ctx.issues.push({ code: 'custom', message: `${v} needs a value: \`${v}: VALUE\` with VALUE one of ${Object.keys(patchInfo(v).values).join(', ')}`, input: v });
      return z.NEVER;
    }
    return v;
  }
  const keys = Object.keys(v);
  if (keys.length !== 1) {
    ctx.issues.push({ code: 'custom', message: 'one toggle per entry: NAME or NAME: VALUE', input: v });
    return z.NEVER;
  }
  const key = keys[0]!;
  if (!isPatchName(key)) {
    ctx.issues.push({ code: 'custom', message: unknownPatch(key), input: v });
    return z.NEVER;
  }
  const value = parsePatchValue(key, v[key]!);
  if ('error' in value) {
    ctx.issues.push({ code: 'custom', message: value.error, input: v });
    return z.NEVER;
  }
  return { [key]: value.value } as PatchSetting;
}).meta({
  title: 'patch setting',
  description: 'a patch toggle (`iommulab patches`): NAME alone turns an off/on toggle on; NAME: VALUE sets any',
});

const patchList = z.array(patch);

const violationKind = z.string().transform((v, ctx): (typeof violationKinds)[number] => {
  const k = violationKinds.find((x) => x === v);
  if (k !== undefined) return k;
  ctx.issues.push({ code: 'custom', message: `unknown violation kind "${v}"${didYouMean(v, violationKinds)}; one of ${violationKinds.join(', ')}`, input: v });
  return z.NEVER;
}).meta({ title: 'violation kind', description: 'a kind of violation the checker reports' });

const expectation = z.union([
  z.literal('pass').transform((): Expectation => ({ pass: true })),
  strictObject({
    pass: z.literal(true).optional().describe('the search must run its course and find nothing'),
    violations: z.array(violationKind).min(1).optional()
      .describe('the kinds the search must find (all of them when it is exhaustive) and nothing else'),
  }).transform((e, ctx): Expectation => {
    if ((e.pass === undefined) === (e.violations === undefined)) {
      ctx.issues.push({ code: 'custom', message: 'give either pass: true or violations: [KIND, ...]', input: e });
      return z.NEVER;
    }
    return e.violations === undefined ? { pass: true } : { violations: e.violations };
  }),
], { error: 'expected pass, {pass: true} or {violations: [KIND, ...]}' })
  .meta({ title: 'expectation', description: 'what the check must find: `pass` (or `{pass: true}`), or `{violations: [KIND, ...]}`' });

const faultPlan = z.discriminatedUnion('mode', [
  strictObject({ mode: z.literal('none').describe('no allocation fails') }),
  strictObject({
    mode: z.literal('nth').describe('the fail_nth sweep: one search per allocation point, failing it'),
    nth: int(1, Number.MAX_SAFE_INTEGER).describe('the first point of the sweep (1)'),
  }),
  strictObject({
    mode: z.literal('choice').describe('every allocation may fail: failures are choices of the search'),
    maxFailures: int(1, Number.MAX_SAFE_INTEGER).describe('failed allocations per execution, at most'),
  }),
], {
  error: (iss) => {
    const mode = (iss.input as { mode?: unknown } | undefined)?.mode;
    if (iss.code !== 'invalid_union') return undefined;
    if (mode === undefined) return 'missing required field "mode" (none, nth or choice)';
    return `unknown fault mode ${JSON.stringify(mode)}${typeof mode === 'string' ? didYouMean(mode, ['none', 'nth', 'choice']) : ''}; one of none, nth, choice`;
  },
}).transform((f): FaultPlan => f)
  .meta({ title: 'fault plan', description: 'allocation fault injection the check runs with unless `--faults` says otherwise' });

const ops = z.array(opSchema);

const thread = strictObject({
  name: name().describe('the thread\'s name (traces and reports use it)'),
  ops: ops.describe('the operations, in order'),
}).describe('a kernel thread running operations in order');

const variant = strictObject({
  patches: patchList.min(1).describe('the settings over the scenario\'s own `patches`'),
  expect: expectation,
  expectByDriver: z.record(z.string(), expectation).optional()
    .describe('the expectation in this setting on another driver (NAME@DRIVER,SETTING) where it differs'),
}).describe('the scenario in another toggle setting, and what it must find there');

export const scenarioSchema = strictObject({
  name: z.string().regex(scenarioNamePattern, 'a scenario name is letters, digits and . _ + - (no spaces or colons), starting with a letter or digit')
    .describe('the scenario\'s name (check, replay and reports use it): letters, digits and `. _ + -`'),
  summary: z.string().min(1).describe('one line for listings'),
  description: z.string().min(1).describe('what it shows and why it matters'),
  topology: topologySchema,
  patches: patchList.optional().describe('patch toggles to run with (`iommulab patches`); none: the v7.0 baseline'),
  variants: z.array(variant).min(1).optional()
    .describe('other toggle settings `check` also runs the scenario in, each with its expectation; named NAME@SETTING'),
  prologue: ops.optional().describe('operations run alone before the threads start (bind a driver, claim ownership...)'),
  threads: z.array(thread).min(1).describe('the concurrent threads'),
  epilogue: ops.optional().describe('operations run alone after the threads, before the automatic cleanup'),
  overrideDma: z.union([
    strictObject({
      thread: z.string().min(1).describe('the thread the DMA goes in'),
      after: z.number().int().min(0).describe('after its operation number (0-based)'),
    }),
    z.literal('epilogue'),
  ]).optional()
    .describe('where the DMA `--driver smmuv3|vtd` adds goes when a thread of its own is too costly: a DMA at a chosen point'),
  expect: expectation,
  expectByDriver: z.record(z.string(), expectation).optional()
    .describe('the expectation under `--driver NAME` where it differs (driver name -> expectation)'),
  faults: faultPlan.optional(),
}).describe('one scenario');

export const scenarioListSchema = strictObject({
  scenarios: z.array(scenarioSchema).min(1).describe('the scenarios of the file'),
}).describe('several scenarios in one file');

export const schemaParts = { expectation, faultPlan, thread, patch, violationKind, variant };
