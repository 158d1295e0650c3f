// Bounded DPOR (dpor-bounded.ts) against bounded DFS: for every bound, every class bounded DFS
// reaches (random programs, the examples), the same violation kinds and final states (also on
// every built-in scenario), no more executions, and none over the bound. Programs where DPOR
// plus the bound misses what bounded DFS finds without the extra points; the CLI.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultCheckOptions } from '../src/check/check.js';
import { strategySpec } from '../src/check/search-spec.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { explore } from '../src/explorer/engine.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { sweepNth } from '../src/explorer/faults.js';
import type { Strategy } from '../src/explorer/strategy.js';
import type { FaultPlan, Program } from '../src/rt/execution.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import { examplePrograms, faultModes } from './support/examples.js';
import { compile, type MProgram, philosophers } from './dpor-model.js';
import { iommulab } from './support/cli.js';
import { programArb } from './support/random-program.js';
import { recordingClasses } from './support/trace-class.js';
import { dfsAffordable, dfsCrossCheckFew } from './support/dfs-heavy.js';
import { representative } from './support/heavy.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- programs of any world type
type AnyProgram = Program<any>;

interface Outcome {
  readonly kinds: string;
  readonly finals: readonly string[];
  readonly classes: ReadonlySet<string>;
  readonly executions: number;
  /** most preemptions of any execution run */
  readonly most: number;
  readonly exhaustive: boolean;
}

/** Run a search to its end, recording each finished execution's final state (by `finalOf`). */
type Observed = (finals: Set<string>) => AnyProgram;

function search(program: AnyProgram, make: () => Strategy, faults: FaultPlan, finalOf?: Observed): Outcome {
  const finals = new Set<string>();
  const classes = new Set<string>();
  let most = 0;
  const watch = (inner: Strategy): Strategy => ({
    name: inner.name,
    recordsOps: inner.recordsOps === true,
    get exhaustive(): boolean {
      return inner.exhaustive;
    },
    next: () => inner.next(),
    finished(exec) {
      inner.finished(exec);
      most = Math.max(most, exec.preemptions);
      if (finalOf === undefined) finals.add(JSON.stringify(exec.threads.map((t) => t.result ?? null)));
    },
  });
  const p = finalOf === undefined ? program : finalOf(finals);
  const opts = { faults, timeLimitMs: 600_000 };
  const run = (): Strategy => watch(recordingClasses(make(), classes));
  const r = faults.mode === 'nth' ? sweepNth(p, run, opts) : explore(p, run(), opts);
  assert.equal(r.limitHit, false);
  const kinds = r.found.map((c) => c.kind).sort().join(',');
  return { kinds, finals: [...finals].sort(), classes, executions: r.executions, most, exhaustive: r.exhaustive };
}

/** Bounded DPOR agrees with bounded DFS at bound k. */
function agree(name: string, program: AnyProgram, k: number, faults: FaultPlan, finalOf?: Observed): Outcome {
  const dfs = search(program, () => new DfsStrategy(k), faults, finalOf);
  const dpor = search(program, () => new BoundedDporStrategy(k), faults, finalOf);
  assert.equal(dpor.kinds, dfs.kinds, `${name} k=${k}: violation kinds`);
  assert.deepEqual(dpor.finals, dfs.finals, `${name} k=${k}: final states`);
  assert.ok(dpor.executions <= dfs.executions, `${name} k=${k}: dpor ${dpor.executions} > dfs ${dfs.executions}`);
  assert.ok(dpor.most <= k, `${name} k=${k}: an execution had ${dpor.most} preemptions`);
  // fail_nth numbers allocations across the sweep's searches: classes only within one search
  if (faults.mode !== 'nth') for (const c of dfs.classes) assert.ok(dpor.classes.has(c), `${name} k=${k}: class not explored: ${c}`);
  if (dpor.exhaustive) {
    // nothing was cut by the bound: then it covered every class, bounded or not
    const all = search(program, () => new DporStrategy(), faults, finalOf);
    assert.equal(dpor.kinds, all.kinds, `${name} k=${k}: exhaustive, but not the kinds of unbounded dpor`);
    assert.deepEqual(dpor.finals, all.finals, `${name} k=${k}: exhaustive, but not the final states of unbounded dpor`);
  }
  return dpor;
}

function agreeRandom(p: MProgram, k: number, maxFailures: number): void {
  const faults: FaultPlan = maxFailures > 0 ? { mode: 'choice', maxFailures } : { mode: 'none' };
  agree('random', compile(p, new Set()), k, faults, (finals) => compile(p, finals) as AnyProgram);
}

