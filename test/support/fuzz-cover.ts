// Which code blocks each case of the CLI fuzzer runs, by V8's block coverage: blocks of the case
// generator (fuzz.ts) and of the tool itself (src/), as the case is made and run through main()
// in this process. The suite's run of test/cli-fuzz.test.ts takes the first N cases of its seed
// plus the further cases this prints: picked greedily from cases N..POOL-1, they run every block
// that cases 0..POOL-1 run and the first N do not. Prints what the first N miss, the further
// cases, and what no case of the pool runs.
//   npx tsc -p tsconfig.json && node dist/test/support/fuzz-cover.js [SEED [N [POOL]]]
// (defaults: seed 12, N 300, POOL 3000; a few minutes). The list goes into test/cli-fuzz.test.ts.
// (Cases a runner starts as a real process, and worker threads, are not seen here: a run of the
// test under NODE_V8_COVERAGE compares the whole, see docs/PERFORMANCE.md.)
import { Session } from 'node:inspector/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [seedArg, nArg, poolArg] = process.argv.slice(2);
const seed = Number(seedArg ?? 12);
const first = Number(nArg ?? 300);
const poolSize = Number(poolArg ?? 3000);

const generator = new URL('./fuzz.js', import.meta.url).href;
const srcRoot = new URL('../../src/', import.meta.url).href;
const watched = (url: string): boolean => url === generator || url.startsWith(srcRoot);

// coverage on before the generator and the tool are loaded, so each of their functions counts blocks
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
const { corpus, makeCase, opPoolOf, runCase } = await import('./fuzz.js');
const { inProcess, makeSeeds } = await import('./fuzz-seeds.js');

const dir = mkdtempSync(join(tmpdir(), 'iommulab-fuzz-cover-'));
const seeds = await makeSeeds(join(dir, 'seeds'));
const texts = corpus();
const pool = opPoolOf(texts);

/** url -> index; a case's report: per url index, its ranges as [start, end, count] triples */
const urls: string[] = [];
const urlIndex = new Map<string, number>();
type Report = Map<number, Int32Array>;
async function take(): Promise<Report> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  const report: Report = new Map();
  for (const s of result) {
    if (!watched(s.url)) continue;
    const ranges = s.functions.flatMap((f) => f.ranges);
    if (ranges.every((r) => r.count === 0)) continue;
    let u = urlIndex.get(s.url);
    if (u === undefined) {
      u = urls.push(s.url) - 1;
      urlIndex.set(s.url, u);
    }
    report.set(u, Int32Array.from(ranges.flatMap((r) => [r.startOffset, r.endOffset, Math.min(r.count, 1)])));
  }
  return report;
}
await take();

const reports: Report[] = [];
for (let i = 0; i < poolSize; i++) {
  const c = makeCase(seed, i, texts, pool, seeds, false);
  await runCase(c, join(dir, 'case'), inProcess);
  reports.push(await take());
  if (i % 500 === 499) console.error(`${i + 1} cases`);
}
session.disconnect();
rmSync(dir, { recursive: true, force: true });

// A block is a range V8 reported in any case. V8 leaves out a nested range whose count equals
// its parent's, so a case ran a block if the innermost range of its report that holds the
// block has a count above 0.
const blocks: Array<Map<string, [number, number]>> = urls.map(() => new Map());
for (const r of reports) {
  for (const [u, t] of r) for (let k = 0; k < t.length; k += 3) blocks[u]!.set(`${t[k]}-${t[k + 1]}`, [t[k]!, t[k + 1]!]);
}
function ran(r: Report): Set<string> {
  const out = new Set<string>();
  for (const [u, t] of r) {
    for (const [key, [s, e]] of blocks[u]!) {
      let best = -1;
      for (let k = 0; k < t.length; k += 3) {
        if (t[k]! <= s && e <= t[k + 1]! && (best < 0 || t[k + 1]! - t[k]! < t[best + 1]! - t[best]!)) best = k;
      }
      if (best >= 0 && t[best + 2]! > 0) out.add(`${u}:${key}`);
    }
  }
  return out;
}
const covered = reports.map(ran);
const union = (sets: ReadonlyArray<Set<string>>): Set<string> => new Set(sets.flatMap((s) => [...s]));

const sources = new Map<number, string>();
const show = (k: string): string => {
  const [u, s, e] = k.split(/[:-]/).map(Number) as [number, number, number];
  if (!sources.has(u)) sources.set(u, readFileSync(fileURLToPath(urls[u]!), 'utf8'));
  const text = sources.get(u)!;
  const file = urls[u]!.replace(/^.*\/dist\//, '');
  return `${file}:${text.slice(0, s).split('\n').length}: ${text.slice(s, Math.min(e, s + 60)).replace(/\s+/g, ' ')}`;
};

const inPool = union(covered);
const inFirst = union(covered.slice(0, first));
const missing = new Set([...inPool].filter((k) => !inFirst.has(k)));
let total = 0;
for (const b of blocks) total += b.size;
const gen = (k: string): boolean => urls[Number(k.split(':')[0])] === generator;
const count = (s: Set<string>): string => `${s.size} (generator ${[...s].filter(gen).length})`;
console.log(`seed ${seed}: ${total} blocks seen in ${urls.length} files; cases 0..${poolSize - 1} run ${count(inPool)}, cases 0..${first - 1} run ${count(inFirst)}`);
for (const k of missing) console.log(`  missed by the first ${first}: ${show(k)}`);

// greedy: the further case that runs most of what is still missing, until nothing is
const extra: number[] = [];
while (missing.size > 0) {
  let best = -1;
  let gain = 0;
  for (let i = first; i < poolSize; i++) {
    let g = 0;
    for (const k of covered[i]!) if (missing.has(k)) g++;
    if (g > gain) [best, gain] = [i, g];
  }
  extra.push(best);
  for (const k of covered[best]!) missing.delete(k);
}
extra.sort((a, b) => a - b);
console.log(`further cases (${extra.length}): [${extra.join(', ')}]`);
console.log(`with them: ${count(union([...covered.slice(0, first), ...extra.map((i) => covered[i]!)]))}`);
