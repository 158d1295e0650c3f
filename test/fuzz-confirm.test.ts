// The triage's confirming check: a witness the fuzzer's DFS share found (one preemption) and the
// capped default search, PCT and random all miss is met by the exhaustive search with one
// preemption, its last try (F15 as seed 2 of the default run of 2026-12-05 found it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { confirm } from '../src/fuzz/triage.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}.yaml`, import.meta.url));

describe('the confirming check of a triage', () => {
  it('confirms a kept-as-found F15 witness through the one-preemption search', () => {
    const spec = loadScenarioFile(fixture('fuzz-lead/f15-kept-as-found')).specs[0]!;
    const c = confirm(spec, 'invalidation-timeout', 600, 300);
    assert.equal(c.summary.matches, true);
    assert.equal(c.summary.command, 'iommulab check repro.yaml --preemption-bound 1 --max-executions 300');
    assert.ok(c.summary.kinds.includes('invalidation-timeout'));
  });
});
