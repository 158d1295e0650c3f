// The fuzzer's per-program search plan (search.ts): a program whose random walks or PCT runs had
// a thread asleep at a choice point (msleep(): a PCI reset's wait) gets `dfsSleepFactor` times
// the DFS cap, and with it an F15-shaped program of the default config shows F15 (docs/FUZZING.md
// "F15 in the default run").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countShapes, findingSignatures, freshProgram, showsSignature } from '../bench/fuzz-shapes.js';
import { type SearchBudget, defaultFuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import { searchProgram } from '../src/fuzz/search.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';

/** program 614 of seed 1: arm-smmu-v3, t0 attaches, maps and unmaps (setup in the prologue) ∥ t1 resets the function */
const F15_PROGRAM = 614;

function executions(k: number, budget: SearchBudget): number {
  const { spec } = finalize(freshProgram(defaultFuzzConfig, 1, k), `plan-${k}`);
  return searchProgram(spec, iommuScenario(spec).program, { budget, faults: [], seed: 7 }).executions;
}

test('the DFS gets dfsSleepFactor times its cap on a program whose executions sleep, and only there', () => {
  const budget: SearchBudget = {
    ...defaultFuzzConfig.search, random: 6, pct: 0, pctDepths: [], dfsBounds: [1], dfsExecutions: 4, dfsSleepFactor: 5,
  };
  // a reset racing an unmap: its wait sleeps while the other thread can run
  assert.equal(executions(F15_PROGRAM, budget), 6 + 20);
  assert.equal(executions(F15_PROGRAM, { ...budget, dfsSleepFactor: 1 }), 6 + 4);
  // program 0 of seed 1 resets nothing: no sleep, the plain cap
  const p0 = freshProgram(defaultFuzzConfig, 1, 0);
  assert.ok(!p0.threads.some((t) => t.ops.some((op) => op.op === 'reset' || op.op === 'resetMethod')));
  assert.equal(executions(0, budget), 6 + 4);
});

test('an F15-shaped program of seed 1 shows F15 under the default plan, and not without the sleep factor', () => {
  assert.ok(countShapes(defaultFuzzConfig, 1, F15_PROGRAM + 1).shaped.F15!.includes(F15_PROGRAM));
  assert.equal(showsSignature(defaultFuzzConfig, 1, F15_PROGRAM, findingSignatures.F15!), true);
  const plain = { ...defaultFuzzConfig, search: { ...defaultFuzzConfig.search, dfsSleepFactor: 1 } };
  assert.equal(showsSignature(plain, 1, F15_PROGRAM, findingSignatures.F15!), false);
});
