// Replay is exact: the schedule of any counterexample, found by any strategy, replayed strictly,
// gives the same violation after the same steps with the same choices, and in trace mode the
// same trace every time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { type Counterexample, explore } from '../src/explorer/engine.js';
import { sweepNth } from '../src/explorer/faults.js';
import { PctStrategy } from '../src/explorer/pct.js';
import { RandomStrategy } from '../src/explorer/random.js';
import { decodeSchedule, faultsFor } from '../src/explorer/schedule.js';
import type { Strategy } from '../src/explorer/strategy.js';
import type { FaultPlan } from '../src/rt/execution.js';
import { findScenario } from '../src/scenarios/registry.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { replay } from './support/search.js';

const buggy = ['lost-update', 'abba-deadlock', 'reader-free-uaf', 'leak-on-error', 'unchecked-alloc', 'sleep-in-spinlock'];

const strategies: Record<string, () => Strategy> = {
  dfs: () => new DfsStrategy(),
  random: () => new RandomStrategy(11, 200),
  pct: () => new PctStrategy(11, 200),
};

function faultsOf(s: Scenario): FaultPlan {
  return s.faults ?? { mode: 'none' };
}

function checkReplays(s: Scenario, cx: Counterexample, searched: FaultPlan): void {
  const schedule = decodeSchedule(cx.schedule);
  assert.deepEqual(schedule.choices, cx.choices, 'the schedule string carries the choices');
  const faults = faultsFor(schedule, searched);
  const exec = replay(s.program, schedule.choices, { faults });
  const v = exec.violations.find((x) => x.kind === cx.kind);
  assert.ok(v, `${cx.kind} reproduced by ${cx.schedule}`);
  assert.equal(v.splat, cx.violation.splat);
  assert.equal(v.step, cx.violation.step);
  assert.equal(exec.steps, cx.steps);
  assert.equal(exec.preemptions, cx.preemptions);
  assert.deepEqual(exec.choices, cx.choices);

  const traced = replay(s.program, schedule.choices, { faults, trace: true });
  const again = replay(s.program, schedule.choices, { faults, trace: true });
  assert.equal(traced.steps, cx.steps);
  assert.deepEqual(traced.choices, cx.choices);
  assert.equal(traced.trace!.length, cx.steps);
  assert.deepEqual(again.trace, traced.trace);
  assert.deepEqual(again.violations.map((x) => x.splat), traced.violations.map((x) => x.splat));
}

describe('replay', () => {
  for (const name of buggy) {
    for (const [strategy, make] of Object.entries(strategies)) {
      it(`reproduces every ${strategy} counterexample of ${name}`, () => {
        const s = findScenario(name)!;
        const r = explore(s.program, make(), { faults: faultsOf(s) });
        assert.ok(r.found.length > 0, `${strategy} found nothing in ${name}`);
        for (const cx of r.found) checkReplays(s, cx, faultsOf(s));
      });
    }
  }

  it('reproduces a fail_nth counterexample from its n/ schedule', () => {
    const s = findScenario('unchecked-alloc')!;
    const r = sweepNth(s.program, () => new DfsStrategy());
    const cx = r.found[0]!;
    assert.match(cx.schedule, /^n\d+\//);
    checkReplays(s, cx, { mode: 'none' });
  });
});