const bounds = fc.integer({ min: 0, max: 3 });

describe('bounded dpor on random programs: as bounded dfs for bounds 0..3', () => {
  it('locks, reads and writes', () => {
    fc.assert(
      fc.property(programArb(false), bounds, (p, k) => agreeRandom(p, k, 0)),
      { numRuns: 150 },
    );
  });

  it('with completions and allocations that may fail (failures as choices)', () => {
    fc.assert(
      fc.property(programArb(true), bounds, fc.integer({ min: 0, max: 2 }), (p, k, failures) => agreeRandom(p, k, failures)),
      { numRuns: 120 },
    );
  });

  it('with WARN_ON and BUG_ON (an oops ends the execution)', () => {
    fc.assert(
      fc.property(programArb(true, true), bounds, fc.integer({ min: 0, max: 1 }), (p, k, f) => agreeRandom(p, k, f)),
      { numRuns: 100 },
    );
  });
});

describe('bounded dpor on the examples and built-in scenarios: as bounded dfs for bounds 0..2', () => {
  it('the built-in scenarios (npm test: a representative few), with their faults', () => {
    for (const s of representative(dfsAffordable(builtinScenarios), dfsCrossCheckFew)) for (const k of [0, 1, 2]) agree(s.name, s.program, k, s.faults ?? { mode: 'none' });
  });

  it('the examples under every fault mode, counters and philosophers', () => {
    for (const [name, p] of examplePrograms) for (const f of faultModes) for (const k of [0, 1, 2]) agree(`${name} ${f.mode}`, p, k, f);
    for (const k of [0, 1, 2]) {
      agree('counter(2,2)', counterProgram(2, 2, false), k, { mode: 'none' });
      agree('counter(3,1)', counterProgram(3, 1, false), k, { mode: 'none' });
      agree('counter(3,1) locked', counterProgram(3, 1, true), k, { mode: 'none' });
      const phil = philosophers(3);
      agree('philosophers(3)', compile(phil, new Set()), k, { mode: 'none' }, (finals) => compile(phil, finals) as AnyProgram);
    }
  });
});

describe('the extra points', () => {
  const none: FaultPlan = { mode: 'none' };
  const noPoints = { slideBack: false, coons: false };
  const onlyCoons = { slideBack: false, coons: true };
  const onlySlideBack = { slideBack: true, coons: false };

  // t0 writes v1, then v0; t1 WARNs if v0 is still 0. With no preemption the WARN needs t1 to
  // run first. DPOR runs t0 first, sees t1's read race with t0's second write and reverses it
  // in the middle of t0's run: a preemption, cut by the bound. Putting t1 at the start of t0's
  // run instead (Coons et al.'s block start; sliding t1 back over t0's first write) costs none.
  const warn: MProgram = {
    locks: 1,
    vars: 2,
    threads: [
      [
        { k: 'write', v: 1 },
        { k: 'write', v: 0 },
      ],
      [{ k: 'warn', v: 0 }],
    ],
  };

  it('without them, dpor plus the bound misses a WARN that bounded dfs finds', () => {
    assert.equal(search(compile(warn, new Set()), () => new DfsStrategy(0), none).kinds, 'warn');
    const naive = search(compile(warn, new Set()), () => new BoundedDporStrategy(0, noPoints), none);
    assert.equal(naive.kinds, '');
    assert.equal(naive.executions, 1);
  });

  it('with either kind of point it is found, with no preemption; the search says the bound cut it', () => {
    for (const points of [onlyCoons, onlySlideBack, undefined]) {
      const strategy = new BoundedDporStrategy(0, points);
      const r = explore(compile(warn, new Set()), strategy);
      assert.deepEqual(
        r.found.map((c) => [c.kind, c.preemptions]),
        [['warn', 0]],
      );
      assert.ok(strategy.stats.conservative > 0);
      assert.equal(r.exhaustive, false, 'a reversal was dropped by the bound');
      assert.equal(r.strategy, 'dpor(preemptions<=0)');
    }
  });

  // t2 takes and drops the lock, reads v1 and takes the lock again; t0 writes v1 and t1 reads it,
  // both before taking the lock. The deadlocked class where t1 reads before t0 writes, t0 writes
  // before t2 reads and t2 holds the lock at the end has one member within one preemption:
  // t2 locks; t1 reads (the preemption) and blocks on the lock; t0 writes and blocks; t2 goes on.
  // Races place t1 and t0 after t2's unlock, where they take the lock; the block start and the
  // last free switch are not between t2's lock and unlock either. Sliding back is.
  const squeeze: MProgram = {
    locks: 1,
    vars: 2,
    threads: [
      [
        { k: 'write', v: 1 },
        { k: 'lock', lock: 0 },
      ],
      [
        { k: 'read', v: 1 },
        { k: 'lock', lock: 0 },
        { k: 'read', v: 0 },
      ],
      [
        { k: 'lock', lock: 0 },
        { k: 'unlock', lock: 0 },
        { k: 'read', v: 1 },
        { k: 'lock', lock: 0 },
      ],
    ],
  };

  it('the points of Coons et al. alone miss a class that bounded dfs reaches; sliding back covers it', () => {
    const program = compile(squeeze, new Set());
    const dfs = search(program, () => new DfsStrategy(1), none);
    const coons = search(program, () => new BoundedDporStrategy(1, onlyCoons), none);
    const missed = [...dfs.classes].filter((c) => !coons.classes.has(c));
    assert.equal(missed.length, 1);
    assert.match(missed[0]!, /^0\.0 1\.0 2\.0 2\.1 2\.2 2\.3 \| /, 'the deadlock with t2 holding the lock');
    agree('squeeze', program, 1, none);
  });

  it('a bound the program never reaches cuts nothing: exhaustive, as unbounded dpor', () => {
    const r = explore(compile(warn, new Set()), new BoundedDporStrategy(5));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(
      r.found.map((c) => c.kind),
      ['warn'],
    );
  });
});

