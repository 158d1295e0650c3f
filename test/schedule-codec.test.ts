// Schedule strings: the compact form round-trips, and malformed text is a ScheduleSyntaxError
// that names what is wrong (never a crash, a hang, or a silently different schedule).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FAIL } from '../src/rt/execution.js';
import { decodeSchedule, encodeSchedule, faultsFor, type Schedule, ScheduleSyntaxError } from '../src/explorer/schedule.js';

const choice = fc.oneof(fc.constant(FAIL), fc.integer({ min: 0, max: 12 }));
const schedule: fc.Arbitrary<Schedule> = fc.record(
  {
    // runs of repeats, so xCOUNT is exercised
    choices: fc
      .array(fc.tuple(choice, fc.integer({ min: 1, max: 4 })), { maxLength: 12 })
      .map((runs) => runs.flatMap(([c, n]) => Array<number>(n).fill(c))),
    nth: fc.integer({ min: 1, max: 1000 }),
  },
  { requiredKeys: ['choices'] },
).map((s) => ({ ...s })); // fast-check builds null-prototype records

function syntaxError(text: string): ScheduleSyntaxError {
  try {
    decodeSchedule(text);
  } catch (e) {
    assert.ok(e instanceof ScheduleSyntaxError, `"${text}" threw ${String(e)}`);
    return e;
  }
  assert.fail(`"${text}" was accepted`);
}

describe('schedule strings', () => {
  it('encode runs, failures and fail_nth compactly', () => {
    assert.equal(encodeSchedule({ choices: [0, 1, 1, 1, FAIL, 0] }), '0.1x3.F.0');
    assert.equal(encodeSchedule({ choices: [] }), '-');
    assert.equal(encodeSchedule({ choices: [0, 1], nth: 4 }), 'n4/0.1');
    assert.equal(encodeSchedule({ choices: [], nth: 2 }), 'n2/-');
    assert.equal(encodeSchedule({ choices: [FAIL, FAIL, 10] }), 'Fx2.10');
  });

  it('decode what encode wrote, for any schedule', () => {
    fc.assert(
      fc.property(schedule, (s) => {
        const text = encodeSchedule(s);
        assert.match(text, /^(n\d+\/)?[-\w.]+$/, 'shell-safe');
        assert.deepEqual(decodeSchedule(text), s);
      }),
      { numRuns: 300 },
    );
  });

  it('encode what decode read, in canonical form', () => {
    assert.equal(encodeSchedule(decodeSchedule('0.0.1x2.1')), '0x2.1x3');
    assert.equal(encodeSchedule(decodeSchedule(' n3/F.0 ')), 'n3/F.0');
    assert.deepEqual(decodeSchedule('').choices, []);
  });

  for (const [text, bad] of [
    ['0..1', '""'],
    ['0.x2', '"x2"'],
    ['a', '"a"'],
    ['0,1', '"0,1"'],
    ['-1', '"-1"'],
    ['F1', '"F1"'],
    ['0.1x', '"1x"'],
    ['n2/0.?', '"?"'],
  ] as const) {
    it(`reject "${text}" naming the bad token ${bad}`, () => {
      const e = syntaxError(text);
      assert.ok(e.message.includes(`bad token ${bad}`), e.message);
      assert.ok(e.message.includes(`"${text}"`), e.message);
    });
  }

  it('reject repeat counts and n below 1', () => {
    assert.match(syntaxError('0x0').message, /repeat count in "0x0" must be at least 1/);
    assert.match(syntaxError('n0/0').message, /n must be at least 1/);
  });

  it('reject sizes no execution can have, without trying to build them', () => {
    assert.match(syntaxError('0x99999999999').message, /too many choices/);
    assert.match(syntaxError('0x600000.1x600000').message, /too many choices/);
    assert.match(syntaxError('99999999999999999999').message, /thread number .* too large/);
    assert.match(syntaxError('n99999999999999999999/0').message, /n .* too large/);
  });

  it('pick the fault plan the schedule was found under', () => {
    const choice1 = { mode: 'choice', maxFailures: 1 } as const;
    assert.deepEqual(faultsFor(decodeSchedule('n3/0.1'), choice1), { mode: 'nth', nth: 3 });
    assert.deepEqual(faultsFor(decodeSchedule('F.0'), choice1), choice1);
    assert.deepEqual(faultsFor(decodeSchedule('F.0'), { mode: 'none' }), { mode: 'choice', maxFailures: Number.MAX_SAFE_INTEGER });
    assert.deepEqual(faultsFor(decodeSchedule('0.1'), { mode: 'nth', nth: 1 }), { mode: 'none' });
    assert.deepEqual(faultsFor(decodeSchedule('0.1'), choice1), choice1);
  });
});
