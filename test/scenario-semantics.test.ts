// What a scenario's operations mean, where issue 12 found them misleading: the result of a
// failed dmaMap, an operation that fails without `expect`, faults aimed at the threads, DMA of a
// function in reset, the automatic cleanup's order, and a reset racing removal of its device.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario, type ScenarioOutcome } from '../src/check/check.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';
import type { IommuScenarioSpec } from '../src/scenarios/iommu/spec.js';
import type { CheckOptions } from '../src/check/check.js';

function scenario(yaml: string): IommuScenarioSpec {
  return parseScenarioText(yaml, 'test.yaml')[0]!;
}

function check(yaml: string, opts: Partial<CheckOptions> = {}): ScenarioOutcome {
  return checkScenario(iommuScenario(scenario(yaml)), { minimize: false, ...opts });
}

const messages = (o: ScenarioOutcome) => o.violations.map((v) => v.message);

describe('scenario operations', () => {
  it('a dmaMap failing in a deferred attach refused during a reset gives DMA_MAPPING_ERROR, not -ENOMEM', () => {
    // a sample is enough: the map lands between the reset's prepare and done in a good share of executions
    const bounded = { strategy: 'random', executions: 100 } as const;
    const o = check(`
name: deferred-map-vs-reset
summary: s
description: d
topology:
  iommus: [{ name: smmu0 }]
  mock: { deferredAttach: [ep0] }
  pci: [{ name: ep0, bus: 0, slot: 1, ats: true, reset: [flr] }]
  defaultDomainType: dma
prologue:
  - { op: bind, dev: ep0 }
threads:
  - { name: driver, ops: [{ op: dmaMap, dev: ep0, paddr: 0x1000, as: buf }] }
  - { name: reset, ops: [{ op: reset, dev: ep0 }] }
expect: pass
`, bounded);
    assert.deepEqual(messages(o), [
      'assertion failed: dmaMap(dev=ep0, paddr=4096, as=buf) returned DMA_MAPPING_ERROR, expected 0 (an operation without `expect` must succeed)',
    ]);
    const listed = check(`
name: deferred-map-vs-reset
summary: s
description: d
topology:
  iommus: [{ name: smmu0 }]
  mock: { deferredAttach: [ep0] }
  pci: [{ name: ep0, bus: 0, slot: 1, ats: true, reset: [flr] }]
  defaultDomainType: dma
prologue:
  - { op: bind, dev: ep0 }
threads:
  - { name: driver, ops: [{ op: dmaMap, dev: ep0, paddr: 0x1000, as: buf, expect: [0, DMA_MAPPING_ERROR] }] }
  - { name: reset, ops: [{ op: reset, dev: ep0 }] }
expect: pass
`, bounded);
    assert.equal(listed.outcome, 'pass', messages(listed).join('\n'));
  });

  it('an operation that fails without expect is reported, not a silent end of its thread', () => {
    const yaml = (expect: string) => `
name: claim-of-another-owner
summary: s
description: d
topology:
  iommus: [{ name: smmu0 }]
  pci: [{ name: ep0, bus: 0, slot: 1 }]
prologue:
  - { op: bind, dev: ep0, driverManagedDma: true }
threads:
  - { name: a, ops: [{ op: claim, dev: ep0, owner: vfio }, { op: claim, dev: ep0, owner: iommufd${expect} }] }
expect: pass
`;
    const o = check(yaml(''));
    assert.equal(o.matches, false);
    assert.deepEqual(messages(o), ['assertion failed: claim(dev=ep0, owner=iommufd) returned -EPERM, expected 0 (an operation without `expect` must succeed)']);
    assert.equal(check(yaml(', expect: -EPERM')).outcome, 'pass');
  });
});
