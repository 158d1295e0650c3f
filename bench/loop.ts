// A fixed amount of work for instruction counting and profiling: run one program's search
// SEARCHES times (or, with SEARCHES = 0, not at all, so a second run measures startup alone).
//   node dist/bench/loop.js PROGRAM SEARCHES [STRATEGY]
// bench/instructions.sh turns two such runs into instructions per execution.
import { explore } from '../src/explorer/engine.js';
import { findBenchProgram } from './programs/catalogue.js';
import { findBenchStrategy } from './strategies.js';

const [name = 'lock-counter-2x2', searches = '1000', strategyName = 'dfs'] = process.argv.slice(2);
const p = findBenchProgram(name);
const s = findBenchStrategy(strategyName);
if (p === undefined || s === undefined) {
  console.error(`loop: unknown program "${name}" or strategy "${strategyName}"`);
  process.exit(2);
}
let executions = 0;
let steps = 0;
const maxExecutions = Number.isFinite(p.cap) ? p.cap : Number.MAX_SAFE_INTEGER;
for (let i = 0; i < Number(searches); i++) {
  const r = explore(p.program, s.make(), { ...s.options, faults: p.faults, maxExecutions, timeLimitMs: 1e12 });
  executions += r.executions;
  steps += r.steps;
}
console.log(JSON.stringify({ executions, steps }));
