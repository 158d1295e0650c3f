// Every core built-in IOMMU scenario also runs on the intel-iommu driver: the same operations,
// the topology switched to `driver: vtd` (test/support/vtd-variant.ts), meeting its expectation.
// Where an expectation rests on the mock, the VT-d run expects what the real driver gives and
// docs/FINDINGS.md says why ("Built-ins on VT-d").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckOptions, checkScenario } from '../src/check/check.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import type { IommuScenarioSpec } from '../src/scenarios/iommu/spec.js';
import { vtdVariant } from './support/vtd-variant.js';

/** expectations that depend on the mock, and what VT-d gives instead */
const onVtd: Readonly<Record<string, IommuScenarioSpec['expect']>> = {
  // the race needs a driver without a release_domain: intel-iommu's (blocking) is attached
  // under the mutex before it is dropped, so VFIO's free finds the device already blocked
  'iommu-release-unlocked': { pass: true },
  // intel_iommu_domain_free() refuses a domain with RID users (WARN) and keeps it: where the
  // detach's nofail switch failed, the freed-looking domain is leaked instead of freed
  'iommu-reset-vs-detach': { violations: ['warn', 'invariant', 'use-after-free', 'leak'] },
};

/**
 * Searches bounded for the suite's time: the reset-vs-detach race on VT-d has ~5,000 DPOR
 * executions (the driver's lockless list_empty() in domain_free orders against every attach
 * step); two preemptions find every expected kind in a few hundred.
 */
const bounded: Readonly<Record<string, Partial<CheckOptions>>> = {
  'iommu-reset-vs-detach': { preemptionBound: 2 },
};

describe('built-ins on VT-d', () => {
  for (const s of builtinScenarios) {
    if (!s.name.startsWith('iommu-')) continue;
    it(`${s.name} meets its expectation with driver: vtd`, () => {
      const v = vtdVariant(s, onVtd[s.name]);
      const o = checkScenario(v, bounded[s.name] ?? {});
      const found = o.violations.map((x) => x.kind);
      assert.equal(o.matches, true, `${s.name}: ${o.outcome} ${found.join(', ')}`);
      if (bounded[s.name] === undefined) assert.equal(o.exhaustive, true, `${s.name}: the search ran its course`);
      // a bounded search must still find every kind the scenario expects
      if ('violations' in v.expect) assert.deepEqual([...new Set(found)].sort(), [...v.expect.violations].sort());
    });
  }
});
