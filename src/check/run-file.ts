// The files a run leaves: checkpoints and shard results. Both say which scenarios, with which
// options (and shard) they were made, and where each scenario stands. They are written
// atomically (a temporary file renamed over the old one), so a crash leaves the old one whole.
import { createHash, randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { DataError, int, list, obj, str } from '../explorer/parallel/data.js';
import { familyFor } from '../explorer/parallel/family.js';
import { FileReadError, readRegularFile } from '../scenarios/file/regular-file.js';
import type { ScenarioOrigin } from '../scenarios/scenario.js';
import type { CheckOptions } from './check.js';
import { bounds, maxRunFileBytes } from './limits.js';
import { optionsFromJson, optionsToJson } from './options-json.js';
import { checkProgress } from './progress-json.js';
import type { ScenarioProgress } from './run.js';
import { strategySpec } from './search-spec.js';
import type { Shard } from './shard.js';

export type RunFileKind = 'iommulab-checkpoint' | 'iommulab-shard';
/**
 * Version 3: a digest over the content binds the options and the progress together. Versions 1
 * and 2 (before the digest) are refused: an edited one could not be told from a real one.
 */
export const runFileVersion = 3;

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

/** JSON with every object's keys sorted: the same data gives the same text, whoever wrote it. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The digest of a run file's content: everything but the digest itself. */
export function runFileDigest(data: Record<string, unknown>): string {
  const content = { ...data };
  delete content.digest;
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

/** The file's data with its digest (tests that make a file by hand seal it so). */
export function sealRunFile(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, digest: runFileDigest(data) };
}

export function runFileJson(f: RunFile): string {
  return JSON.stringify(sealRunFile({ ...f, version: runFileVersion, options: optionsToJson(f.options) }));
}

/**
 * Write `text` to `file` atomically: a new temporary file next to it (never one that exists),
 * fsynced, renamed over `file`. A crash leaves the old file whole; nothing else is touched.
 */
export function writeAtomically(file: string, text: string): void {
  let tmp = '';
  try {
    let fd: number | undefined;
    for (let i = 0; fd === undefined; i++) {
      tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        fd = openSync(tmp, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 8) throw e;
      }
    }
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      if (tmp !== '') unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw new RunFileError(`cannot write ${file}: ${describeFsError(e)}`);
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'a component of the path is not a directory';
  return code ?? (e as Error).message;
}

const what = (kind: RunFileKind): string => (kind === 'iommulab-checkpoint' ? 'checkpoint' : 'shard result');

export function readRunFile(file: string, kind: RunFileKind): RunFile {
  let text: string;
  try {
    text = readRegularFile(file, maxRunFileBytes).toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError) throw new RunFileError(`cannot read ${file}: ${e.message}`);
    throw e;
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
    if (e instanceof RangeError) throw new RunFileError(`${file}: nested too deeply to be an iommulab ${what(kind)}`);
    throw e;
  }
}

const topKeys = new Set(['format', 'version', 'digest', 'scenarios', 'origins', 'options', 'shard', 'progress']);

function checkRunFile(data: unknown, kind: RunFileKind): RunFile {
  const o = obj(data, 'file');
  if (o.format !== kind) {
    throw new DataError(`format: not an iommulab ${what(kind)} (format is ${JSON.stringify(o.format ?? null)})`);
  }
  if (o.version !== runFileVersion) {
    const older = typeof o.version === 'number' && o.version < runFileVersion;
    throw new DataError(
      `version: ${JSON.stringify(o.version ?? null)} is not ${runFileVersion}${older ? ` (written by an older iommulab, before ${what(kind)}s carried a digest): run the check again` : ''}`,
    );
  }
  for (const k of Object.keys(o)) if (!topKeys.has(k)) throw new DataError(`${k}: not a field of an iommulab ${what(kind)}`);
  if (typeof o.digest !== 'string') throw new DataError('digest: missing');
  if (o.digest !== runFileDigest(o)) {
    throw new DataError(
      `digest: does not match the content: the ${what(kind)} was edited or damaged after iommulab wrote it, and cannot be trusted; ` +
      (kind === 'iommulab-checkpoint' ? 'start the check over' : 'run that shard again'),
    );
  }
  const scenarios = list(o.scenarios, 'scenarios').map((n, i) => str(n, `scenarios[${i}]`));
  scenarios.forEach((n, i) => {
    if (scenarios.indexOf(n) !== i) throw new DataError(`scenarios[${i}]: "${n}" is listed twice`);
  });
  const origins = checkOrigins(o.origins, scenarios);
  const options = optionsFromJson(o.options, 'options');
  let shard: Shard | null = null;
  if (o.shard !== null) {
    const so = obj(o.shard, 'shard');
    const count = int(so.count, 'shard.count', 1);
    if (count > bounds.shards.max) throw new DataError(`shard.count: ${count} is above the maximum ${bounds.shards.max}`);
    const index = int(so.index, 'shard.index', 1);
    if (index > count) throw new DataError(`shard.index: ${index} is above shard.count ${count}`);
    shard = { index, count };
  }
  if (kind === 'iommulab-shard' && shard === null) throw new DataError('shard: null, but a shard result is the result of a --shard run');
  const family = familyFor(strategySpec(options));
  const progress = list(o.progress, 'progress').map((p, i) => checkProgress(p, `progress[${i}]`, scenarios, family));
  progress.forEach((p, i) => {
    if (progress.findIndex((q) => q.name === p.name) !== i) throw new DataError(`progress[${i}].name: "${p.name}" already has progress`);
    if (kind === 'iommulab-shard' && p.status !== 'shard') throw new DataError(`progress[${i}].status: ${p.status}, but a shard result holds finished shares only`);
    if (shard === null && p.status === 'shard') throw new DataError(`progress[${i}].status: shard, but this is not a --shard run`);
  });
  return { format: kind, scenarios, origins, options, shard, progress };
}

function checkOrigins(v: unknown, scenarios: readonly string[]): Record<string, ScenarioOrigin> {
  const o = obj(v, 'origins');
  // a scenario with an origin comes from a file; one without is a built-in (run-scenarios.ts)
  const out: Record<string, ScenarioOrigin> = {};
  for (const [name, x] of Object.entries(o)) {
    const path = `origins.${name}`;
    if (!scenarios.includes(name)) throw new DataError(`${path}: "${name}" is not one of the run's scenarios`);
    const e = obj(x, path);
    const file = str(e.file, `${path}.file`);
    if (!isAbsolute(file)) throw new DataError(`${path}.file: not an absolute path`);
    const sha256 = str(e.sha256, `${path}.sha256`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DataError(`${path}.sha256: not a SHA-256 in hex`);
    out[name] = { file, sha256 };
  }
  return out;
}
