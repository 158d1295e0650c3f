// lockdep reports an ABBA inversion from executions that do not deadlock: the lock-order graph
// lives for the whole search, so the serial execution (A->B by one thread, then B->A by the
// other) already closes the cycle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import { abbaDeadlock } from '../src/scenarios/examples/abba.js';
import { observing } from './support/observe.js';
import { exhaust, execKinds, replay } from './support/search.js';

describe('lockdep inversion', () => {
  it('replaying "-" on abba-deadlock runs serially, reports the inversion, and does not deadlock', () => {
    const exec = replay(abbaDeadlock.program, decodeSchedule('-').choices, { trace: true });
    assert.deepEqual(execKinds(exec), ['lockdep']);
    assert.equal(exec.preemptions, 0);
    assert.deepEqual(exec.threads.map((t) => t.done), [true, true]);
    // serial: all of ab's steps, then all of ba's
    assert.deepEqual(exec.trace!.map((s) => s.thread), ['ab', 'ab', 'ab', 'ab', 'ba', 'ba', 'ba', 'ba']);
    const v = exec.violations[0]!;
    assert.equal(v.title, 'WARNING: possible circular locking dependency detected');
    assert.equal(v.thread, 'ba');
    assert.match(v.splat, /ba\/2 is trying to acquire lock:\n {2}\(&lock_a\) &lock_a/);
    assert.match(v.splat, /but task is already holding lock:\n {2}\(&lock_b\) &lock_b/);
    assert.match(v.splat, /-> #0 \(&lock_b\): taken by ab while holding &lock_a/);
  });

  it('the search keeps the non-deadlocking execution as the lockdep counterexample', () => {
    const r = exhaust(abbaDeadlock.program);
    const cx = r.found.find((c) => c.kind === 'lockdep')!;
    assert.equal(cx.preemptions, 0);
    assert.equal(cx.execution, 1, 'the first execution DFS runs is the serial one');
    const exec = replay(abbaDeadlock.program, cx.choices);
    assert.deepEqual(execKinds(exec), ['lockdep']);
  });

  it('is reported once per search, not by every execution that takes both orders', () => {
    let reports = 0;
    let completed = 0;
    const r = explore(
      abbaDeadlock.program,
      observing(new DfsStrategy(), (exec) => {
        reports += exec.violations.filter((v) => v.kind === 'lockdep').length;
        if (exec.threads.every((t) => t.done)) completed++;
      }),
    );
    assert.equal(r.executions, 6);
    // deadlock needs ab holding A while ba holds B: two of the six orders; four complete
    assert.equal(completed, 4);
    assert.equal(reports, 1);
  });
});
