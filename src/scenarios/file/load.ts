// Reading a scenario file: YAML -> the schema (types, allowed values, unknown keys) -> the same
// checks iommuScenario() makes (references, unique names) -> runnable Scenarios, each knowing the
// file and the content hash it came from. Every problem is reported with its file and line.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { iommuScenario } from '../iommu/build.js';
import type { IommuScenarioSpec } from '../iommu/spec.js';
import { pathText, type SpecIssue, validateSpec } from '../iommu/validate.js';
import type { Scenario } from '../scenario.js';
import { type FileProblem, ScenarioFileError } from './file-error.js';
import { describeValue, specIssues } from './issues.js';
import { scenarioListSchema, scenarioSchema } from './scenario-schema.js';
import { FileReadError, readRegularFile } from './regular-file.js';
import { parseYaml, type YamlSource } from './yaml-source.js';
import { withOrigin } from '../variants.js';

export interface ScenarioFile {
  /** the file as the user named it */
  readonly file: string;
  readonly absolute: string;
  /** of the bytes read: a checkpoint refuses to resume when the file has changed */
  readonly sha256: string;
  readonly specs: readonly IommuScenarioSpec[];
  readonly scenarios: readonly Scenario[];
}

export function sha256Of(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The largest scenario file read (some 100,000 operations): the cap keeps parsing and checking it in memory. */
export const maxScenarioFileBytes = 4 * 1024 * 1024;

export function readFileBytes(file: string): Buffer {
  try {
    return readRegularFile(file, maxScenarioFileBytes);
  } catch (e) {
    if (e instanceof FileReadError) throw ScenarioFileError.whole(file, `cannot read the scenario file: ${e.message}`);
    throw e;
  }
}

/** the scenario descriptions of a file's text; throws ScenarioFileError naming file, line and field */
export function parseScenarioText(text: string, file: string): IommuScenarioSpec[] {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) throw new ScenarioFileError(parsed.problems);
  const src = parsed.source;
  const data = src.data;
  if (data === null || data === undefined) {
    const message = 'the file is empty: write one scenario (name, summary, description, topology, threads, expect) or a list under scenarios:';
    throw new ScenarioFileError([{ file, line: 1, field: '', message }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const message = `expected a mapping (one scenario, or scenarios: [...]), got ${describeValue(data)}`;
    throw new ScenarioFileError([{ file, line: 1, field: '', message }]);
  }
  const list = 'scenarios' in data;
  // reportInput: the messages say what was there (issues.ts)
  const result = (list ? scenarioListSchema : scenarioSchema).safeParse(data, { reportInput: true });
  if (!result.success) throw located(file, src, specIssues(result.error.issues));
  const specs: IommuScenarioSpec[] = 'scenarios' in result.data ? result.data.scenarios : [result.data];
  const issues: SpecIssue[] = [];
  specs.forEach((spec, i) => {
    const prefix = list ? ['scenarios', i] : [];
    for (const issue of validateSpec(spec)) issues.push({ path: [...prefix, ...issue.path], message: issue.message });
    const j = specs.findIndex((s) => s.name === spec.name);
    if (j < i) issues.push({ path: ['scenarios', i, 'name'], message: `scenario name "${spec.name}" is already used by scenarios[${j}]` });
  });
  if (issues.length > 0) throw located(file, src, issues);
  return specs;
}

function located(file: string, src: YamlSource, issues: readonly SpecIssue[]): ScenarioFileError {
  const problems = issues.map((i): FileProblem => ({
    file,
    line: src.lineOf(i.path),
    field: pathText(i.path),
    message: i.message,
  }));
  // in file order, as the user reads it (the sort is stable: schema order within a line)
  return new ScenarioFileError(problems.sort((a, b) => a.line - b.line));
}

/** read, check and build every scenario of a file */
export function loadScenarioFile(file: string): ScenarioFile {
  return scenarioFileOf(file, readFileBytes(file));
}

/** check and build every scenario of a file's bytes */
export function scenarioFileOf(file: string, bytes: Buffer): ScenarioFile {
  const absolute = resolve(file);
  const sha256 = sha256Of(bytes);
  const specs = parseScenarioText(bytes.toString('utf8'), file);
  const scenarios = specs.map((spec): Scenario => withOrigin(iommuScenario(spec), { file: absolute, sha256 }));
  return { file, absolute, sha256, specs, scenarios };
}
