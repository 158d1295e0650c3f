// Child process entry: measure one (program, strategy) pair and print its RowResult as JSON.
//   node dist/bench/row.js PROGRAM STRATEGY [REPS MIN_SAMPLE_MS WARMUP_MS]
// Also the handle for profiling one row: node --cpu-prof dist/bench/row.js lock-counter-2x2 dfs
import { measure } from './measure.js';
import { findBenchProgram } from './programs/catalogue.js';
import { findBenchStrategy } from './strategies.js';

const baseRssMB = process.memoryUsage.rss() / 2 ** 20;
const [name = '', strategyName = 'dfs', reps = '5', minSampleMs = '200', warmupMs = '200'] = process.argv.slice(2);
const program = findBenchProgram(name);
const strategy = findBenchStrategy(strategyName);
if (program === undefined || strategy === undefined) {
  console.error(`row: unknown ${program === undefined ? `program "${name}"` : `strategy "${strategyName}"`}`);
  process.exit(2);
}
const opts = { reps: Number(reps), minSampleMs: Number(minSampleMs), warmupMs: Number(warmupMs) };
const result = measure(program, strategy, opts, baseRssMB);
console.log(JSON.stringify(result));
