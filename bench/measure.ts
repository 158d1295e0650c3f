// Measure one (program, strategy) pair: warm up, then take `reps` samples. A sample runs the
// whole search back to back until it has lasted at least `minSampleMs` (small searches finish
// in microseconds), so per-sample rates are not dominated by timer resolution. Medians over
// samples are reported. Meant to run in a fresh process per row (see row.ts), so that JIT type
// feedback from other programs and their memory do not leak into the figures.
import { explore } from '../src/explorer/engine.js';
import { FirstViolationClock } from './first-violation.js';
import type { BenchProgram } from './programs/catalogue.js';
import { median } from './stats.js';
import type { BenchStrategy } from './strategies.js';

export interface MeasureOptions {
  readonly reps: number;
  readonly minSampleMs: number;
  readonly warmupMs: number;
}

export interface RowResult {
  readonly program: string;
  readonly strategy: string;
  /** executions of one search */
  readonly executions: number;
  /** steps of one search */
  readonly steps: number;
  readonly execPerSec: number;
  /** the fastest sample: the least disturbed by other load, closest to an idle machine */
  readonly execPerSecBest: number;
  /**
   * executions per second of CPU time used by the process (all its threads, so GC and JIT
   * helpers count): less sensitive than wall time to other processes sharing the cores
   */
  readonly execPerCpuSec: number;
  readonly nsPerStep: number;
  /** median time of one search, ms */
  readonly finishMs: number;
  /** the first search of the process, before any warm-up (cold JIT), ms */
  readonly coldMs: number;
  /** median time from the start of a search to the end of its first failing execution, ms */
  readonly firstViolationMs: number | null;
  readonly firstViolationExecution: number | null;
  /** per kind, from one search: ms from its start to the end of the first execution with that kind */
  readonly firstByKind: Readonly<Record<string, { readonly ms: number; readonly execution: number }>>;
  readonly violations: readonly string[];
  readonly exhaustive: boolean;
  /** the search stopped at the program's execution cap */
  readonly capped: boolean;
  readonly cap: number | null;
  readonly samples: number;
  /** searches per sample */
  readonly searchesPerSample: number;
  /** all samples' executions per second, for spread */
  readonly execPerSecSamples: readonly number[];
  readonly maxRssMB: number;
  readonly baseRssMB: number;
  readonly heapUsedMB: number;
}

interface Search {
  readonly executions: number;
  readonly steps: number;
  readonly ms: number;
  readonly firstMs: number | null;
  readonly firstExec: number | null;
  readonly firstByKind: Record<string, { ms: number; execution: number }>;
  readonly violations: readonly string[];
  readonly exhaustive: boolean;
  readonly capped: boolean;
}

function search(p: BenchProgram, s: BenchStrategy, maxExecutions: number, timeLimitMs: number): Search {
  const clock = new FirstViolationClock(s.make());
  const start = performance.now();
  const r = explore(p.program, clock, {
    ...s.options,
    faults: p.faults,
    maxExecutions,
    timeLimitMs,
  });
  const ms = performance.now() - start;
  return {
    executions: r.executions,
    steps: r.steps,
    ms,
    firstMs: clock.at === null ? null : clock.at - start,
    firstExec: clock.execution,
    firstByKind: Object.fromEntries([...clock.byKind].map(([k, v]) => [k, { ms: v.at - start, execution: v.execution }])),
    violations: r.found.map((c) => c.kind),
    exhaustive: r.exhaustive,
    capped: r.limitHit,
  };
}

export function measure(p: BenchProgram, s: BenchStrategy, opts: MeasureOptions, baseRssMB: number): RowResult {
  const cap = Number.isFinite(p.cap) ? p.cap : Number.MAX_SAFE_INTEGER;
  const noTimeLimit = 1e12;
  const cold = search(p, s, cap, noTimeLimit);
  // warm-up: searches cut short by time, so big programs warm up as briefly as small ones
  const warmEnd = performance.now() + opts.warmupMs;
  while (performance.now() < warmEnd) search(p, s, cap, opts.warmupMs);
  const probe = search(p, s, cap, noTimeLimit);
  const perSample = Math.max(1, Math.ceil(opts.minSampleMs / Math.max(probe.ms, 1e-3)));
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const nsPerStep: number[] = [];
  const finish: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < opts.reps; i++) {
    let execs = 0;
    let steps = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let k = 0; k < perSample; k++) {
      const r = search(p, s, cap, noTimeLimit);
      execs += r.executions;
      steps += r.steps;
      if (r.firstMs !== null) firsts.push(r.firstMs);
    }
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    rates.push((execs * 1000) / ms);
    cpuRates.push((execs * 1e6) / Math.max(1, used.user + used.system));
    nsPerStep.push((ms * 1e6) / steps);
    finish.push(ms / perSample);
  }
  const mem = process.memoryUsage();
  return {
    program: p.name,
    strategy: s.name,
    executions: probe.executions,
    steps: probe.steps,
    execPerSec: median(rates),
    execPerSecBest: Math.max(...rates),
    execPerCpuSec: median(cpuRates),
    nsPerStep: median(nsPerStep),
    finishMs: median(finish),
    coldMs: cold.ms,
    firstViolationMs: firsts.length === 0 ? null : median(firsts),
    firstViolationExecution: probe.firstExec,
    firstByKind: probe.firstByKind,
    violations: probe.violations,
    exhaustive: probe.exhaustive,
    capped: probe.capped,
    cap: Number.isFinite(p.cap) ? p.cap : null,
    samples: opts.reps,
    searchesPerSample: perSample,
    execPerSecSamples: rates,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    baseRssMB,
    heapUsedMB: mem.heapUsed / 2 ** 20,
  };
}
