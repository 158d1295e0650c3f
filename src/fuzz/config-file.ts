// A fuzz config file (YAML or JSON): any part of the defaults (config.ts), checked like a
// scenario file: unknown keys, wrong types and values are reported as FILE:LINE: FIELD: message.
import * as z from 'zod';
import { driverNames } from '../drivers/registry.js';
import { patchRegistry } from '../core/patches.js';
import { didYouMean } from '../scenarios/did-you-mean.js';
import { type FileProblem, ScenarioFileError } from '../scenarios/file/file-error.js';
import { specIssues } from '../scenarios/file/issues.js';
import { readFileBytes } from '../scenarios/file/load.js';
import { strictObject } from '../scenarios/file/strict-object.js';
import { parseYaml } from '../scenarios/file/yaml-source.js';
import { pathText } from '../scenarios/iommu/validate.js';
import { defaultFuzzConfig, type FuzzConfig, fuzzOpKinds } from './config.js';

const weight = z.number().min(0).max(1_000_000);
const prob = z.number().min(0).max(1);
const count = (max: number): z.ZodNumber => z.number().int().min(0).max(max);

function keysOf<T extends string>(what: string, allowed: readonly T[]): z.ZodType<Partial<Record<T, number>>> {
  return z.record(z.string(), weight).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) {
      if (!(allowed as readonly string[]).includes(k)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `unknown ${what} "${k}"${didYouMean(k, allowed)}; known: ${allowed.join(', ')}` });
      }
    }
  }) as unknown as z.ZodType<Partial<Record<T, number>>>;
}

const t = defaultFuzzConfig.topology;
const topology = strictObject(Object.fromEntries(Object.keys(t).map((k) => [k, (k.startsWith('max') ? count(16) : prob).optional()])) as Record<keyof typeof t, z.ZodOptional<z.ZodNumber>>);
const program = strictObject({
  maxThreads: z.number().int().min(1).max(8).optional(),
  maxOpsPerThread: z.number().int().min(1).max(64).optional(),
  swarm: prob.optional(),
  prologue: prob.optional(),
  closeOut: prob.optional(),
});
const search = strictObject({
  random: count(1_000_000).optional(),
  pct: count(1_000_000).optional(),
  pctDepths: z.array(z.number().int().min(1).max(10)).optional(),
  dfsBounds: z.array(z.number().int().min(0).max(10)).optional(),
  dfsExecutions: count(1_000_000).optional(),
  dfsSleepFactor: z.number().int().min(1).max(100).optional(),
  faultChoice: count(1_000_000).optional(),
  failRate: prob.optional(),
  nthExecutions: count(1000).optional(),
  nthPoints: count(100_000).optional(),
  maxSteps: z.number().int().min(100).max(10_000_000).optional(),
  faultShare: prob.optional(),
});
const triage = strictObject({
  maxExecutions: count(100_000_000).optional(),
  executions: z.number().int().min(1).max(1_000_000).optional(),
  candidates: count(100_000).optional(),
  checkSeconds: z.number().min(1).max(3600).optional(),
  causes: z.number().int().min(1).max(64).optional(),
  ageing: z.number().min(1).max(1_000_000).optional(),
  shown: z.number().min(1).max(1_000_000).optional(),
  repeat: z.number().min(1).max(1_000_000).optional(),
  furtherCause: z.number().min(1).max(1_000_000).optional(),
  tail: prob.optional(),
});
const patchNames = patchRegistry.map((p) => p.name) as string[];

export const fuzzConfigSchema = strictObject({
  ops: keysOf('operation kind', fuzzOpKinds).optional(),
  drivers: keysOf('IOMMU driver', driverNames).optional(),
  topology: topology.optional(),
  program: program.optional(),
  search: search.optional(),
  triage: triage.optional(),
  fresh: prob.optional(),
  batch: z.number().int().min(1).max(10_000).optional(),
  coverage: z.enum(['blocks', 'outcomes']).optional(),
  patches: z.array(z.string().refine((p) => patchNames.includes(p), { message: 'unknown patch (`iommulab patches` lists them)' })).optional(),
});

type PartialConfig = z.infer<typeof fuzzConfigSchema>;

/** the defaults with a config's values on top */
export function withConfig(c: PartialConfig): FuzzConfig {
  const d = defaultFuzzConfig;
  const drop = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ops: { ...d.ops, ...drop(c.ops) },
    drivers: c.drivers === undefined ? d.drivers : drop(c.drivers) as Record<string, number>,
    topology: { ...d.topology, ...drop(c.topology) },
    program: { ...d.program, ...drop(c.program) },
    search: { ...d.search, ...drop(c.search) },
    triage: { ...d.triage, ...drop(c.triage) },
    fresh: c.fresh ?? d.fresh,
    batch: c.batch ?? d.batch,
    coverage: c.coverage ?? d.coverage,
    patches: (c.patches ?? d.patches) as FuzzConfig['patches'],
  };
}

/** read and check a config file; throws ScenarioFileError (FILE:LINE: FIELD: message) */
export function loadFuzzConfig(file: string): FuzzConfig {
  const text = readFileBytes(file).toString('utf8');
  const parsed = parseYaml(text, file);
  if (!parsed.ok) throw new ScenarioFileError(parsed.problems);
  const data = parsed.source.data ?? {};
  const r = fuzzConfigSchema.safeParse(data, { reportInput: true });
  if (!r.success) {
    const problems = specIssues(r.error.issues).map(
      (i): FileProblem => ({ file, line: parsed.source.lineOf(i.path), field: pathText(i.path), message: i.message }),
    );
    throw new ScenarioFileError(problems.sort((a, b) => a.line - b.line));
  }
  const cfg = withConfig(r.data);
  if (Object.values(cfg.drivers).every((w) => w <= 0)) {
    throw new ScenarioFileError([{ file, line: parsed.source.lineOf(['drivers']), field: 'drivers', message: 'every driver weight is 0: no IOMMU could be generated' }]);
  }
  if (Object.values(cfg.ops).every((w) => w <= 0)) {
    throw new ScenarioFileError([{ file, line: parsed.source.lineOf(['ops']), field: 'ops', message: 'every operation weight is 0: nothing to generate' }]);
  }
  return cfg;
}
