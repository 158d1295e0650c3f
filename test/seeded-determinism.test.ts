// Random and PCT are functions of their seed: the same seed gives the same executions, the
// same counterexamples and the same schedules, run after run; another seed gives another walk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { explore } from '../src/explorer/engine.js';
import { PctStrategy } from '../src/explorer/pct.js';
import { RandomStrategy } from '../src/explorer/random.js';
import type { Strategy } from '../src/explorer/strategy.js';
import type { Program } from '../src/rt/execution.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { findScenario } from '../src/scenarios/registry.js';
import { observing } from './support/observe.js';

const seeded: Record<string, (seed: number, executions: number) => Strategy> = {
  random: (seed, n) => new RandomStrategy(seed, n),
  pct: (seed, n) => new PctStrategy(seed, n),
};

const buggy = ['lost-update', 'abba-deadlock', 'reader-free-uaf', 'unchecked-alloc'];

/** Everything a search did: each execution's choices, and each counterexample. */
function run(program: Program<unknown>, strategy: Strategy, faults = { mode: 'none' } as const) {
  const walk: string[] = [];
  const r = explore(program, observing(strategy, (exec) => walk.push(exec.choices.join('.'))), { faults });
  const found = r.found.map((cx) => ({ kind: cx.kind, schedule: cx.schedule, steps: cx.steps, execution: cx.execution }));
  return { executions: r.executions, steps: r.steps, found, walk };
}

describe('seeded strategies', () => {
  for (const [name, make] of Object.entries(seeded)) {
    for (const scenario of buggy) {
      it(`${name}: the same seed gives the same search on ${scenario}`, () => {
        const s = findScenario(scenario)!;
        const faults = s.faults ?? { mode: 'none' };
        const a = explore(s.program, make(42, 150), { faults });
        const b = explore(s.program, make(42, 150), { faults });
        assert.equal(a.executions, b.executions);
        assert.equal(a.steps, b.steps);
        assert.ok(a.found.length > 0);
        assert.deepEqual(
          a.found.map((cx) => [cx.kind, cx.schedule, cx.steps, cx.execution]),
          b.found.map((cx) => [cx.kind, cx.schedule, cx.steps, cx.execution]),
        );
      });
    }

    it(`${name}: the same seed walks the same executions, in order`, () => {
      const program = counterProgram(3, 2, true);
      assert.deepEqual(run(program, make(7, 60)), run(program, make(7, 60)));
    });

    it(`${name}: a longer search starts with the executions of a shorter one`, () => {
      const program = counterProgram(3, 2, true);
      const short = run(program, make(7, 20)).walk;
      assert.deepEqual(run(program, make(7, 60)).walk.slice(0, 20), short);
    });

    it(`${name}: another seed takes another walk`, () => {
      const program = counterProgram(3, 2, true);
      assert.notDeepEqual(run(program, make(7, 60)).walk, run(program, make(8, 60)).walk);
    });

    it(`${name}: a whole check, minimized schedules included, is reproducible`, () => {
      const s = findScenario('reader-free-uaf')!;
      const opts = { strategy: name as 'random' | 'pct', seed: 5, executions: 100 };
      const strip = (o: ReturnType<typeof checkScenario>) => ({
        ...o,
        elapsedMs: 0,
        executionsPerSecond: 0,
        violations: o.violations.map((v) => ({ ...v, firstSeconds: 0 })),
      });
      assert.deepEqual(strip(checkScenario(s, opts)), strip(checkScenario(s, opts)));
    });
  }
});
