// Every distinct violation of a search, by signature (rt/violation.ts: kind, reporting function,
// normalized message), each with its own minimized replay key that reproduces it, its count and
// its first execution; and the kept set does not depend on how the search was cut.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { checkScenario } from '../src/check/check.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { FoundSet, maxSignaturesPerKind } from '../src/explorer/found.js';
import { minimize } from '../src/explorer/minimize.js';
import { concatRanges, emptyRange, type RangeResult } from '../src/explorer/parallel/range.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import type { Execution, Program } from '../src/rt/execution.js';
import { noFaults } from '../src/rt/execution.js';
import { normalizeMessage, type Violation, type ViolationKind, violationSignature } from '../src/rt/violation.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { type Gen, KObject, readOnce, WARN_ON, writeOnce } from '../src/sync/index.js';
import { replay } from './support/search.js';

class Flag extends KObject {
  x = 0;
}

function* publish(f: Flag): Gen {
  yield* writeOnce(f, 'x', 1);
  yield* writeOnce(f, 'x', 2);
}

function* observe(f: Flag): Gen {
  const v = yield* readOnce(f, 'x');
  // two races, two WARNs of one kind: the serial order shows the second, only a preemption the first
  WARN_ON(v === 1, 'WARN_ON(x is half published)');
  WARN_ON(v === 2, 'WARN_ON(x published before the observer ran)');
}

/** The case: a WARN from one race and a WARN from another, in one search. */
const twoWarns: Program<Flag> = {
  setup: () => new Flag(),
  threads: (f) => [
    { name: 'publisher', body: () => publish(f) },
    { name: 'observer', body: () => observe(f) },
  ],
};

const twoWarnsScenario: Scenario = {
  name: 'two-warns',
  summary: 'two races, two WARNs',
  description: 'a test program',
  expect: { violations: ['warn'] },
  program: twoWarns,
};

function signaturesOf(exec: Execution): string[] {
  return exec.violations.map(violationSignature);
}

describe('violation signatures', () => {
  it('are kind, reporting function and the message with ids and numbers normalized', () => {
    assert.equal(normalizeMessage('I5: smmu0 stream 80 RID still translates through freed io_pgtable#10000f'), 'I5: smmu0 stream N RID still translates through freed io_pgtable#N');
    assert.equal(normalizeMessage('dev:ep0 DMA to mapped 0x100000 failed'), 'dev:ep0 DMA to mapped 0xN failed');
    const exec = replay(twoWarns, []);
    assert.deepEqual(signaturesOf(exec), ['warn in observe: WARNING: WARN_ON(x published before the observer ran)']);
  });

  it('normalizing in one pass is the three substitutions it stands for', () => {
    const byRegex = (m: string) => m.replace(/#[0-9a-f]+\b/g, '#N').replace(/\b0x[0-9a-f]+\b/gi, '0xN').replace(/\b\d+\b/g, 'N');
    const chars = fc.constantFrom('#', '0', '1', '9', 'a', 'f', 'x', 'X', 'g', '_', ' ', '-', ':', '>', 'I', 'p');
    const text = fc.array(chars, { maxLength: 24 }).map((cs) => cs.join(''));
    fc.assert(fc.property(text, (m) => assert.equal(normalizeMessage(m), byRegex(m))), { numRuns: 2000 });
  });

  it('a minimized replay key reproduces the violation it is printed with, not another of its kind', () => {
    const r = explore(twoWarns, new DfsStrategy());
    assert.equal(r.signatures.length, 2);
    const half = r.signatures.find((s) => s.signature.includes('half published'))!;
    assert.ok(half.preemptions > 0);
    // shrinking by kind alone would drop the preemption and land on the serial order's WARN
    const m = minimize(twoWarns, half.signature, half.choices, noFaults, true);
    assert.deepEqual(signaturesOf(replay(twoWarns, m.choices)), [half.signature]);

    const o = checkScenario(twoWarnsScenario);
    assert.deepEqual(o.kinds, ['warn']);
    assert.equal(o.violations.length, 2, 'each distinct WARN is listed');
    for (const v of o.violations) {
      const exec = replay(twoWarns, decodeSchedule(v.schedule).choices);
      assert.deepEqual(signaturesOf(exec), [v.signature], `${v.replay} replays ${signaturesOf(exec).join(', ')}`);
      // the splat printed next to the key is that violation's
      assert.ok(v.splat.includes(v.message.replace(/^WARNING: /, '')), v.splat);
      assert.equal(v.reproduces, true);
    }
  });

  it('counts the executions each occurred in and the first one', () => {
    const r = explore(twoWarns, new DfsStrategy());
    // the observer reads 0, 1 or 2: one execution each, two of them WARN
    assert.equal(r.executions, 3);
    assert.deepEqual(r.signatures.map((s) => s.occurrences), [1, 1]);
    for (const s of r.signatures) {
      assert.ok(s.firstExecution <= s.execution);
      assert.ok(s.firstMs >= 0);
    }
  });
});

// ---- the kept set as a function of the executions, however they were cut into ranges -------

interface FakeExec {
  readonly preemptions: number;
  readonly steps: number;
  readonly choices: number[];
  readonly violations: Violation[];
}

const kinds: ViolationKind[] = ['warn', 'leak'];
// more distinct messages than a kind keeps, so truncation happens
const words = Array.from({ length: maxSignaturesPerKind + 8 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);

const violationArb = fc.record({ kind: fc.constantFrom(...kinds), word: fc.constantFrom(...words) }).map(
  ({ kind, word }): Violation => ({ kind, title: word, splat: word, message: `WARN_ON(${word})`, thread: null, step: 0, stack: [] }),
);
const execArb = fc.record({
  preemptions: fc.integer({ min: 0, max: 2 }),
  steps: fc.integer({ min: 1, max: 3 }),
  choices: fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 2 }),
  violations: fc.array(violationArb, { maxLength: 3 }),
});

function rangeOf(execs: readonly FakeExec[]): RangeResult {
  const f = new FoundSet(() => 0);
  execs.forEach((e, i) => f.addExecution(e as unknown as Execution, i + 1, undefined));
  const signatures = f.signatures();
  return { ...emptyRange, executions: execs.length, found: f.list(), signatures, signaturesTruncated: f.truncated() };
}

test('the signatures kept, their counts and best counterexamples do not depend on where the search was cut', () => {
  fc.assert(
    fc.property(fc.array(execArb, { minLength: 1, maxLength: 120 }), fc.array(fc.nat(), { maxLength: 4 }), (execs, cuts) => {
      const whole = rangeOf(execs);
      const at = [...new Set(cuts.map((c) => c % execs.length))].sort((a, b) => a - b);
      let merged = emptyRange;
      let from = 0;
      for (const c of [...at, execs.length]) {
        merged = concatRanges(merged, rangeOf(execs.slice(from, c)));
        from = c;
      }
      assert.deepEqual(merged.signatures, whole.signatures);
      assert.deepEqual(merged.signaturesTruncated, whole.signaturesTruncated);
      assert.deepEqual(merged.found, whole.found);
      for (const k of kinds) assert.ok(whole.signatures.filter((s) => s.kind === k).length <= maxSignaturesPerKind);
    }),
    { numRuns: 150 },
  );
});
