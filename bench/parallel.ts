// Executions per second of one exhaustive search on 1, 2, ... workers (the same result on each).
//   node dist/bench/parallel.js [max workers] [program] [trials]
// Trials alternate the worker counts (1, 2, 1, 2, ...) so that a shared machine's drift hits
// every count alike; the speedup is the median of each trial's ratio to its own 1-worker run.
import { exploreParallel } from '../src/explorer/parallel/explore-parallel.js';
import { makePool } from '../src/explorer/parallel/pool.js';
import { noFaults } from '../src/rt/execution.js';
import { programNamed, programsModule } from './programs.js';

const maxWorkers = Number(process.argv[2] ?? 2);
const name = process.argv[3] ?? 'counter-2-5-unlocked';
const trials = Number(process.argv[4] ?? 1);
if (programNamed(name) === undefined) {
  console.error(`bench/parallel: no program named "${name}" in bench/programs.ts`);
  process.exit(2);
}
const spec = { strategy: { kind: 'dfs', preemptionBound: null } as const, faults: noFaults, warnFails: true, maxSteps: 1e5, recordOps: false };
// exhaustive: with an execution cap, workers past the cap's position would work for nothing
const source = { module: programsModule, name };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const rates: number[][] = Array.from({ length: maxWorkers + 1 }, () => []);
let executions = -1;
for (let t = 1; t <= trials; t++) {
  for (let w = 1; w <= maxWorkers; w++) {
    const pool = makePool(w);
    const start = performance.now();
    const cpu = process.cpuUsage();
    const r = await exploreParallel(source, spec, pool, { maxExecutions: 1e9, timeLimitMs: 3_600_000, sliceMs: 200 });
    const s = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    await pool.close();
    if (executions >= 0 && r.executions !== executions) throw new Error(`${w} workers explored ${r.executions} executions, not ${executions}`);
    executions = r.executions;
    const rate = r.executions / s;
    rates[w]!.push(rate);
    const cpuS = (used.user + used.system) / 1e6;
    console.log(`trial ${t}, ${w} worker(s): ${r.executions} executions in ${s.toFixed(2)}s, ${Math.round(rate)} exec/s (CPU ${cpuS.toFixed(2)}s)`);
  }
}
if (trials > 1 || maxWorkers > 1) {
  console.log(`${name}, ${executions} executions, ${trials} trial(s):`);
  for (let w = 1; w <= maxWorkers; w++) {
    const ratios = rates[w]!.map((r, i) => r / rates[1]![i]!);
    const speedup = w === 1 ? '' : `, speedup over 1 worker: median ${median(ratios).toFixed(2)}x (trials: ${ratios.map((x) => x.toFixed(2)).join(', ')})`;
    console.log(`  ${w} worker(s): median ${Math.round(median(rates[w]!))} exec/s${speedup}`);
  }
}
