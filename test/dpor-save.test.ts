// A DPOR search saved between executions and resumed from the saved state (through JSON, as a
// checkpoint or a worker gets it) explores exactly what the uninterrupted search explores:
// cut into slices of any sizes, the slices add up to the whole search's result.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { DataError } from '../src/explorer/parallel/data.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { compareKeys, type Key } from '../src/explorer/parallel/key.js';
import { concatRanges, emptyRange, type RangeResult } from '../src/explorer/parallel/range.js';
import { runSlice, type SearchSpec } from '../src/explorer/parallel/slice.js';
import type { FaultPlan, Program } from '../src/rt/execution.js';
import { OpKind } from '../src/rt/op.js';
import { abbaProgram } from '../src/scenarios/examples/abba.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { findScenario } from '../src/scenarios/registry.js';
import { compile } from './dpor-model.js';
import { timelessRange } from './helpers/compare.js';
import { programArb } from './support/random-program.js';

const family = familyFor({ kind: 'dpor' });

function spec(faults: FaultPlan): SearchSpec {
  return { strategy: { kind: 'dpor' }, faults, warnFails: true, maxSteps: 100_000, recordOps: true };
}

/** The search in slices of `sizes` executions (cycled), each resumed from its state through JSON. */
interface Sliced {
  readonly result: RangeResult;
  readonly slices: number;
}

function inSlices(program: Program<unknown>, search: SearchSpec, sizes: readonly number[]): Sliced {
  let result = emptyRange;
  let state: unknown = family.root();
  let key: Key = family.key(state);
  let slices = 0;
  for (;;) {
    const n = sizes[slices++ % sizes.length]!;
    const out = runSlice(program, search, state, { maxExecutions: n, timeMs: Infinity });
    result = concatRanges(result, out.result);
    if (out.remaining === null) return { result, slices };
    assert.equal(out.result.executions, n, 'a slice that stops early has finished the search');
    state = JSON.parse(JSON.stringify(out.remaining)) as unknown;
    family.check(state, 'state');
    const next = family.key(state);
    assert.ok(compareKeys(key, next) < 0, 'the keys of one search ascend');
    key = next;
  }
}

/**
 * The search in slices, and whole. Both run from the same line, because a report
 * made at teardown carries the JS frames of whatever called the search.
 */
function slicedAndWhole(program: Program<unknown>, search: SearchSpec, sizes: readonly number[]) {
  const [whole, sliced] = [[Infinity], sizes].map((z) => inSlices(program, search, z)) as [Sliced, Sliced];
  assert.equal(whole.slices, 1);
  return { sliced: sliced.result, whole: whole.result, slices: sliced.slices };
}

function assertSameInSlices(program: Program<unknown>, faults: FaultPlan, sizes: readonly number[], minExecutions = 2): void {
  const { sliced, whole, slices } = slicedAndWhole(program, spec(faults), sizes);
  assert.ok(whole.executions >= minExecutions, `${whole.executions} executions: enough to cut`);
  assert.ok(slices > 1 || whole.executions <= sizes[0]!);
  assert.deepEqual(timelessRange(sliced), timelessRange(whole));
}

const scenario = (name: string): Program<unknown> => findScenario(name)!.program as Program<unknown>;

describe('a dpor search cut into slices gives the whole search\'s result', () => {
  const sizes = [[1], [2], [7], [1, 2, 7, 3]];
  const examples: Array<[string, () => Program<unknown>]> = [
    ['counter 2x3 unlocked', () => counterProgram(2, 3, false) as Program<unknown>],
    ['counter 3x2 locked', () => counterProgram(3, 2, true) as Program<unknown>],
    ['abba (deadlock)', () => abbaProgram(false) as Program<unknown>],
    ['reader-free-uaf (oops)', () => scenario('reader-free-uaf')],
    ['lost-update', () => scenario('lost-update')],
  ];
  for (const [name, make] of examples) {
    test(`${name}: slices of ${sizes.map((s) => s.join('/')).join(', ')} executions`, () => {
      for (const s of sizes) assertSameInSlices(make(), { mode: 'none' }, s);
    });
  }

  test('allocation failures as choices (--faults choice)', () => {
    for (const name of ['unchecked-alloc', 'leak-on-error', 'checked-alloc']) {
      for (const s of [[1], [3, 1]]) assertSameInSlices(scenario(name), { mode: 'choice', maxFailures: 2 }, s);
    }
  });

  test('IOMMU built-in scenarios', () => {
    for (const name of ['iommu-reset-vs-detach', 'iommu-group-attach-detach']) {
      assertSameInSlices(scenario(name), findScenario(name)!.faults ?? { mode: 'none' }, [1, 5, 17], 10);
    }
  });

  test('an IOMMU built-in scenario with --faults choice', () => {
    assertSameInSlices(scenario('iommu-reset-vs-detach'), { mode: 'choice', maxFailures: 1 }, [3, 11], 10);
  });

  test('random programs, with completions, allocation failures and reports', () => {
    const sizes = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(programArb(true, true), fc.integer({ min: 0, max: 2 }), sizes, (p, maxFailures, s) => {
        const faults: FaultPlan = maxFailures > 0 ? { mode: 'choice', maxFailures } : { mode: 'none' };
        const { sliced, whole } = slicedAndWhole(compile(p, new Set()) as Program<unknown>, spec(faults), s);
        assert.deepEqual(timelessRange(sliced), timelessRange(whole));
      }),
      { numRuns: 100 },
    );
  });
});

