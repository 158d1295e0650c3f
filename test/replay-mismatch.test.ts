// A schedule that does not fit the scenario is a ReplayMismatch saying where and why, not a
// silently different execution: a thread that cannot run, F where no allocation is decided, or
// choices left over. A schedule that ends early is not a mismatch: the default choice goes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayMismatch } from '../src/explorer/replay.js';
import { runOnce } from '../src/explorer/run-once.js';
import { decodeSchedule, encodeSchedule, faultsFor } from '../src/explorer/schedule.js';
import type { FaultPlan, Program } from '../src/rt/execution.js';
import { condResched, type Gen, KObject, kfree, kzalloc, Mutex, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { findScenario } from '../src/scenarios/registry.js';
import { execKinds, replay } from './support/search.js';

function mismatch(program: Program<unknown>, text: string, searched: FaultPlan = { mode: 'none' }): string {
  const s = decodeSchedule(text);
  try {
    replay(program, s.choices, { faults: faultsFor(s, searched) });
  } catch (e) {
    assert.ok(e instanceof ReplayMismatch, `"${text}" threw ${String(e)}`);
    return e.message;
  }
  assert.fail(`"${text}" replayed without a mismatch`);
}

const lostUpdate = findScenario('lost-update')!.program;

/** t0 holds the lock across a yield; t1 waits for it; t2 only yields */
const blocking: Program<Mutex> = {
  setup: () => new Mutex('&m'),
  threads: (m) => [
    {
      name: 't0',
      *body(): Gen {
        yield* mutexLock(m);
        yield* condResched();
        yield* mutexUnlock(m);
      },
    },
    {
      name: 't1',
      *body(): Gen {
        yield* mutexLock(m);
        yield* mutexUnlock(m);
      },
    },
    { name: 't2', body: condResched },
  ],
};

describe('replay mismatch', () => {
  it('a thread that does not exist', () => {
    assert.equal(mismatch(lostUpdate, '5'), 'choice 1 picks thread 5, which is not runnable at step 0 (runnable: 0, 1)');
  });

  it('a thread that is blocked on a lock', () => {
    // t0 takes the lock, then the schedule asks for t1, which waits for it
    assert.equal(mismatch(blocking, '0.1'), 'choice 2 picks thread 1, which is not runnable at step 1 (runnable: 0, 2)');
  });

  it('an allocation failure where threads are being chosen', () => {
    assert.match(mismatch(lostUpdate, 'F'), /^choice 1 is F \(an allocation outcome\) but step 0 is a scheduling choice between threads 0, 1$/);
    const unchecked = findScenario('unchecked-alloc')!;
    // under fail_nth no allocation is a choice, so F can only be misplaced
    assert.match(mismatch(unchecked.program, 'n1/F', unchecked.faults), /choice 1 is F/);
  });

  it('choices left over when the execution has ended', () => {
    assert.match(mismatch(lostUpdate, '0x10'), /^the schedule has \d+ choice\(s\) left over after the execution ended at step 4$/);
  });

  it('a schedule that ends early goes on with the thread that ran last', () => {
    const exec = replay(lostUpdate, [1]);
    assert.deepEqual(exec.choices, [1, 1]);
    assert.deepEqual(execKinds(exec), []);
  });
});

describe('failures as choices', () => {
  it('a schedule names which allocation failed, not just that one did', () => {
    // one thread allocates twice; failing its second allocation must replay as the second, not the first
    class Blob extends KObject {}
    const program: Program<null> = {
      setup: () => null,
      threads: () => [
        {
          name: 'two-allocs',
          *body() {
            const a = yield* kzalloc(() => new Blob());
            const b = yield* kzalloc(() => new Blob());
            yield* kfree(a);
            yield* kfree(b);
            return [a === null, b === null];
          },
        },
      ],
    };
    const faults = { mode: 'choice', maxFailures: 1 } as const;
    const second = runOnce(program, decodeSchedule('S.F').choices, { faults, warnFails: true, trace: false, strict: true });
    assert.deepEqual(second.threads[0]!.result, [false, true]);
    assert.equal(encodeSchedule({ choices: second.choices }), 'S.F');
    const first = runOnce(program, decodeSchedule('F').choices, { faults, warnFails: true, trace: false, strict: true });
    assert.deepEqual(first.threads[0]!.result, [true, false]);
  });
});
