// Each search of a per-program plan, alone, on the programs of one finding's shape (or on
// ordinary programs): how soon it shows the finding's signature, and what it costs.
//
//   node dist/bench/search-plan.js [--finding F15] [--programs 20000] [--sample 12] [--seed 1]
//        [--searches random:120,pct2:60,pct3:60,dfs1:60,dfs2:600,bdpor2:600] [--ordinary 0] [--json]
//   node dist/bench/search-plan.js --plan 60 [--factor 1]
//
// Programs are the campaign's fresh ones (bench/fuzz-shapes.ts freshProgram()); each search runs
// with the seed the campaign's plan would give it (search.ts: deriveSeed(searchSeed, k)), no
// faults. `--ordinary N` also runs every search on the first N programs of no particular shape
// and reports their executions and wall time (the cost side). `--plan N` instead searches the
// first N fresh programs with the campaign's whole plan (search.ts, faults as the campaign draws
// them) under the default budget and under it with `dfsSleepFactor` = `--factor` (default 1):
// executions, wall time, and how many programs had a thread asleep at a choice point.
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { PctStrategy } from '../src/explorer/pct.js';
import { RandomStrategy } from '../src/explorer/random.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { programFaults, searchSeed } from '../src/fuzz/campaign.js';
import { defaultFuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import { keyedReports } from '../src/fuzz/primary.js';
import { deriveSeed } from '../src/fuzz/rand.js';
import { searchProgram } from '../src/fuzz/search.js';
import { signatureOf } from '../src/fuzz/signature.js';
import type { Execution } from '../src/rt/execution.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';
import { countShapes, findingSignatures, freshProgram } from './fuzz-shapes.js';

interface Run {
  readonly search: string;
  readonly k: number;
  /** 1-based execution that first showed the signature, or null */
  readonly first: number | null;
  readonly hits: number;
  readonly executions: number;
  readonly steps: number;
  readonly ms: number;
  readonly threads: number;
  readonly ops: number;
}

function strategyFor(name: string, n: number, seed: number): Strategy {
  const m = /^(random|pct|dfs|bdpor)(\d*)$/.exec(name);
  if (m === null) throw new Error(`unknown search ${name}`);
  const arg = Number(m[2] || '0');
  const seedFor = (i: number): number => deriveSeed(seed, i);
  switch (m[1]) {
    case 'random': return new RandomStrategy(seedFor(1), n);
    case 'pct': return new PctStrategy(seedFor(10 + Math.max(0, arg - 2)), n, arg);
    case 'dfs': return new DfsStrategy(arg);
    default: return new BoundedDporStrategy(arg);
  }
}

function runOne(k: number, search: string, n: number, sig: RegExp | null): Run {
  const cs = { seed: 1, shard: null, config: defaultFuzzConfig, faults: [] } as unknown as Parameters<typeof searchSeed>[0];
  const p = freshProgram(defaultFuzzConfig, 1, k);
  const { spec } = finalize(p, `plan-${k}`);
  const program = iommuScenario(spec).program;
  const inner = strategyFor(search.split(':')[0]!, n, searchSeed(cs, k));
  let executions = 0;
  let first: number | null = null;
  let hits = 0;
  const watch: Strategy = {
    name: inner.name,
    get exhaustive() {
      return inner.exhaustive;
    },
    recordsOps: inner.recordsOps,
    next: () => inner.next(),
    finished: (exec: Execution, d) => {
      inner.finished(exec, d);
      executions++;
      if (sig === null) return;
      if (keyedReports(exec.violations).some((v) => sig.test(signatureOf(v)))) {
        hits++;
        first ??= executions;
      }
    },
  };
  const t0 = performance.now();
  const maxSteps = defaultFuzzConfig.search.maxSteps;
  const r = explore(program, watch, { maxExecutions: n, maxSteps, timeLimitMs: Number.POSITIVE_INFINITY });
  const ms = performance.now() - t0;
  const ops = spec.threads.reduce((a, t) => a + t.ops.length, 0);
  return { search, k, first, hits, executions: r.executions, steps: r.steps, ms, threads: spec.threads.length, ops };
}

/** the campaign's plan on programs 0..n-1 under two budgets: the default and dfsSleepFactor = factor */
function plan(n: number, factor: number): void {
  const cs = { seed: 1, shard: null, config: defaultFuzzConfig, faults: ['nth', 'choice'] } as unknown as Parameters<typeof searchSeed>[0];
  const budgets = { default: defaultFuzzConfig.search, [`factor ${factor}`]: { ...defaultFuzzConfig.search, dfsSleepFactor: factor } };
  const total: Record<string, { executions: number; ms: number; dfs: number }> = {};
  let slept = 0;
  for (let k = 0; k < n; k++) {
    const p = freshProgram(defaultFuzzConfig, 1, k);
    const { spec } = finalize(p, `plan-${k}`);
    const program = iommuScenario(spec).program;
    const line: string[] = [];
    for (const [name, budget] of Object.entries(budgets)) {
      const o = { faults: programFaults(cs, k), seed: searchSeed(cs, k) };
      const t0 = performance.now();
      const out = searchProgram(spec, program, { budget, ...o });
      const ms = performance.now() - t0;
      // the DFS's share: the same plan without it
      const noDfs = searchProgram(spec, program, { budget: { ...budget, dfsBounds: [] }, ...o });
      const dfs = out.executions - noDfs.executions;
      const sleeps = dfs > budget.dfsExecutions;
      const t = (total[name] ??= { executions: 0, ms: 0, dfs: 0 });
      t.executions += out.executions;
      t.ms += ms;
      t.dfs += dfs;
      if (name === 'default' && sleeps) slept++;
      line.push(`${name}: ${out.executions} executions (dfs ${dfs}) ${ms.toFixed(0)} ms`);
    }
    console.log(`k=${k} ${line.join('; ')}`);
  }
  for (const [name, t] of Object.entries(total)) console.log(`${name}: ${n} programs, ${t.executions} executions (dfs ${t.dfs}), ${(t.ms / 1000).toFixed(1)} s`);
  console.log(`programs whose DFS got more than dfsExecutions (a thread asleep at a choice point): ${slept}`);
}

function main(): void {
  const args = process.argv.slice(2);
  const arg = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1]! : def;
  };
  if (args.includes('--plan')) {
    plan(Number(arg('plan', '60')), Number(arg('factor', '1')));
    return;
  }
  const finding = arg('finding', 'F15');
  const sig = findingSignatures[finding] ?? null;
  const searches = arg('searches', 'random:120,pct2:60,pct3:60,dfs1:60,dfs2:600,bdpor2:600').split(',');
  const sample = Number(arg('sample', '12'));
  const ordinary = Number(arg('ordinary', '0'));
  const skip = Number(arg('skip', '0'));
  const c = countShapes(defaultFuzzConfig, 1, Number(arg('programs', '20000')));
  const shaped = c.shaped[finding]!.slice(skip, skip + sample);
  const runs: Run[] = [];
  for (const k of shaped) {
    for (const s of searches) {
      const r = runOne(k, s, Number(s.split(':')[1] ?? '600'), sig);
      runs.push(r);
      if (!args.includes('--json')) {
        console.log(`${finding} k=${k} threads=${r.threads} ops=${r.ops} ${s.padEnd(12)} first=${r.first ?? '-'} hits=${r.hits}/${r.executions} ${r.ms.toFixed(0)}ms`);
      }
    }
  }
  const cost: Run[] = [];
  for (let k = 0; k < ordinary; k++) {
    for (const s of searches) {
      const r = runOne(k, s, Number(s.split(':')[1] ?? '600'), null);
      cost.push(r);
      if (!args.includes('--json')) console.log(`ordinary k=${k} threads=${r.threads} ops=${r.ops} ${s.padEnd(12)} execs=${r.executions} ${r.ms.toFixed(0)}ms`);
    }
  }
  if (args.includes('--json')) console.log(JSON.stringify({ finding, shaped, runs, cost }, null, 1));
  else {
    for (const s of searches) {
      const rs = runs.filter((r) => r.search === s);
      const os = cost.filter((r) => r.search === s);
      const ms = (xs: Run[]): number => xs.reduce((a, r) => a + r.ms, 0);
      console.log(`${s.padEnd(12)} shows ${finding} in ${rs.filter((r) => r.first !== null).length}/${rs.length}` +
        ` (first at ${rs.filter((r) => r.first !== null).map((r) => r.first).join(',') || '-'}), ${ms(rs).toFixed(0)} ms on them;` +
        ` ordinary: ${os.length} programs, ${os.reduce((a, r) => a + r.executions, 0)} executions, ${ms(os).toFixed(0)} ms`);
    }
  }
}

if (process.argv[1]?.endsWith('search-plan.js')) main();
