// The minimizer shrinks a counterexample to one with no more preemptions and no more steps
// that shows the same violation (by signature) and replays strictly, choice for choice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore } from '../src/explorer/engine.js';
import { minimize } from '../src/explorer/minimize.js';
import { RandomStrategy } from '../src/explorer/random.js';
import { noFaults } from '../src/rt/execution.js';
import { violationSignature } from '../src/rt/violation.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { findScenario } from '../src/scenarios/registry.js';
import { replay } from './support/search.js';

describe('minimizer', () => {
  it('shrinks a lost update that switches threads at every step to the one preemption it needs', () => {
    const program = counterProgram(2, 2, false);
    const noisy = [0, 1, 0, 1, 0, 1, 0];
    const before = replay(program, noisy);
    assert.deepEqual(before.violations.map((v) => v.kind), ['assertion']);
    assert.equal(before.preemptions, 6);
    const m = minimize(program, violationSignature(before.violations[0]!), noisy, noFaults, true);
    assert.equal(m.preemptions, 1);
    assert.equal(m.steps, before.steps);
    const exec = replay(program, m.choices);
    assert.deepEqual(exec.violations.map((v) => v.kind), ['assertion']);
    assert.deepEqual(exec.choices, m.choices);
    assert.equal(exec.steps, m.steps);
    assert.equal(exec.preemptions, m.preemptions);
  });

  for (const name of ['lost-update', 'abba-deadlock', 'reader-free-uaf', 'unchecked-alloc']) {
    it(`never makes a ${name} counterexample worse, and the result replays strictly`, () => {
      const s = findScenario(name)!;
      const faults = s.faults ?? noFaults;
      for (const seed of [1, 2, 3]) {
        for (const cx of explore(s.program, new RandomStrategy(seed, 40), { faults }).found) {
          const m = minimize(s.program, violationSignature(cx.violation), cx.choices, faults, true);
          assert.ok(m.preemptions <= cx.preemptions, `${cx.kind}: ${m.preemptions} > ${cx.preemptions} preemptions`);
          assert.ok(m.preemptions < cx.preemptions || m.steps <= cx.steps, `${cx.kind}: ${m.steps} > ${cx.steps} steps`);
          const exec = replay(s.program, m.choices, { faults });
          assert.ok(exec.violations.some((v) => v.kind === cx.kind), `${cx.kind} lost by minimizing`);
          assert.deepEqual(exec.choices, m.choices);
        }
      }
    });
  }

  it('leaves a schedule alone when it does not show the violation', () => {
    const program = counterProgram(2, 1, false);
    const m = minimize(program, 'assertion: assertion failed: counter is N, expected N: an update was lost', [0, 0], noFaults, true);
    assert.deepEqual(m.choices, [0, 0]);
    assert.ok(Number.isNaN(m.steps));
    assert.equal(m.attempts, 1);
  });

  it('stays within its budget of executions', () => {
    const program = counterProgram(3, 2, false);
    const cx = explore(program, new RandomStrategy(3, 50)).found[0]!;
    const m = minimize(program, violationSignature(cx.violation), cx.choices, noFaults, true, 5);
    assert.ok(m.attempts <= 5, `${m.attempts} attempts`);
  });
});
