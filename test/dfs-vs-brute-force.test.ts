// The important property: on random small programs, exhaustive DFS reaches exactly the final
// states (variable values, and whether it deadlocked) that a brute-force enumeration of every
// interleaving reaches, and runs each interleaving once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { enumerate, stateKey } from './support/brute-force.js';
import { observing } from './support/observe.js';
import { type Instr, showProgram, type TinyProgram, tinyProgram } from './support/tiny-lang.js';
import { tinyRuntime, varValues } from './support/tiny-runtime.js';

const lock = (m: number): Instr => ({ op: 'lock', m });
const unlock = (m: number): Instr => ({ op: 'unlock', m });
const read: Instr = { op: 'read', v: 0 };
const inc: Instr = { op: 'write', v: 0, value: 'inc' };

/** always checked besides the random ones: an ABBA deadlock next to a bystander, a lost update */
const examples: TinyProgram[] = [
  { mutexes: 2, vars: 1, threads: [[lock(0), lock(1), unlock(1), unlock(0)], [lock(1), lock(0), unlock(0), unlock(1)], [inc]] },
  { mutexes: 1, vars: 1, threads: [[read, inc], [read, inc], [lock(0), read, inc, unlock(0)]] },
];

describe('exhaustive DFS against brute force', () => {
  it('reaches exactly the final states of every interleaving, deadlocks included', () => {
    fc.assert(
      fc.property(tinyProgram, (p) => {
        const expected = enumerate(p);
        const { program, last } = tinyRuntime(p);
        const reached = new Set<string>();
        let dfsDeadlock = false;
        const r = explore(
          program,
          observing(new DfsStrategy(), (exec) => {
            const deadlock = exec.violations.some((v) => v.kind === 'deadlock');
            dfsDeadlock ||= deadlock;
            reached.add(stateKey(varValues(last(), p.vars), deadlock));
          }),
        );
        const what = showProgram(p);
        assert.equal(r.exhaustive, true, what);
        assert.deepEqual([...reached].sort(), [...expected.outcomes].sort(), what);
        assert.equal(dfsDeadlock, [...expected.outcomes].some((o) => o.endsWith('deadlock')), what);
        assert.equal(r.executions, expected.interleavings, what);
        // nothing but deadlocks and lock-order reports can happen in these programs
        for (const cx of r.found) assert.ok(cx.kind === 'deadlock' || cx.kind === 'lockdep', `${cx.kind} in ${what}`);
      }),
      { numRuns: 150, examples: examples.map((p) => [p]) },
    );
  });

  it('the generator makes programs that deadlock or end in several states, not only trivial ones', () => {
    // guards the property above against a generator that stopped producing interesting cases
    const samples = fc.sample(tinyProgram, { numRuns: 300, seed: 1 });
    const outcomes = samples.map((p) => enumerate(p).outcomes);
    assert.ok(outcomes.filter((o) => [...o].some((s) => s.endsWith('deadlock'))).length >= 3, 'few deadlocking programs');
    assert.ok(outcomes.filter((o) => o.size >= 2).length >= 10, 'few programs with more than one final state');
    assert.ok(samples.some((p) => p.threads.length === 3));
  });
});
