// A preemption bound prunes the search: with bound 0 only non-preemptive executions run, so the
// lost update (which needs one preemption) is not found and the search says it was partial;
// bound 1 finds it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { counterProgram, lostUpdate } from '../src/scenarios/examples/counter.js';
import { observing } from './support/observe.js';
import { exhaust, foundKinds } from './support/search.js';

describe('preemption bound', () => {
  it('0 misses the lost update and is not exhaustive', () => {
    const r = explore(lostUpdate.program, new DfsStrategy(0));
    assert.deepEqual(foundKinds(r), []);
    assert.equal(r.exhaustive, false);
    assert.equal(r.limitHit, false);
    assert.equal(r.strategy, 'dfs(preemptions<=0)');
    assert.equal(r.executions, 2, 'one serial execution per first thread');
  });

  it('1 finds it, with a counterexample of one preemption', () => {
    const r = explore(lostUpdate.program, new DfsStrategy(1));
    assert.deepEqual(foundKinds(r), ['assertion']);
    assert.equal(r.found[0]!.preemptions, 1);
  });

  it('no execution goes over the bound', () => {
    for (const bound of [0, 1, 2]) {
      let most = 0;
      const strategy = observing(new DfsStrategy(bound), (exec) => (most = Math.max(most, exec.preemptions)));
      explore(counterProgram(3, 1, false), strategy);
      assert.equal(most, bound);
    }
  });

  it('a bound the program never reaches prunes nothing and the search is exhaustive', () => {
    const program = counterProgram(2, 1, false);
    const bounded = explore(program, new DfsStrategy(10));
    assert.equal(bounded.exhaustive, true);
    assert.equal(bounded.executions, exhaust(program).executions);
  });
});
