// The scenario file schema is the TypeScript scenario API: at compile time, the type the schema
// produces is IommuScenarioSpec (every op, every field, its type and allowed values), so neither
// can change without the other; at run time, a description using every operation and every
// field survives YAML and comes back equal, with numbers in hex and return codes by name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import type * as z from 'zod';
import { ScenarioFileError } from '../src/scenarios/file/file-error.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { opNames, opSchema } from '../src/scenarios/file/op-schema.js';
import { scenarioSchema } from '../src/scenarios/file/scenario-schema.js';
import type { IommuScenarioSpec, Op, OpName } from '../src/scenarios/iommu/spec.js';
import { EBUSY, EINVAL, ENOENT, EPROBE_DEFER } from '../src/sync/index.js';

// ---- compile-time mirror: these lines do not compile if the schema and spec.ts differ ----
type Mutable<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer U>
    ? Mutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
const scenarioMirrors: Same<Mutable<z.output<typeof scenarioSchema>>, Mutable<IommuScenarioSpec>> = true;
const opMirrors: Same<Mutable<z.output<typeof opSchema>>, Mutable<Op>> = true;
const opNamesMirror: Same<z.output<typeof opSchema>['op'], OpName> = true;

/** every operation, every optional field, every topology knob */
const kitchenSink: IommuScenarioSpec = {
  name: 'kitchen-sink',
  summary: 'every field',
  description: 'A description using every operation and field of the scenario API.',
  topology: {
    iommus: [{ name: 'smmu0' }, { name: 'smmu1', registered: false }],
    mock: {
      blockedDomain: 'none',
      identityDomain: 'alloc',
      releaseDomain: 'blocked',
      legacyDefaultDomain: 'none',
      deviceGroup: 'pci',
      pasid: true,
      maxPasids: 0x100,
      deferredAttach: ['ep1'],
      defDomainType: { ep0: 'dma', plat0: 'identity' },
      probeFinalize: true,
      lastPasidRestoresRid: true,
      faults: [
        { callback: 'attach_dev', dev: 'ep0', domain: 'paging', nth: 2, err: -EBUSY },
        { callback: 'device_group', returnNull: true },
      ],
    },
    pci: [
      { name: 'rp0', bus: 0, slot: 1, bridge: { secondary: 1, kind: 'pcie-port' }, acs: true },
      {
        name: 'ep0',
        bus: 1,
        slot: 0,
        fn: 0,
        iommu: 'smmu0',
        pasids: 16,
        resv: [{ start: 0x8000000, length: 0x10000, relaxable: true }],
        present: true,
        multifunction: true,
        acs: false,
        ats: true,
        untrusted: false,
        aliases: [0x08],
        reset: ['flr', 'pm', 'device_specific'],
        quirkResetViaFlr: true,
        resetTimeout: false,
        acpiResetFails: true,
        cxl: false,
      },
      { name: 'ep1', bus: 1, slot: 0, fn: 1, multifunction: true, present: false, iommu: null },
    ],
    platform: [{ name: 'plat0', iommu: 'smmu1', sids: [0x42, 0x43], pasids: 0, resv: [{ start: 0x1000, length: 0x1000 }], present: true }],
    defaultDomainType: 'dma-fq',
    pausePoints: ['bus_iommu_probe:platform:phase2'],
  },
  patches: ['revertUseDefaultDomainDefer', 'resetDoneAllDevices', { releaseOrder: 'reversal2022' }, { resetFence: 'withoutDeferred' }],
  variants: [
    { patches: [{ releaseOrder: 'old' }, { noResetIommuHooks: true }], expect: { violations: ['invariant'] } },
    { patches: [{ resetDoneAllDevices: false }], expect: { pass: true } },
  ],
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd', group: true, expect: 0 },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D', pasid: true, iommufd: true },
  ],
  threads: [
    {
      name: 't0',
      ops: [
        { op: 'register', iommu: 'smmu1', expect: [0, -EBUSY] },
        { op: 'hotAdd', dev: 'ep1' },
        { op: 'attach', dev: 'ep0', domain: 'D', api: 'handle', handle: 'h0' },
        { op: 'replace', dev: 'ep0', domain: 'D', handle: 'h0' },
        { op: 'detach', dev: 'ep0', domain: 'D', api: 'handle' },
        { op: 'pasidAttach', dev: 'ep0', domain: 'D', pasid: 1, handle: 'p1' },
        { op: 'pasidReplace', dev: 'ep0', domain: 'D', pasid: 1, handle: 'p1', expect: -EINVAL },
        { op: 'pasidDetach', dev: 'ep0', domain: 'D', pasid: 1 },
        { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x200000, size: 0x2000 },
        { op: 'unmap', domain: 'D', iova: 0x10000, size: 0x2000 },
        { op: 'signal', event: 'go' },
        { op: 'wait', event: 'bus_iommu_probe:platform:phase2' },
      ],
    },
    {
      name: 't1',
      ops: [
        { op: 'wait', event: 'go' },
        { op: 'bind', dev: 'plat0' },
        { op: 'dmaMap', dev: 'plat0', paddr: 0x100000, size: 0x1000, as: 'buf' },
        { op: 'prepareMsi', dev: 'plat0', doorbell: 0x8000000 },
        { op: 'resvRegions', dev: 'ep0' },
        { op: 'dma', dev: 'plat0', handle: 'buf', pasid: 0 },
        { op: 'dma', dev: 'ep0', iova: 0x10000 },
        { op: 'dmaUnmap', dev: 'plat0', handle: 'buf' },
        { op: 'unbind', dev: 'plat0', expect: [0, -ENOENT, -EPROBE_DEFER] },
        { op: 'reset', dev: 'ep0', method: 'flr' },
        { op: 'reset', dev: 'ep0', method: 'default' },
        { op: 'resetMethod', dev: 'ep0', methods: ['flr', 'pm'], expect: [0, -EINVAL] },
        { op: 'resetMethod', dev: 'ep0', methods: 'default' },
        { op: 'setType', dev: 'ep0', type: 'DMA-FQ' },
        { op: 'releaseOwner', dev: 'ep0', group: true },
        { op: 'domainFree', domain: 'D' },
        { op: 'remove', dev: 'ep1' },
        { op: 'unregister', iommu: 'smmu1' },
        { op: 'signal', event: 'bus_iommu_probe:platform:phase2:resume' },
      ],
    },
  ],
  epilogue: [{ op: 'unbind', dev: 'ep0' }],
  expect: { violations: ['warn', 'use-after-free'] },
  faults: { mode: 'choice', maxFailures: 2 },
};

