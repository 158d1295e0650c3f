// Executions per second of one exhaustive search on 1, 2, ... workers (the same result on each).
//   node dist/bench/parallel.js [max workers]
// On a shared machine the figures are rough indications only.
import { exploreParallel } from '../src/explorer/parallel/explore-parallel.js';
import { makePool } from '../src/explorer/parallel/pool.js';
import { noFaults } from '../src/rt/execution.js';
import { programsModule } from './programs.js';

const maxWorkers = Number(process.argv[2] ?? 2);
const spec = { strategy: { kind: 'dfs', preemptionBound: null } as const, faults: noFaults, warnFails: true, maxSteps: 1e5, recordOps: false };
// exhaustive: with an execution cap, workers past the cap's position would work for nothing
const source = { module: programsModule, name: 'counter-2-5-unlocked' };
for (let w = 1; w <= maxWorkers; w++) {
  const pool = makePool(w);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const r = await exploreParallel(source, spec, pool, { maxExecutions: 2e6, timeLimitMs: 3_600_000, sliceMs: 200 });
  const s = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await pool.close();
  const cpuS = (used.user + used.system) / 1e6;
  console.log(`${w} worker(s): ${r.executions} executions in ${s.toFixed(2)}s, ${Math.round(r.executions / s)} exec/s (CPU ${cpuS.toFixed(2)}s)`);
}
