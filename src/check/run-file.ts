// The files a run leaves: checkpoints and shard results. Both say which scenarios, with which
// options (and shard) they were made, and where each scenario stands. They are written
// atomically (a temporary file renamed over the old one), so a crash leaves the old one whole.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { DataError, int, list, obj, str } from '../explorer/parallel/data.js';
import { familyFor } from '../explorer/parallel/family.js';
import type { ScenarioOrigin } from '../scenarios/scenario.js';
import type { CheckOptions } from './check.js';
import { optionsFromJson, optionsToJson } from './options-json.js';
import { checkProgress } from './progress-json.js';
import type { ScenarioProgress } from './run.js';
import { strategySpec } from './search-spec.js';
import type { Shard } from './shard.js';

export type RunFileKind = 'iommulab-checkpoint' | 'iommulab-shard';
export const runFileVersion = 1;
/**
 * A run with scenario files is written as version 2, so an iommulab that knows no files refuses
 * it rather than running a built-in of the same name; runs of built-ins stay version 1.
 */
export const runFileVersionWithFiles = 2;

export interface RunFile {
  readonly format: RunFileKind;
  readonly scenarios: readonly string[];
  /** the scenarios read from files: which file, with which content (resume and merge check it) */
  readonly origins: Readonly<Record<string, ScenarioOrigin>>;
  readonly options: CheckOptions;
  readonly shard: Shard | null;
  readonly progress: readonly ScenarioProgress[];
}

/** A run file that cannot be used; the message names the file and the field. */
export class RunFileError extends Error {}

export function runFileJson(f: RunFile): string {
  const version = Object.keys(f.origins).length > 0 ? runFileVersionWithFiles : runFileVersion;
  return JSON.stringify({ ...f, version, options: optionsToJson(f.options) });
}

export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw new RunFileError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

export function readRunFile(file: string, kind: RunFileKind): RunFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RunFileError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(`${file}: not valid JSON (${(e as Error).message}); the file is corrupt or truncated`);
  }
  try {
    return checkRunFile(data, kind);
  } catch (e) {
    if (e instanceof DataError) throw new RunFileError(`${file}: ${e.message}`);
    throw e;
  }
}

function checkRunFile(data: unknown, kind: RunFileKind): RunFile {
  const o = obj(data, 'file');
  if (o.format !== kind) {
    const what = kind === 'iommulab-checkpoint' ? 'checkpoint' : 'shard result';
    throw new DataError(`format: not an iommulab ${what} (format is ${JSON.stringify(o.format ?? null)})`);
  }
  if (o.version !== runFileVersion && o.version !== runFileVersionWithFiles) {
    throw new DataError(`version: ${JSON.stringify(o.version ?? null)} is not ${runFileVersion} or ${runFileVersionWithFiles}`);
  }
  const scenarios = list(o.scenarios, 'scenarios').map((n, i) => str(n, `scenarios[${i}]`));
  // version 1 has no origins: every scenario is a built-in
  const origins = o.version === runFileVersionWithFiles ? checkOrigins(o.origins, scenarios) : {};
  const options = optionsFromJson(o.options, 'options');
  let shard: Shard | null = null;
  if (o.shard !== null) {
    const so = obj(o.shard, 'shard');
    const count = int(so.count, 'shard.count', 1);
    const index = int(so.index, 'shard.index', 1);
    if (index > count) throw new DataError(`shard.index: ${index} is above shard.count ${count}`);
    shard = { index, count };
  }
  const family = familyFor(strategySpec(options));
  const progress = list(o.progress, 'progress').map((p, i) => checkProgress(p, `progress[${i}]`, scenarios, family));
  return { format: kind, scenarios, origins, options, shard, progress };
}

function checkOrigins(v: unknown, scenarios: readonly string[]): Record<string, ScenarioOrigin> {
  const o = obj(v, 'origins');
  const out: Record<string, ScenarioOrigin> = {};
  for (const [name, x] of Object.entries(o)) {
    const path = `origins.${name}`;
    if (!scenarios.includes(name)) throw new DataError(`${path}: "${name}" is not one of the run's scenarios`);
    const e = obj(x, path);
    const file = str(e.file, `${path}.file`);
    const sha256 = str(e.sha256, `${path}.sha256`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DataError(`${path}.sha256: not a SHA-256 in hex`);
    out[name] = { file, sha256 };
  }
  return out;
}
