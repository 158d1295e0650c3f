// The files iommulab writes (a report with --out, a shard result, a checkpoint) never replace a
// file that is not its own output of the same kind: the scenario file being checked, an input
// shard of a merge, a checkpoint when a report is written, a file of the user's. Only `--force`
// allows it, and not for a file the command itself reads. A path that exists and is not a
// regular file (a directory, a FIFO, a device) is never written. Every output is checked before the run starts, so a refusal costs nothing.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { FileReadError, readRegularFile } from '../scenarios/file/regular-file.js';
import { maxRunFileBytes } from './limits.js';

/** What a file iommulab writes is. */
export type OutputKind = 'report' | 'shard' | 'checkpoint' | 'junit' | 'html';

const kindText: Record<OutputKind, string> = {
  report: 'an iommulab report',
  shard: 'an iommulab shard result',
  checkpoint: 'an iommulab checkpoint',
  junit: 'an iommulab JUnit report',
  html: 'an iommulab HTML report',
};

/** What the head of an HTML report (report/html.ts) carries: the tool's mark. */
const htmlMark = new RegExp(
  '^<!DOCTYPE html>\\s*<html[^>]*>\\s*<head>\\s*<meta charset="utf-8">\\s*<meta name="generator" content="iommulab-report">',
);

/** An output that may not be written; the message names the file and says what to do. */
export class OutputRefused extends Error {}

/** A file this command reads, which it must not overwrite: its path and what it is to the user. */
export interface InputFile {
  readonly path: string;
  readonly what: string;
}

/** Which of iommulab's outputs the JSON at `file` is, or what else it is. */
export function kindOfFile(file: string): OutputKind | string {
  let text: string;
  try {
    text = readRegularFile(file, maxRunFileBytes).toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError) return `a file iommulab cannot read: ${e.message}`;
    throw e;
  }
  // check --junit's XML (report/junit.ts)
  if (/^<\?xml[^>]*\?>\s*<testsuites name="iommulab"/.test(text)) return 'junit';
  if (htmlMark.test(text.slice(0, 512))) return 'html';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'JSON of another program';
  const o = data as Record<string, unknown>;
  if (o.format === 'iommulab-checkpoint') return 'checkpoint';
  if (o.format === 'iommulab-shard') return 'shard';
  // a check's report (report/json.ts: format iommulab-check, version 2), or one of before the
  // format was versioned: { scenarios: [...], elapsedMs, ok }
  if (o.format === 'iommulab-check' || (Array.isArray(o.scenarios) && typeof o.ok === 'boolean' && o.format === undefined)) return 'report';
  return 'JSON of another program';
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * May this command write `kind` to `file`? Throws OutputRefused if not. `option` names the
 * option that gave the path (--out, --checkpoint) for the message.
 */
export interface OutputRules {
  readonly option: string;
  readonly force: boolean;
  readonly inputs: readonly InputFile[];
}

export function checkOutput(file: string, kind: OutputKind, opts: OutputRules): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputRefused(`${opts.option} ${file}: cannot write it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    checkDirectory(file, opts.option);
    return;
  }
  if (!st.isFile()) {
    const what = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
    throw new OutputRefused(`${opts.option} ${file}: is ${what}; iommulab writes only regular files`);
  }
  // not even with --force: the command reads that file, and would break its own run
  const input = opts.inputs.find((i) => sameFile(i.path, file));
  if (input !== undefined) throw new OutputRefused(`${opts.option} ${file}: is ${input.what}; refusing to replace it with ${kindText[kind]}: choose another path`);
  if (opts.force) return;
  const is = kindOfFile(file);
  if (is === kind) return;
  const isText = is in kindText ? kindText[is as OutputKind] : is;
  throw new OutputRefused(`${opts.option} ${file}: already exists and is not ${kindText[kind]} (it is ${isText}); refusing to replace it: choose another path, or give --force`);
}

function checkDirectory(file: string, option: string): void {
  const dir = dirname(file);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new OutputRefused(`${option} ${file}: cannot write it: directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new OutputRefused(`${option} ${file}: cannot write it: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new OutputRefused(`${option} ${file}: cannot write it: permission denied in ${dir}`);
  }
}

/** Two outputs of one command may not share a file. */
export function checkDistinct(outputs: ReadonlyArray<{ readonly option: string; readonly path: string }>): void {
  for (let i = 0; i < outputs.length; i++) {
    for (let j = i + 1; j < outputs.length; j++) {
      const a = outputs[i]!;
      const b = outputs[j]!;
      if (a.path === b.path || sameFile(a.path, b.path)) throw new OutputRefused(`${a.option} and ${b.option} name the same file ${a.path}`);
    }
  }
}
