// The built-in IOMMU scenarios meet their expectations, exhaustively; the lifecycle sweep covers
// every fault point it reaches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { patchRegistry } from '../src/core/patches.js';
import { findScenario } from '../src/scenarios/registry.js';
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

  // (every IOMMU scenario in the registry as expected, findings included: the full check of
  // test/cli-check.test.ts, which ran them a second time here until 2026-12-05)

  it('the patch registry names each toggle once, with a source', () => {
    const names = patchRegistry.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of patchRegistry) assert.ok(p.source.length > 0 && p.description.length > 0);
  });
});
