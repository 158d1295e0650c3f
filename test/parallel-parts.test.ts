// The pieces under the parallel layer: resumable strategies, cutting states into parts,
// concatenating ranges, and the total order of counterexamples.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DfsStrategy, type DfsState } from '../src/explorer/dfs.js';
import { compareCounterexamples, FoundSet } from '../src/explorer/found.js';
import { familyFor, type StrategySpec } from '../src/explorer/parallel/family.js';
import { compareKeys } from '../src/explorer/parallel/key.js';
import { concatRanges, emptyRange } from '../src/explorer/parallel/range.js';
import { runSlice, type SearchSpec } from '../src/explorer/parallel/slice.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { Execution, noFaults } from '../src/rt/execution.js';
import { LockdepGraph } from '../src/rt/lockdep.js';
import { programNamed } from './fixtures/programs.js';

const program = programNamed('counter-3-2-locked')!;

/** The choice sequences a strategy explores, in order. */
function schedules(strategy: Strategy, limit = Infinity): string[] {
  const out: string[] = [];
  const lockdep = new LockdepGraph();
  const recordOps = strategy.recordsOps === true;
  for (let c = strategy.next(); c !== null && out.length < limit; c = out.length < limit ? strategy.next() : null) {
    const opts = { faults: noFaults, lockdep, warnFails: true, trace: false, recordOps, maxSteps: 1e5 };
    const exec = new Execution(program, c, opts);
    exec.run();
    strategy.finished(exec);
    out.push(exec.choices.join('.'));
  }
  return out;
}

const specs: StrategySpec[] = [
  { kind: 'dpor' },
  { kind: 'dfs', preemptionBound: null },
  { kind: 'dfs', preemptionBound: 1 },
  { kind: 'random', seed: 5, executions: 300 },
  { kind: 'pct', seed: 5, executions: 2100, depth: 3 },
];

describe('resumable strategies', () => {
  for (const s of specs) {
    test(`${JSON.stringify(s)}: saved and resumed at any point, it goes on exactly`, () => {
      const family = familyFor(s);
      const whole = schedules(family.create(family.root()));
      fc.assert(
        fc.property(fc.integer({ min: 1, max: whole.length }), (k) => {
          const first = family.create(family.root());
          const head = schedules(first, k);
          const state = first.save!();
          const tail = state === null ? [] : schedules(family.create(JSON.parse(JSON.stringify(state))));
          assert.deepEqual([...head, ...tail], whole);
        }),
        { numRuns: 8 },
      );
    });

    test(`${JSON.stringify(s)}: the parts of a cut state cover its executions, in key order`, () => {
      const family = familyFor(s);
      const whole = schedules(family.create(family.root()));
      fc.assert(
        fc.property(fc.integer({ min: 1, max: Math.max(1, whole.length - 1) }), (k) => {
          const first = family.create(family.root());
          const head = schedules(first, k);
          const state = first.save!();
          if (state === null) return;
          const parts = family.split(state);
          const keys = parts.map((p) => family.key(p));
          for (let i = 1; i < keys.length; i++) assert.ok(compareKeys(keys[i - 1]!, keys[i]!) < 0, 'keys ascend');
          assert.ok(compareKeys(family.key(state), keys[0]!) <= 0);
          const tail = parts.flatMap((p) => schedules(family.create(p)));
          assert.deepEqual([...head, ...tail], whole);
        }),
        { numRuns: 8 },
      );
    });
  }

  test('a dfs state restricted to a subtree never backtracks above its floor', () => {
    const root = new DfsStrategy();
    schedules(root, 3);
    const state = root.save()!;
    const sub: DfsState = { ...state, floor: state.frames.length };
    const under = schedules(new DfsStrategy(Infinity, sub));
    const prefix = state.frames.map((f) => f.options[f.index]).join('.');
    assert.ok(under.length > 0);
    for (const s of under) assert.ok(s.startsWith(prefix), `${s} is under ${prefix}`);
  });
});

describe('ranges and counterexamples', () => {
  const search: SearchSpec = { strategy: specs[1]!, faults: noFaults, warnFails: true, maxSteps: 1e5, recordOps: false };

  test('concatenation is associative and has the empty range as unit', () => {
    const family = familyFor(search.strategy);
    const slices = [];
    let state: unknown = family.root();
    while (state !== null && slices.length < 6) {
      const out = runSlice(program, search, state, { maxExecutions: 20, timeMs: Infinity });
      slices.push(out.result);
      state = out.remaining;
    }
    const [a, b, c] = slices as [typeof emptyRange, typeof emptyRange, typeof emptyRange];
    assert.deepEqual(concatRanges(concatRanges(a, b), c), concatRanges(a, concatRanges(b, c)));
    assert.deepEqual(concatRanges(emptyRange, a), a);
    assert.deepEqual(concatRanges(a, emptyRange), a);
  });

  test('the best counterexample does not depend on the order they are heard in', () => {
    const cx = fc.record({
      preemptions: fc.integer({ min: 0, max: 3 }),
      steps: fc.integer({ min: 1, max: 4 }),
      choices: fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 3 }),
      execution: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(cx, { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), (list, rnd) => {
        const full = list.map((c) => ({
          ...c,
          kind: 'warn' as const,
          violation: { kind: 'warn' as const, title: '', splat: '', message: '', thread: null, step: 0, stack: [] },
          schedule: '',
          firstExecution: c.execution,
        }));
        const shuffled = full.map((c) => ({ c, r: rnd.next().value })).sort((x, y) => x.r - y.r).map((x) => x.c);
        const a = new FoundSet();
        const b = new FoundSet();
        for (const c of full) a.add(c);
        for (const c of shuffled) b.add(c);
        assert.deepEqual(a.list(), b.list());
        const best = [...full].sort(compareCounterexamples)[0]!;
        assert.equal(compareCounterexamples(a.get('warn')!, best), 0);
        assert.equal(a.get('warn')!.firstExecution, Math.min(...full.map((c) => c.execution)));
      }),
    );
  });
});
