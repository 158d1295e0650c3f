// A child process of test/cli-fuzz.test.ts: runs cases of a fuzz run through the CLI's main()
// in this process (every case whose index is EVERY-1 modulo EVERY as a real `iommulab` process),
// one JSON line per case on stdout ({"start": i} before it, so a case that hangs is known by its
// number). INDEXES: ranges FROM-TO (TO excluded), comma-separated.
//   node dist/test/support/fuzz-runner.js SEED INDEXES DIR EVERY [heavy]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpus, makeCase, opPoolOf, runCase } from './fuzz.js';
import { inProcess, makeSeeds, type Ran } from './fuzz-seeds.js';

const [seedArg, indexesArg, dirArg, everyArg, heavyArg] = process.argv.slice(2);
const every = Number(everyArg);
const heavy = heavyArg === 'heavy';
const seed = Number(seedArg);
const indexes = indexesArg!.split(',').filter((r) => r !== '').flatMap((r) => {
  const [from, to] = r.split('-').map(Number) as [number, number];
  return Array.from({ length: to - from }, (_, i) => from + i);
});
const root = dirArg!;
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

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

const texts = corpus();
const pool = opPoolOf(texts);
const seeds = await makeSeeds(join(root, 'seeds'));
for (const i of indexes) {
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
