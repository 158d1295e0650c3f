// How a check judges a search against the scenario's expectation: a pass needs a search that
// ran its course; a violation expectation tolerates no unexpected kind and, when the search was
// exhaustive, needs every expected kind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { abbaDeadlock } from '../src/scenarios/examples/abba.js';
import { mutexCounter } from '../src/scenarios/examples/counter.js';
import type { Scenario } from '../src/scenarios/scenario.js';

const expecting = (violations: Scenario['expect']): Scenario => ({ ...abbaDeadlock, expect: violations });

describe('check outcome', () => {
  it('a search stopped by its execution limit is incomplete, which does not pass', () => {
    const o = checkScenario(mutexCounter, { maxExecutions: 3 });
    assert.equal(o.outcome, 'incomplete');
    assert.equal(o.exhaustive, false);
    assert.equal(o.matches, false);
    assert.equal(o.executions, 3);
  });

  it('a violation of a kind the scenario does not expect is a mismatch', () => {
    const o = checkScenario(expecting({ violations: ['deadlock'] }));
    assert.equal(o.outcome, 'violation');
    assert.equal(o.matches, false);
  });

  it('an exhaustive search must find every expected kind', () => {
    assert.equal(checkScenario(expecting({ violations: ['lockdep', 'deadlock', 'leak'] })).matches, false);
    assert.equal(checkScenario(expecting({ violations: ['deadlock', 'lockdep'] })).matches, true);
  });

  it('a partial search that finds some of the expected kinds matches', () => {
    // without preemptions the serial runs cannot deadlock, but lockdep sees the inversion
    const o = checkScenario(abbaDeadlock, { preemptionBound: 0 });
    assert.equal(o.exhaustive, false);
    assert.deepEqual(o.violations.map((v) => v.kind), ['lockdep']);
    assert.equal(o.matches, true);
  });

  it('reports the minimized schedule of each kind', () => {
    const o = checkScenario(abbaDeadlock);
    assert.deepEqual(o.violations.map((v) => v.kind).sort(), ['deadlock', 'lockdep']);
    const deadlock = o.violations.find((v) => v.kind === 'deadlock')!;
    assert.equal(deadlock.preemptions, 1);
    assert.match(deadlock.splat, /blocked for more than 120 seconds/);
  });
});
