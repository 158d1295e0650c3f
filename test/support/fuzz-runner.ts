// A child process of test/cli-fuzz.test.ts: runs cases [from, to) of a fuzz run through the
// CLI's main() in this process (every EVERY-th as a real `iommulab` process), one JSON line per
// case on stdout ({"start": i} before it, so a case that hangs is known by its number).
//   node dist/test/support/fuzz-runner.js SEED FROM TO DIR EVERY [heavy]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCheckOptions } from '../../src/check/check.js';
import { CheckRun } from '../../src/check/run.js';
import { runFileJson } from '../../src/check/run-file.js';
import { main } from '../../src/cli/main.js';
import { findScenario } from '../../src/scenarios/registry.js';
import { corpus, makeCase, opPoolOf, runCase, type Seeds } from './fuzz.js';

const [seedArg, fromArg, toArg, dirArg, everyArg, heavyArg] = process.argv.slice(2);
const every = Number(everyArg);
const heavy = heavyArg === 'heavy';
const seed = Number(seedArg);
const from = Number(fromArg);
const to = Number(toArg);
const root = dirArg!;
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const home = process.cwd();

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  signal?: string | null;
  cpuMs?: number;
}

/** the command line through main(), in `dir`, capturing what it prints (and any Node warning) */
async function inProcess(args: readonly string[], dir: string): Promise<Ran> {
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

function child(limitMs: number) {
  return (args: readonly string[], dir: string): Promise<Ran> =>
    new Promise((resolve) => {
      const c = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => c.kill('SIGKILL'), limitMs + 5000);
      c.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
}

/** the saved runs cases edit: made here, the same for every case of the run */
async function makeSeeds(dir: string): Promise<Seeds> {
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

const texts = corpus();
const pool = opPoolOf(texts);
const seeds = await makeSeeds(join(root, 'seeds'));
for (let i = from; i < to; i++) {
  const c = makeCase(seed, i, texts, pool, seeds, heavy);
  console.log(JSON.stringify({ start: i }));
  const how = i % every === every - 1 ? child(c.limitMs) : inProcess;
  let cpuMs: number | undefined;
  const ran = async (args: readonly string[], dir: string): Promise<Ran> => {
    const r = await how(args, dir);
    cpuMs = r.cpuMs;
    return r;
  };
  const t0 = performance.now();
  // one directory for every case of this runner, emptied before each
  const { finding, code } = await runCase(c, join(root, 'case'), ran);
  const cpu = cpuMs === undefined ? null : Math.round(cpuMs);
  console.log(JSON.stringify({ done: i, ms: Math.round(performance.now() - t0), cpu, code, finding }));
}
process.exit(0);
