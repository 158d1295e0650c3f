// A violation raised by a thread names the step it was raised in, 0-based like the trace, so
// "[kind] at step N in T" points at trace row N, which T ran.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findScenario } from '../src/scenarios/registry.js';
import { exhaust, replay } from './support/search.js';

const buggy = ['lost-update', 'abba-deadlock', 'reader-free-uaf', 'unchecked-alloc', 'sleep-in-spinlock'];

describe('violation step', () => {
  for (const name of buggy) {
    it(`of each counterexample of ${name} is the trace row of the thread that raised it`, () => {
      const s = findScenario(name)!;
      const faults = s.faults ?? { mode: 'none' as const };
      for (const cx of exhaust(s.program, { faults }).found) {
        const exec = replay(s.program, cx.choices, { faults, trace: true });
        const v = exec.violations.find((x) => x.kind === cx.kind)!;
        if (v.thread === null) {
          // checks between steps (deadlock, final assertion) come after every step done
          assert.equal(v.step, exec.steps, `${cx.kind}`);
          continue;
        }
        const row = exec.trace![v.step];
        assert.ok(row !== undefined, `${cx.kind} at step ${v.step}, but the trace has ${exec.trace!.length} rows`);
        assert.equal(row.thread, v.thread, `${cx.kind} at step ${v.step}`);
      }
    });
  }

  it('of a use-after-free is the step of the access through the stale pointer', () => {
    const s = findScenario('reader-free-uaf')!;
    const exec = replay(s.program, exhaust(s.program).found[0]!.choices, { trace: true });
    const v = exec.violations[0]!;
    assert.equal(v.step, exec.steps - 1);
    assert.match(exec.trace![v.step]!.op, /^READ_ONCE\(Buffer#[0-9a-f]+\.data\)$/);
  });
});
