// `node dist/bench/bounded.js [NAME...]`: executions of bounded DFS against bounded DPOR
// (explorer/dpor-bounded.ts) for preemption bounds 0..3, with unbounded DPOR and DFS for scale,
// on the bench programs (or those named: a prefix such as "philosophers" works). Executions are
// the figure of merit (they do not depend on the machine); the time is the whole search's.
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { explore } from '../src/explorer/engine.js';
import { sweepNth } from '../src/explorer/faults.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { type BenchProgram, benchPrograms } from './programs/catalogue.js';

/** searches stop here: a capped count is printed with a "+" */
const CAP = 200_000;

function count(p: BenchProgram, make: () => Strategy): string {
  const opts = { faults: p.faults, maxExecutions: CAP, timeLimitMs: 120_000 };
  const t0 = performance.now();
  const r = p.faults.mode === 'nth' ? sweepNth(p.program, make, opts) : explore(p.program, make(), opts);
  const ms = performance.now() - t0;
  return `${r.executions.toLocaleString('en-US')}${r.limitHit ? '+' : ''} (${ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`})`;
}

const names = process.argv.slice(2);
const chosen = benchPrograms.filter((p) => names.length === 0 || names.some((n) => p.name === n || p.name.startsWith(`${n}-`)));
console.log('| program | K | bounded dfs | bounded dpor |');
console.log('| --- | --- | --- | --- |');
for (const p of chosen) {
  for (const k of [0, 1, 2, 3]) {
    console.log(`| ${p.name} | ${k} | ${count(p, () => new DfsStrategy(k))} | ${count(p, () => new BoundedDporStrategy(k))} |`);
  }
  console.log(`| ${p.name} | none | ${count(p, () => new DfsStrategy())} | ${count(p, () => new DporStrategy())} (optimal) |`);
}
