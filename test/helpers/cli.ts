// Running the iommulab command in a child process, as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function start(args: readonly string[], cwd: string): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function iommulab(args: readonly string[], cwd: string): Promise<Ran> {
  return start(args, cwd).done;
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'iommulab-test-'));
}

/**
 * A check's JSON without what differs from run to run: time, and the frames of this test's own
 * functions at the bottom of call traces (present when main() runs in the test's process).
 */
export function timeless(json: string): unknown {
  return JSON.parse(json, (k, v: unknown) => {
    // wall-clock figures: the time a search took, and when it first saw each violation
    if (k === 'elapsedMs' || k === 'executionsPerSecond' || k === 'firstSeconds' || k === 'firstMs' || k === 'ms') return undefined;
    if (typeof v === 'string') return v.replace(/^.*\(test\/.*\n/gm, '');
    if (k === 'stack' && Array.isArray(v)) return v.filter((f: { where: string }) => !f.where.startsWith('test/'));
    return v;
  });
}

/** Run the CLI's main() in this process (no process start-up), capturing what it prints. */
export async function inProcess(args: readonly string[]): Promise<Ran> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void (stdout += `${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void (stderr += `${a.join(' ')}\n`);
  try {
    const code = await main(args);
    return { code, signal: null, stdout, stderr };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = 0;
  }
}
