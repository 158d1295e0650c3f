// Issue 11's "the same seed gives the same findings" within one process: a search gives the same
// result whatever ran before it. The first search of a program runs its first execution fresh
// and keeps the booted world (rt/snapshot.ts); later ones start every execution from that copy;
// caches of signatures and names, the program cache and the JIT's state all differ by then. The
// fuzzer's probes are the searches that must not drift (docs/FUZZING.md, branch fuzzaim).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { programAt, programFaults, searchSeed } from '../src/fuzz/campaign.js';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import { searchProgram } from '../src/fuzz/search.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';
import { findScenario } from '../src/scenarios/registry.js';

/** violations on the mock, arm-smmu-v3 and intel-iommu, one of them through a method alias (`mock_domain_free [as free]`) */
const builtins = ['iommu-release-unlocked', 'iommu-seed002-test-dev-recorded', 'iommu-vtd-reset-pasid'];

function checked(name: string): string {
  const o = checkScenario(findScenario(name)!, { strategy: 'pct', seed: 4, executions: 12, minimize: false });
  // everything but wall-clock figures
  return JSON.stringify(o, (k, v: unknown) => (k === 'elapsedMs' || k === 'executionsPerSecond' || k === 'firstSeconds' ? undefined : v));
}

const config: FuzzConfig = {
  ...defaultFuzzConfig,
  search: { ...defaultFuzzConfig.search, random: 8, pct: 8, dfsExecutions: 4, faultChoice: 8, nthPoints: 4 },
};
const campaign = { seed: 11, config, shard: null, faults: ['choice', 'nth'] as const };

function fuzzed(k: number): string {
  const { spec } = finalize(programAt(campaign, k, []), `fuzz-${k}`);
  const options = { budget: config.search, faults: programFaults(campaign, k), seed: searchSeed(campaign, k) };
  const o = searchProgram(spec, iommuScenario(spec).program, options);
  return JSON.stringify(o);
}

test('a search gives the same result first in the process and after others', () => {
  const first = builtins.map(checked);
  const fuzzFirst = [0, 1].map(fuzzed);
  // other searches in between: other programs, fault modes and drivers
  for (const name of ['iommu-reset-vs-attach', 'unchecked-alloc']) checked(name);
  fuzzed(2);
  // again, in the other order
  assert.deepEqual([1, 0].map(fuzzed).reverse(), fuzzFirst);
  assert.deepEqual([...builtins].reverse().map(checked).reverse(), first);
});
