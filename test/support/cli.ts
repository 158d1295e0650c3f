// Run the built `iommulab` command as a user would: a child process, its exit code and output.
// Asynchronous, so a suite can run its commands side by side.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// this file runs from dist/test/support/, the command from dist/src/cli/
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function iommulab(...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** A JS stack trace leaking to the user ("    at fn (file:line:col)"). */
export const stackTrace = /^\s+at .+[:(]\d+/m;
