// Every core built-in IOMMU scenario also runs on the intel-iommu driver: the same operations,
// the topology switched to `driver: vtd` (test/support/vtd-variant.ts), meeting its expectation.
// Where an expectation rests on the mock, the VT-d run expects what the real driver gives and
// docs/FINDINGS.md says why ("Built-ins on VT-d").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import type { IommuScenarioSpec } from '../src/scenarios/iommu/spec.js';
import { vtdVariant } from './support/vtd-variant.js';

/** expectations that depend on the mock, and what VT-d gives instead */
const onVtd: Readonly<Record<string, IommuScenarioSpec['expect']>> = {
  // the race needs a driver without a release_domain: intel-iommu's (blocking) is attached
  // under the mutex before it is dropped, so VFIO's free finds the device already blocked
  'iommu-release-unlocked': { pass: true },
};

describe('built-ins on VT-d', () => {
  for (const s of builtinScenarios) {
    if (!s.name.startsWith('iommu-')) continue;
    it(`${s.name} meets its expectation with driver: vtd`, () => {
      const o = checkScenario(vtdVariant(s, onVtd[s.name]));
      assert.equal(o.exhaustive, true, `${s.name}: the search ran its course`);
      assert.equal(o.matches, true, `${s.name}: ${o.outcome} ${o.violations.map((v) => v.kind).join(', ')}`);
    });
  }
});
