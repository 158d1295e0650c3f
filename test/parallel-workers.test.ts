// Worker-count independence: the same search on 1, 2 and 3 workers (and the sequential engine)
// gives the same executions, steps, verdict and best counterexamples, including lock
// inversions whose dependencies come from different parts of the search.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { type ExploreResult, explore } from '../src/explorer/engine.js';
import { checkRangeProgress } from '../src/check/progress-json.js';
import { Coordinator, wholeRange } from '../src/explorer/parallel/coordinator.js';
import { exploreParallel, finishSearch, rangeOutcome } from '../src/explorer/parallel/explore-parallel.js';
import { familyFor, type StrategySpec } from '../src/explorer/parallel/family.js';
import { makePool, type SlicePool } from '../src/explorer/parallel/pool.js';
import { loadProgram } from '../src/explorer/parallel/program-source.js';
import { runSlice, type SearchSpec } from '../src/explorer/parallel/slice.js';
import { PctStrategy } from '../src/explorer/pct.js';
import { RandomStrategy } from '../src/explorer/random.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { noFaults } from '../src/rt/execution.js';
import { scenarioSource } from '../src/check/search-spec.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import { fixtureSource, programNamed } from './fixtures/programs.js';
import { essence } from './helpers/compare.js';
import { dfsAffordable, dfsCrossCheckFew } from './support/dfs-heavy.js';
import { representative } from './support/heavy.js';

const pools = new Map<number, SlicePool>();
function pool(workers: number): SlicePool {
  let p = pools.get(workers);
  if (p === undefined) pools.set(workers, (p = makePool(workers)));
  return p;
}
after(async () => {
  for (const p of pools.values()) await p.close();
});

/**
 * Three slots in this thread, slices of at most `per` executions (not time), and the `late`-th
 * slice handed back only after `hold` later ones (or when nothing else is in flight): the order
 * a loaded machine can produce, made deterministic.
 */
function latePool(per: number, late: number, hold: number): SlicePool {
  let started = 0;
  let inflight = 0;
  let since = 0;
  let held: (() => void) | null = null;
  const release = (): void => {
    const h = held;
    held = null;
    h?.();
  };
  return {
    size: 3,
    close: async () => {},
    run: (task) =>
      new Promise((resolve) => {
        const n = ++started;
        inflight++;
        setImmediate(() => {
          void loadProgram(task.source).then((program) => {
            const budget = { ...task.budget, maxExecutions: Math.min(task.budget.maxExecutions, per), timeMs: Infinity };
            const out = runSlice(program, task.search, task.state, budget);
            if (n === late) {
              held = () => {
                inflight--;
                resolve(out);
              };
              if (inflight === 1) release();
              return;
            }
            inflight--;
            if (held !== null && (++since >= hold || inflight === 1)) setImmediate(release);
            resolve(out);
          });
        });
      }),
  };
}

function spec(strategy: StrategySpec): SearchSpec {
  return { strategy, faults: noFaults, warnFails: true, maxSteps: 100_000, recordOps: false };
}

function sequential(name: string, strategy: Strategy, maxExecutions = 2_000_000): ExploreResult {
  return explore(programNamed(name)!, strategy, { maxExecutions, timeLimitMs: 600_000 });
}

async function onWorkers(name: string, s: StrategySpec, workers: number, maxExecutions = 2_000_000): Promise<ExploreResult> {
  // 1 ms slices: parts come back and are cut many times, the hardest case for the merge
  return exploreParallel(fixtureSource(name), spec(s), pool(workers), { maxExecutions, timeLimitMs: 600_000, sliceMs: 1 });
}

async function assertIndependent(name: string, s: StrategySpec, seq: ExploreResult, maxExecutions?: number): Promise<void> {
  const results = [];
  for (const w of [1, 2, 3]) {
    const r = await onWorkers(name, s, w, maxExecutions);
    assert.deepEqual(essence(r), essence(seq), `${name} on ${w} worker(s) differs from the sequential search`);
    results.push(r);
  }
  // the splats too (they are produced on worker threads for w > 1)
  for (const r of results.slice(1)) assert.deepEqual(essence(r, true), essence(results[0]!, true));
}