describe('iommulab check --preemption-bound with dpor', () => {
  it('workers, shards and checkpoints run it whole, as unbounded dpor', () => {
    const spec = strategySpec({ ...defaultCheckOptions, preemptionBound: 2 });
    assert.deepEqual(spec, { kind: 'dpor-bounded', preemptionBound: 2 });
    assert.deepEqual(strategySpec(defaultCheckOptions), { kind: 'dpor' });
    const family = familyFor(spec);
    assert.deepEqual(family.split(family.root()), ['whole']);
    assert.equal(family.create('whole').name, 'dpor(preemptions<=2)');
    assert.throws(() => family.check({ frames: [] }, 'run.json: progress[0].state'), /run\.json: progress\[0\]\.state: expected "whole"/);
  });

  it('runs bounded dpor by default and names it in the text and JSON reports', async () => {
    const text = await iommulab('check', 'lost-update', 'abba-deadlock', '--preemption-bound', '1', '--workers', '2');
    assert.equal(text.status, 0, text.stderr);
    const line = (name: string): string => text.stdout.split('\n').find((l) => l.startsWith(`ok   ${name} `)) ?? '';
    assert.match(line('lost-update'), /violation: assertion +\(expected violation: assertion; partial 4 exec of dpor\(preemptions<=1\), /);
    // no reversal there needs more than one preemption: nothing was cut, so it covered every class
    assert.match(line('abba-deadlock'), /violation: lockdep, deadlock +\(.*; exhaustive 4 exec of dpor\(preemptions<=1\), /);
    const json = await iommulab('check', 'lost-update', '--preemption-bound', '1', '--json');
    type Doc = { scenarios: { strategy: string; exhaustive: boolean; violations: { kind: string; preemptions: number }[] }[] };
    const doc = JSON.parse(json.stdout) as Doc;
    const o = doc.scenarios[0]!;
    assert.equal(o.strategy, 'dpor(preemptions<=1)');
    assert.equal(o.exhaustive, false, 'a bounded search is no proof for the unbounded one');
    assert.deepEqual(
      o.violations.map((v) => [v.kind, v.preemptions]),
      [['assertion', 1]],
    );
  });

  it('keeps allocation failures as choices under the bound', async () => {
    const r = await iommulab('check', 'checked-alloc', 'unchecked-alloc', '--preemption-bound', '0', '--faults', 'choice', '--json');
    const doc = JSON.parse(r.stdout) as { scenarios: { scenario: string; strategy: string; violations: { kind: string }[] }[] };
    assert.deepEqual(
      doc.scenarios.map((o) => [o.scenario, o.strategy, o.violations.map((v) => v.kind).join(',')]),
      [
        ['checked-alloc', 'dpor(preemptions<=0)', ''],
        ['unchecked-alloc', 'dpor(preemptions<=0)', 'null-deref'],
      ],
    );
  });
});