describe('the scenario file schema mirrors spec.ts', () => {
  test('the types are the same (compile-time assertions)', () => {
    assert.equal(scenarioMirrors && opMirrors && opNamesMirror, true);
  });

  test('the kitchen sink uses every operation', () => {
    const ops = [...kitchenSink.prologue!, ...kitchenSink.threads.flatMap((t) => t.ops), ...kitchenSink.epilogue!];
    const used = new Set(ops.map((o) => o.op));
    assert.deepEqual([...used].sort(), [...opNames].sort());
  });

  test('a description using every field survives YAML unchanged', () => {
    const specs = parseScenarioText(stringify(kitchenSink), 'sink.yaml');
    assert.deepEqual(specs, [kitchenSink]);
  });

  test('hex numbers, errno names, the pass shorthand and fault plans read as the API has them', () => {
    const text = `
name: shorthand
summary: s
description: d
topology:
  iommus: [{ name: smmu0 }]
  pci: [{ name: ep0, bus: 0x1, slot: 0x1f, fn: 0x7, aliases: [0xff] }]
prologue:
  - { op: domainAlloc, dev: ep0, domain: D }
threads:
  - name: t
    ops:
      - { op: map, domain: D, iova: 0x7fff0000, paddr: 0x1000, size: 0x10000, expect: -EINVAL }
      - { op: attach, dev: ep0, domain: D, api: group, expect: [0, -EBUSY, -16, -EPROBE_DEFER] }
expect: pass
faults: { mode: nth, nth: 3 }
`;
    const [spec] = parseScenarioText(text, 'x.yaml');
    assert.deepEqual(spec!.topology.pci, [{ name: 'ep0', bus: 1, slot: 31, fn: 7, aliases: [255] }]);
    assert.deepEqual(spec!.threads[0]!.ops, [
      { op: 'map', domain: 'D', iova: 0x7fff0000, paddr: 0x1000, size: 0x10000, expect: -EINVAL },
      { op: 'attach', dev: 'ep0', domain: 'D', api: 'group', expect: [0, -EBUSY, -EBUSY, -EPROBE_DEFER] },
    ]);
    assert.deepEqual(spec!.expect, { pass: true });
    assert.deepEqual(spec!.faults, { mode: 'nth', nth: 3 });
  });

  test('a file can hold several scenarios under scenarios:, sharing parts through anchors', () => {
    const one = { ...kitchenSink, name: 'one' };
    const text = stringify({ scenarios: [one, { ...one, name: 'two', faults: { mode: 'none' } }] }, { aliasDuplicateObjects: true });
    assert.match(text, /&a\d+/, 'the writer shares the repeated parts through anchors');
    const specs = parseScenarioText(text, 'many.yaml');
    assert.deepEqual(specs.map((s) => s.name), ['one', 'two']);
    assert.deepEqual(specs[1]!.topology, kitchenSink.topology);
    assert.deepEqual(specs[1]!.faults, { mode: 'none' });
  });

  test('the built-in validation runs for files too: a scenario file and iommuScenario() refuse the same description', () => {
    const bad = { ...kitchenSink, threads: [{ name: 't', ops: [{ op: 'attach', dev: 'nope', domain: 'D' } as const] }] };
    assert.throws(() => parseScenarioText(stringify(bad), 'bad.yaml'), (e: unknown) => e instanceof ScenarioFileError && /unknown device "nope"/.test(e.message));
  });
});
