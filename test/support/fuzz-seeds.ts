// The CLI's main() run in this process for the CLI fuzzer (test/cli-fuzz.test.ts), and the saved
// runs its cases edit (a checkpoint, one stopped mid-search, two shards), shared by its runner
// (fuzz-runner.ts) and its coverage tool (fuzz-cover.ts).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCheckOptions } from '../../src/check/check.js';
import { CheckRun } from '../../src/check/run.js';
import { runFileJson } from '../../src/check/run-file.js';
import { main } from '../../src/cli/main.js';
import { findScenario } from '../../src/scenarios/registry.js';
import type { Seeds } from './fuzz.js';

const home = process.cwd();

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  signal?: string | null;
  cpuMs?: number;
}

/** the command line through main(), in `dir`, capturing what it prints (and any Node warning) */
export async function inProcess(args: readonly string[], dir: string): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const log = console.log;
  const error = console.error;
  const warn = (w: Error): void => void (stderr += `Warning: ${w.name}: ${w.message}\n`);
  console.log = (...a: unknown[]) => void (stdout += `${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void (stderr += `${a.join(' ')}\n`);
  process.on('warning', warn);
  process.chdir(dir);
  const cpu = process.cpuUsage();
  const cpuMs = (): number => {
    const d = process.cpuUsage(cpu);
    return (d.user + d.system) / 1000;
  };
  try {
    const code = await main(args);
    return { code, stdout, stderr, cpuMs: cpuMs() };
  } catch (e) {
    // main() must not throw: report it as the stack a user would have seen
    return { code: null, stdout, stderr: `${stderr}${(e as Error).stack ?? String(e)}`, cpuMs: cpuMs() };
  } finally {
    process.chdir(home);
    process.off('warning', warn);
    console.log = log;
    console.error = error;
    process.exitCode = 0;
  }
}

/** the saved runs cases edit: made here, the same for every case of the run */
export async function makeSeeds(dir: string): Promise<Seeds> {
  mkdirSync(dir, { recursive: true });
  const at = (f: string): string => join(dir, f);
  const limits = ['--time-limit', '1', '--workers', '1'];
  await inProcess(['check', 'abba-deadlock', 'lost-update', '--strategy', 'dfs', ...limits, '--checkpoint', 'cp.json'], dir);
  for (const i of [1, 2]) await inProcess(['check', 'abba-deadlock', 'lost-update', '--shard', `${i}/2`, '--out', `s${i}.json`, ...limits], dir);
  // a random search stopped mid-way (of 2,000 executions: a resumed copy ends in tens of ms, not at its time limit)
  const s = findScenario('lost-update')!;
  const opts = { ...defaultCheckOptions, strategy: 'random' as const, executions: 2000, timeLimitMs: 1000 };
  const run = new CheckRun([s], opts, { workers: 1, sliceMs: 1, warmUpMs: 1, shard: null, savesMidSearch: true });
  const poll = setInterval(() => {
    const p = run.snapshot()[0];
    if (p?.status === 'search' && p.ranges.some((r) => r.committed.executions > 0)) run.interrupt();
  }, 1);
  await run.run(() => {});
  clearInterval(poll);
  const midSearch = runFileJson({ format: 'iommulab-checkpoint', scenarios: [s.name], origins: {}, options: opts, shard: null, progress: run.snapshot() });
  return { checkpoint: readFileSync(at('cp.json'), 'utf8'), midSearch, shards: [1, 2].map((i) => readFileSync(at(`s${i}.json`), 'utf8')) };
}
