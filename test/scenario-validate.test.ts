// The checks every scenario description passes before it runs (scenarios/iommu/validate.ts):
// built-ins are refused at construction with the path of the problem, and the pause point names
// a scenario may arm are exactly points the model reaches (an unknown one would hang its waiter).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { iommuScenario } from '../src/scenarios/iommu/build.js';
import { pausePointNames } from '../src/scenarios/iommu/pause-points.js';
import type { IommuScenarioSpec, Topology } from '../src/scenarios/iommu/spec.js';
import { validateSpec } from '../src/scenarios/iommu/validate.js';
import { kinds, run } from './support/iommu.js';

/** a scenario arming `point`: one thread gets there, the other sees it reached and lets it go */
function reaching(point: string, topology: Topology, ops: IommuScenarioSpec['threads'][number]['ops'], extra: Partial<IommuScenarioSpec> = {}): IommuScenarioSpec {
  return {
    name: 'pause',
    summary: '',
    description: '',
    topology: { ...topology, pausePoints: [point] },
    threads: [
      { name: 'runner', ops },
      { name: 'releaser', ops: [{ op: 'wait', event: point }, { op: 'signal', event: `${point}:resume` }] },
    ],
    expect: { pass: true },
    ...extra,
  };
}

const reachers: Record<string, IommuScenarioSpec> = {
  'bus_iommu_probe:pci:phase2': reaching(
    'bus_iommu_probe:pci:phase2',
    { iommus: [{ name: 'smmu0', registered: false }], pci: [{ name: 'ep0', bus: 0, slot: 1 }] },
    [{ op: 'register', iommu: 'smmu0', expect: 0 }],
  ),
  'bus_iommu_probe:platform:phase2': reaching(
    'bus_iommu_probe:platform:phase2',
    { iommus: [{ name: 'smmu0', registered: false }], platform: [{ name: 'plat0' }] },
    [{ op: 'register', iommu: 'smmu0', expect: 0 }],
  ),
  'iommu_release_device': reaching(
    'iommu_release_device',
    { iommus: [{ name: 'smmu0' }], pci: [{ name: 'ep0', bus: 0, slot: 1 }] },
    [{ op: 'remove', dev: 'ep0', expect: 0 }],
  ),
  'iommu_release_device:window': reaching(
    'iommu_release_device:window',
    // two members: the last one leaving would free the domains under it in this order
    {
      iommus: [{ name: 'smmu0' }],
      pci: [{ name: 'ep0', bus: 0, slot: 1, multifunction: true }, { name: 'ep1', bus: 0, slot: 1, fn: 1, multifunction: true }],
    },
    [{ op: 'remove', dev: 'ep0', expect: 0 }],
    { patches: [{ releaseOrder: 'old' }] },
  ),
  'pci_reset:prepared': reaching(
    'pci_reset:prepared',
    { iommus: [{ name: 'smmu0' }], pci: [{ name: 'ep0', bus: 0, slot: 1, ats: true }] },
    [{ op: 'reset', dev: 'ep0', expect: 0 }],
  ),
  'iommu_deferred_attach': reaching(
    'iommu_deferred_attach',
    { iommus: [{ name: 'smmu0' }], mock: { deferredAttach: ['ep0'] }, pci: [{ name: 'ep0', bus: 0, slot: 1 }], defaultDomainType: 'dma' },
    [{ op: 'bind', dev: 'ep0', expect: 0 }, { op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'b', expect: 0 }],
  ),
};

/** what a reacher finds besides reaching its point */
const found: Record<string, string[]> = {
  // the cleanup removes the last member in the old order too: its domains are freed under it (seed 003),
  // which the contract of ops->free reports at the free
  'iommu_release_device:window': ['driver-contract', 'invariant'],
};

describe('scenario descriptions are validated', () => {
  test('iommuScenario() refuses a description with a bad reference, naming the field', () => {
    const bad = { ...reachers['bus_iommu_probe:pci:phase2']!, threads: [{ name: 't', ops: [{ op: 'bind' as const, dev: 'ep1' }] }] };
    const message = /^Error: scenario pause: threads\[0\]\.ops\[0\]\.dev: unknown device "ep1" \(did you mean "ep0"\?\)/;
    assert.throws(() => iommuScenario(bad), message);
  });

  test('overrideDma names a thread of the scenario and one of its operations', () => {
    const base = reachers['bus_iommu_probe:pci:phase2']!;
    const thread = base.threads[0]!.name;
    const misnamed = { ...base, overrideDma: { thread: `${thread}x`, after: 0 } };
    assert.throws(() => iommuScenario(misnamed), /overrideDma\.thread: no thread/);
    const beyond = { ...base, overrideDma: { thread, after: 99 } };
    assert.throws(() => iommuScenario(beyond), /overrideDma\.after: thread .* has \d+ operation/);
    assert.doesNotThrow(() => iommuScenario({ ...base, overrideDma: { thread, after: 0 } }));
  });

  for (const point of pausePointNames) {
    test(`pause point ${point} is reached by the model`, () => {
      const spec = reachers[point];
      assert.ok(spec !== undefined, `no test scenario reaches ${point}`);
      assert.deepEqual(validateSpec(spec), []);
      assert.deepEqual(kinds(run(spec)), found[point] ?? []);
    });
  }

  test('a name the model does not have is refused: armed anyway, its waiter would hang', () => {
    const spec = reaching(
      'bus_iommu_probe:pci:phase3',
      { iommus: [{ name: 'smmu0', registered: false }], pci: [{ name: 'ep0', bus: 0, slot: 1 }] },
      [{ op: 'register', iommu: 'smmu0', expect: 0 }],
    );
    assert.match(validateSpec(spec).map((i) => i.message).join('\n'), /unknown pause point "bus_iommu_probe:pci:phase3"/);
    assert.deepEqual(kinds(run(spec)), ['deadlock']);
  });
});
