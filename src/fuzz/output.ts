// The output folder of a fuzz campaign, like syzkaller's workdir: a marker file saying what it
// is, the state (resumable), the summary, and one folder per signature under crashes/ with the
// reproducer (a scenario file), the report and the signature. A folder that exists and is not a
// fuzz output is refused (nothing of the user's is overwritten) unless forced.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const markerFile = '.iommulab-fuzz';
export const markerText = 'iommulab fuzz output (state.json, summary.json, crashes/): safe to delete\n';

export class OutputError extends Error {}

export function isFuzzOutput(dir: string): boolean {
  return existsSync(join(dir, markerFile));
}

/** make `dir` a fuzz output, refusing a folder with other content unless `force` */
export function prepareOutput(dir: string, force: boolean): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new OutputError(`--out ${dir}: exists and is not a folder`);
    const entries = readdirSync(dir);
    if (entries.length > 0 && !isFuzzOutput(dir) && !force) {
      throw new OutputError(`--out ${dir}: the folder exists and is not an iommulab fuzz output (no ${markerFile}); give an empty or new folder, or --force to write into it`);
    }
  }
  mkdirSync(join(dir, 'crashes'), { recursive: true });
  writeFileSync(join(dir, markerFile), markerText);
}

/** write through a temporary file, so a reader never sees half a file */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** crashes/<words of the signature>-<hash>: readable, unique, safe on every file system */
export function crashDirName(signature: string): string {
  const hash = createHash('sha256').update(signature).digest('hex').slice(0, 10);
  const words = signature
    .replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${words}-${hash}`;
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
