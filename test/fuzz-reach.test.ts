// Issue 11: the default run must reach F11, F15, F16 and F21 (docs/FUZZING.md "F11, F15, F16
// and F21 in the default run"). Fresh programs of the default config (every driver, the
// campaign's own program seeds) have each finding's shape at the rate that section gives, counted
// over a fixed seed, with the aims and without them; the shaped programs keep the rules and pass
// the scenario validator; and a shaped program's search shows the finding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countShapes, findingSignatures, freshProgram, shapes, showsSignature, View } from '../bench/fuzz-shapes.js';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import { ruleProblems } from '../src/fuzz/rules.js';
import { checkPreconditions } from '../src/scenarios/iommu/preconditions.js';
import { validateSpec } from '../src/scenarios/iommu/validate.js';

const N = 3000;
const aimed = countShapes(defaultFuzzConfig, 1, N);

/** the default config without this branch's aims (what main generated before) */
const unaimed: FuzzConfig = {
  ...defaultFuzzConfig,
  topology: {
    ...defaultFuzzConfig.topology,
    mapAfterAttach: 0, unmapAfterMap: 0, unmapReset: 0, deferredAttach: 0, deferredDriver: 0, deferredMapReset: 0,
  },
};

const before = countShapes(unaimed, 1, N);

test('the four findings\' shapes come up at the documented rates (seed 1, 3,000 fresh programs of every driver)', () => {
  const n = (f: string): number => aimed.shaped[f]!.length;
  // docs/FUZZING.md: per 40,000 programs F11 286, F15 132, F16 670, F21 727 (before: 115, 0, 298, 4)
  assert.ok(n('F11') >= 12, `F11: ${n('F11')}`);
  assert.ok(n('F15') >= 4, `F15: ${n('F15')}`);
  assert.ok(n('F16') >= 30, `F16: ${n('F16')}`);
  assert.ok(n('F21') >= 30, `F21: ${n('F21')}`);
  const m = (f: string): number => before.shaped[f]!.length;
  assert.ok(m('F15') <= 1 && m('F21') <= 2, `without the aims: F15 ${m('F15')}, F21 ${m('F21')}`);
});

test('the other findings\' shapes are not rarer with the aims (each within the count\'s noise)', () => {
  for (const f of Object.keys(shapes)) {
    const a = aimed.shaped[f]!.length;
    const b = before.shaped[f]!.length;
    // two counts of one rate: a drop beyond 3 standard deviations is a real one
    assert.ok(a >= b - 3 * Math.sqrt(b + 1), `${f}: ${a} with the aims, ${b} without`);
  }
});

test('programs of the four shapes keep the rules and pass the scenario validator', () => {
  let checked = 0;
  for (const f of ['F11', 'F15', 'F16', 'F21']) {
    for (const k of aimed.shaped[f]!) {
      const p = freshProgram(defaultFuzzConfig, 1, k);
      assert.ok(shapes[f]!(new View(p)));
      assert.deepEqual(ruleProblems(p), [], `${f} program ${k}`);
      const { spec } = finalize(p, `reach-${k}`);
      assert.deepEqual(validateSpec(spec), [], `${f} program ${k}`);
      assert.deepEqual(checkPreconditions(spec), [], `${f} program ${k}`);
      checked++;
    }
  }
  assert.ok(checked >= 70, `${checked} programs checked`);
});

test('the first F21-shaped program of seed 1 shows F21 under the campaign\'s own search', () => {
  // docs/FUZZING.md: F21 in 4 of 16 sampled shaped programs (F16: 11 of 16 of those that get the
  // fault searches; measured with bench/fuzz-shapes.js, too slow for the suite on intel-iommu)
  const k = aimed.shaped.F21![0]!;
  assert.ok(showsSignature(defaultFuzzConfig, 1, k, findingSignatures.F21!), `program ${k}`);
});