describe('a saved dpor state', () => {
  test('handed to two slices (the coordinator does so at the execution cap), it gives the same executions both times', () => {
    for (const program of [counterProgram(2, 3, false) as Program<unknown>, scenario('iommu-reset-vs-detach')]) {
      const search = spec({ mode: 'none' });
      const state = runSlice(program, search, family.root(), { maxExecutions: 3, timeMs: Infinity }).remaining;
      // the first goes on with the strategy that saved the state, the second rebuilds it
      const [a, b] = [0, 1].map(() => runSlice(program, search, state, { maxExecutions: 5, timeMs: Infinity }));
      assert.equal(a!.result.executions, 5);
      assert.deepEqual({ ...b!, result: timelessRange(b!.result) }, { ...a!, result: timelessRange(a!.result) });
    }
  });

  test('survives JSON.stringify/parse unchanged, and so does the state saved from it', () => {
    const program = scenario('iommu-reset-vs-detach');
    const first = new DporStrategy();
    const r = explore(program, first, { maxExecutions: 9, recordOps: true });
    assert.equal(r.executions, 9);
    const state = first.save()!;
    assert.notEqual(state, null);
    const text = JSON.stringify(state);
    assert.deepEqual(JSON.parse(text), state);
    // read back and saved again before any execution: the same state
    assert.equal(JSON.stringify(new DporStrategy(JSON.parse(text) as never).save()), text);
    assert.equal(state.explored, 9);
    assert.deepEqual(family.key(state), [9]);
  });

  test('keeps the statistics, and the resumed search is optimal too (no sleep-blocked execution)', () => {
    const program = counterProgram(3, 2, false) as Program<unknown>;
    const whole = new DporStrategy();
    explore(program, whole, { recordOps: true });
    const first = new DporStrategy();
    explore(program, first, { maxExecutions: 4, recordOps: true });
    const rest = new DporStrategy(JSON.parse(JSON.stringify(first.save())) as never);
    explore(program, rest, { recordOps: true });
    assert.deepEqual(rest.stats, whole.stats);
    assert.equal(rest.stats.sleepBlocked, 0);
    assert.equal(rest.save(), null);
    assert.equal(rest.exhaustive, true);
  });

  test('is null once the search is over; the root resumes to the whole search', () => {
    const program = abbaProgram(false) as Program<unknown>;
    const s = new DporStrategy();
    assert.deepEqual(s.save(), family.root());
    const all = explore(program, s, { recordOps: true });
    assert.equal(s.save(), null);
    assert.equal(explore(program, family.create(family.root()), { recordOps: true }).executions, all.executions);
  });

  test('read from a file, is checked field by field: a bad one is a DataError naming it', () => {
    const first = new DporStrategy();
    explore(scenario('iommu-reset-vs-detach'), first, { maxExecutions: 9, recordOps: true });
    const good = JSON.stringify(first.save());
    family.check(JSON.parse(good), 'state');
    type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const lock = (JSON.parse(good) as Any).ops.findIndex((o: Any) => o.kind === OpKind.Lock) as number;
    assert.ok(lock >= 0);
    const cases: Array<[(s: Any) => void, RegExp]> = [
      [(s) => (s.explored = -1), /^state\.explored: expected an integer >= 0$/],
      [(s) => (s.ops[0].kind = 13), /^state\.ops\[0\]\.kind: 13 is not an op kind \(0\.\.12\)$/],
      [(s) => (s.ops[lock].obj = null), new RegExp(`^state\\.ops\\[${lock}\\]\\.obj: a lock op names its object$`)],
      [(s) => (s.ops[lock].obj.label = 5), new RegExp(`^state\\.ops\\[${lock}\\]\\.obj\\.label: expected a string$`)],
      [(s) => (s.ops[lock].field = 1), new RegExp(`^state\\.ops\\[${lock}\\]\\.field: expected a string$`)],
      [(s) => (s.events[0].op = 999), /^state\.events\[0\]\.op: op 999 is past the \d+ ops$/],
      [(s) => (s.events[1].fail = 'no'), /^state\.events\[1\]\.fail: expected true or false$/],
      [(s) => (s.path[2].cur = 10_000), /^state\.path\[2\]\.cur: event 10000 is past the \d+ events$/],
      // the path is one execution: a thread's steps along it are its 0th, 1st, ...
      [(s) => (s.path[1].cur = s.path[0].cur), /^state\.path\[1\]\.cur: event \d+ is step 0 of thread \d+, but .* its step 1$/],
      [(s) => (s.path[0].sleep = [-1]), /^state\.path\[0\]\.sleep\[0\]: expected an integer >= 0$/],
      [(s) => (s.path[0].pending = [[0, 0]]), /^state\.path\[0\]\.pending\[0\]\[1\]: parent 0 does not come before entry 0$/],
      [(s) => (s.follow = [[0]]), /^state\.follow\[0\]: expected \[event, parent\]$/],
      [(s) => (s.branchAt = 0), /^state\.branchAt: expected \d+ \(the last step of the path\), got 0$/],
      [(s) => (s.tails[0] = 'x'), /^state\.tails\[0\]: expected an integer >= -1$/],
      [(s) => (s.tails[0] = 1e6), /^state\.tails\[0\]: step 1000000 is past the \d+ steps of the last execution$/],
      [(s) => delete s.stats, /^state\.stats: expected an object$/],
      [(s) => (s.path = []), /^state\.branchAt: expected 0/],
    ];
    for (const [edit, message] of cases) {
      const state = JSON.parse(good) as Any;
      edit(state);
      const named = (e: unknown) => e instanceof DataError && message.test(e.message);
      assert.throws(() => family.check(state, 'state'), named, String(message));
    }
    // a checkpoint from before dpor was saved holds "whole"
    assert.throws(() => family.check('whole', 'state'), (e: unknown) => e instanceof DataError && /^state: a dpor search saved by an older iommulab/.test(e.message));
  });
});
