// The built-in IOMMU scenarios meet their expectations, exhaustively; the lifecycle sweep covers
// every fault point it reaches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { patchRegistry } from '../src/core/patches.js';
import { builtinScenarios, findScenario } from '../src/scenarios/registry.js';
import { sweepNth } from '../src/explorer/faults.js';
import { DfsStrategy } from '../src/explorer/dfs.js';

const builtins = ['iommu-lifecycle', 'iommu-group-attach-detach', 'iommu-hotadd-into-group', 'iommu-reset-vs-attach'];

describe('built-in IOMMU scenarios', () => {
  for (const name of builtins) {
    it(`${name} passes, exhaustively`, () => {
      const o = checkScenario(findScenario(name)!);
      assert.equal(o.outcome, 'pass', o.violations[0]?.splat);
      assert.equal(o.exhaustive, true);
    });
  }

  it('the lifecycle fail_nth sweep reaches every fault point and finds only the two findings', () => {
    const s = findScenario('iommu-lifecycle-fail-nth')!;
    const r = sweepNth(s.program, () => new DfsStrategy(), {});
    assert.ok(r.points > 20, `${r.points} points`);
    assert.equal(r.exhaustive, true);
    assert.deepEqual(r.found.map((c) => c.kind).sort(), ['dma-isolation', 'warn']);
    assert.equal(checkScenario(s).matches, true);
  });

  it('every IOMMU scenario in the registry is as expected (findings included)', () => {
    for (const s of builtinScenarios.filter((x) => x.name.startsWith('iommu-') && !builtins.includes(x.name))) {
      // covered elsewhere (reset-vs-detach, the sweep) or by `iommulab check` in test/cli-check.test.ts (release-order)
      if (['iommu-reset-vs-detach', 'iommu-lifecycle-fail-nth', 'iommu-release-order'].includes(s.name)) continue;
      if (s.name === 'iommu-smmuv3-unmap-vs-reset') continue; // a thousand executions: cli-check runs it
      assert.equal(checkScenario(s).matches, true, s.name);
    }
  });

  it('the patch registry names each toggle once, with a source', () => {
    const names = patchRegistry.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of patchRegistry) assert.ok(p.source.length > 0 && p.description.length > 0);
  });
});