describe('parallel exploration does not depend on the number of workers', () => {
  const dfs: StrategySpec = { kind: 'dfs', preemptionBound: null };

  test('dfs, counterProgram(3,2,true): 90 executions, no violation', async () => {
    const seq = sequential('counter-3-2-locked', new DfsStrategy());
    assert.equal(seq.executions, 90);
    await assertIndependent('counter-3-2-locked', dfs, seq);
  });

  test('dfs, abba: lockdep and deadlock', async () => {
    const seq = sequential('abba', new DfsStrategy());
    assert.deepEqual(seq.found.map((c) => c.kind).sort(), ['deadlock', 'lockdep']);
    await assertIndependent('abba', dfs, seq);
  });

  test('dfs, lock inversions made of dependencies from different executions', async () => {
    const seq = sequential('lock-order', new DfsStrategy());
    assert.ok(seq.found.some((c) => c.kind === 'lockdep'));
    await assertIndependent('lock-order', dfs, seq);
  });

  test('dfs with a preemption bound (not exhaustive: pruned)', async () => {
    const seq = sequential('counter-3-2-unlocked', new DfsStrategy(1));
    assert.equal(seq.exhaustive, false);
    await assertIndependent('counter-3-2-unlocked', { kind: 'dfs', preemptionBound: 1 }, seq);
  });

  test('an execution cap falls at the same execution', async () => {
    const seq = sequential('counter-3-2-unlocked', new DfsStrategy(), 1500);
    assert.equal(seq.limitHit, true);
    assert.equal(seq.executions, 1500);
    await assertIndependent('counter-3-2-unlocked', dfs, seq, 1500);
  });

  test('an execution cap that falls inside slices joined behind a late one (the same executions, whatever the load)', async () => {
    // A slice that comes back late (a worker thread the machine did not run for a while) leaves
    // the slices after it done but not committed, and they are joined into one stretch; the cap
    // falling inside that stretch once made the coordinator explore again from the stretch's
    // first part alone, which ends with its subtree: the executions after it were lost and
    // later ones counted instead (1,494 occurrences against the sequential 1,482). A pool that
    // holds one slice back until 100 others are done makes this happen without timing.
    const seq = sequential('counter-3-2-unlocked', new DfsStrategy(), 1500);
    for (const late of [2, 3, 4]) {
      const r = await exploreParallel(fixtureSource('counter-3-2-unlocked'), spec(dfs), latePool(40, late, 100), {
        maxExecutions: 1500,
        timeLimitMs: 600_000,
        sliceMs: 1,
      });
      assert.deepEqual(essence(r), essence(seq), `slice ${late} late`);
    }
  });

  test('joined stretches saved mid-search (through JSON and the checkpoint reader) resume to the same capped result', async () => {
    const seq = sequential('counter-3-2-unlocked', new DfsStrategy(), 1500);
    const family = familyFor(dfs);
    let ranges = [wholeRange(family)];
    let withPieces: unknown[] | null = null;
    for (const stopAfter of [60, Infinity]) {
      const late = latePool(40, 2, 100);
      let slices = 0;
      const limits = { maxExecutions: 1500, deadline: Infinity, sliceMs: 1 };
      const c: Coordinator = new Coordinator(fixtureSource('counter-3-2-unlocked'), spec(dfs), ranges, limits);
      const counting: SlicePool = { ...late, run: (t) => late.run(t).finally(() => void (++slices === stopAfter && c.stop())) };
      await c.run(counting);
      const saved = JSON.parse(JSON.stringify(c.snapshot())) as unknown[];
      ranges = saved.map((r, i) => checkRangeProgress(r, `ranges[${i}]`, family));
      if (ranges.some((r) => r.done.some((d) => d.pieces !== undefined))) withPieces = saved;
    }
    assert.ok(withPieces !== null, 'the saved state had joined stretches');
    const r = await finishSearch(fixtureSource('counter-3-2-unlocked'), spec(dfs), ranges.map(rangeOutcome), 1500, 0);
    assert.deepEqual(essence(r), essence(seq));
    // a stretch whose pieces do not add up to it is refused, naming the field
    const bad = JSON.parse(JSON.stringify(withPieces[0])) as { done: Array<{ pieces?: Array<{ executions: number }> }> };
    const d = bad.done.findIndex((x) => x.pieces !== undefined);
    bad.done[d]!.pieces![0]!.executions += 1;
    assert.throws(() => checkRangeProgress(bad, 'ranges[0]', family), new RegExp(`ranges\\[0\\]\\.done\\[${d}\\]\\.pieces: \\d+ executions in the pieces`));
  });

  test('dpor: not cut, but saved at every slice end and resumed on whichever worker is free', async () => {
    for (const name of ['counter-3-2-unlocked', 'abba', 'lock-order']) {
      const seq = sequential(name, new DporStrategy());
      await assertIndependent(name, { kind: 'dpor' }, seq);
    }
  });

  test('random: executions split by index', async () => {
    const seq = sequential('counter-3-2-unlocked', new RandomStrategy(7, 3000));
    await assertIndependent('counter-3-2-unlocked', { kind: 'random', seed: 7, executions: 3000 }, seq);
  });

  test('the built-in scenarios (npm test: a representative few), with their own fault plans', async () => {
    for (const s of representative(dfsAffordable(builtinScenarios), dfsCrossCheckFew)) {
      const faults = s.faults ?? noFaults;
      const seq = explore(s.program, new DfsStrategy(), { faults, timeLimitMs: 600_000 });
      for (const w of [1, 2, 3]) {
        const search = { ...spec(dfs), faults };
        const limits = { maxExecutions: 2e6, timeLimitMs: 600_000, sliceMs: 1 };
        const r = await exploreParallel(scenarioSource(s.name), search, pool(w), limits);
        assert.deepEqual(essence(r), essence(seq), `${s.name} on ${w} worker(s)`);
      }
    }
  });

  test('a time limit stops every worker and reports what was explored', async () => {
    const limits = { maxExecutions: 2e6, timeLimitMs: 300, sliceMs: 50 };
    const r = await exploreParallel(fixtureSource('counter-4-2-unlocked'), spec(dfs), pool(2), limits);
    assert.equal(r.limitHit, true);
    assert.equal(r.exhaustive, false);
    assert.ok(r.executions > 0 && r.executions < 63_063_000);
    assert.deepEqual(r.found.map((c) => c.kind), ['assertion']);
  });

  test('pct: executions split at block boundaries', async () => {
    const seq = sequential('lock-order', new PctStrategy(3, 2500, 3));
    await assertIndependent('lock-order', { kind: 'pct', seed: 3, executions: 2500, depth: 3 }, seq);
  });
});
