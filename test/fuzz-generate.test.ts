// The fuzzer's programs keep every caller precondition: whatever the seed, a generated or
// mutated program passes the fuzzer's own rules and the scenario validator, its reproducer file
// reads back through the scenario-file loader, and the rules refuse the caller bugs they exist
// to keep out (a reused handle, a free while attached, a reset racing a removal, ...).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultFuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import { mutate } from '../src/fuzz/mutate.js';
import { generateProgram } from '../src/fuzz/program-gen.js';
import type { FuzzProgram } from '../src/fuzz/program.js';
import { Rand } from '../src/fuzz/rand.js';
import { reproducerYaml } from '../src/fuzz/reproducer.js';
import { ruleProblems } from '../src/fuzz/rules.js';
import { generateTopology } from '../src/fuzz/topology-gen.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { checkPreconditions } from '../src/scenarios/iommu/preconditions.js';
import type { Op } from '../src/scenarios/iommu/spec.js';
import { validateSpec } from '../src/scenarios/iommu/validate.js';

function fresh(seed: number): FuzzProgram {
  const r = new Rand(seed);
  return generateProgram(r, defaultFuzzConfig, generateTopology(r, defaultFuzzConfig));
}

describe('fuzz program generation', () => {
  test('every generated program keeps the rules and passes the scenario validator', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const p = fresh(seed);
        assert.deepEqual(ruleProblems(p), []);
        const { spec } = finalize(p, 'gen');
        assert.deepEqual(validateSpec(spec), []);
        assert.deepEqual(checkPreconditions(spec), []);
      }),
      { numRuns: 300 },
    );
  });

  test('every mutant of a generated program keeps the rules and passes the validator', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b) => {
        const m = mutate(new Rand(b), defaultFuzzConfig, fresh(a));
        if (m === null) return;
        assert.deepEqual(ruleProblems(m), []);
        assert.deepEqual(validateSpec(finalize(m, 'mut').spec), []);
      }),
      { numRuns: 200 },
    );
  });

  test('a reproducer file reads back as the same scenario', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { spec } = finalize(fresh(seed), `gen-${seed}`);
      const back = parseScenarioText(reproducerYaml(spec, ['header']), 'repro.yaml');
      assert.equal(back.length, 1);
      assert.deepEqual(JSON.parse(JSON.stringify(back[0])), JSON.parse(JSON.stringify(spec)));
    }
  });

  test('the same seed gives the same program', () => {
    assert.deepEqual(fresh(42), fresh(42));
    assert.notDeepEqual(fresh(42), fresh(43));
  });

  test('programs draw from the whole table: every operation kind and several topology features appear', () => {
    const kinds = new Set<string>();
    const features = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      const p = fresh(seed);
      for (const t of p.threads) for (const op of t.ops) kinds.add(op.op);
      for (const d of p.topology.pci ?? []) for (const k of Object.keys(d)) features.add(k);
      if (p.topology.platform !== undefined) features.add('platform');
    }
    for (const k of Object.keys(defaultFuzzConfig.ops)) assert.ok(kinds.has(k), `no program uses ${k}`);
    for (const f of ['bridge', 'multifunction', 'acs', 'aliases', 'ats', 'pasids', 'reset', 'quirkResetViaFlr', 'cxl', 'present', 'untrusted', 'resv', 'platform']) {
      assert.ok(features.has(f), `no topology has ${f}`);
    }
  });
});

describe('fuzz rules refuse caller bugs', () => {
  const topology = {
    iommus: [{ name: 'iommu0' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 1, ats: true, pasids: 16 },
      { name: 'ep1', bus: 0, slot: 2 },
    ],
  };
  const one = (...threads: Op[][]): FuzzProgram => ({
    topology,
    threads: threads.map((ops, i) => ({ name: `t${i}`, ops })),
    prologue: threads.map(() => 0),
    patches: [],
  });
  const owner: Op[] = [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
    { op: 'attach', dev: 'ep0', domain: 'D', api: 'handle', handle: 'h' },
  ];

  test('the legal program passes', () => {
    assert.deepEqual(ruleProblems(one([...owner, { op: 'detach', dev: 'ep0', domain: 'D' }, { op: 'domainFree', domain: 'D' }])), []);
  });

  test('a domain freed while attached', () => {
    assert.match(ruleProblems(one([...owner, { op: 'domainFree', domain: 'D' }])).join(), /freed while attached/);
  });

  test('a handle used twice', () => {
    const ops: Op[] = [...owner, { op: 'replace', dev: 'ep0', domain: 'D', handle: 'h' }];
    assert.match(ruleProblems(one(ops)).join(), /handle h is used twice/);
  });

  test('ownership released before the detach', () => {
    assert.match(ruleProblems(one([...owner, { op: 'releaseOwner', dev: 'ep0' }])).join(), /released while attached/);
  });

  test('a device driven from two threads', () => {
    assert.match(ruleProblems(one(owner, [{ op: 'bind', dev: 'ep0' }])).join(), /device ep0 is used by threads/);
  });

  test('a DMA-API mapping without a DMA-API driver; a PASID without a claim, except SVA on a function alone in its group', () => {
    assert.match(ruleProblems(one([{ op: 'bind', dev: 'ep1', driverManagedDma: true }, { op: 'dmaMap', dev: 'ep1', paddr: 0x1000, as: 'b' }])).join(), /without a DMA-API driver/);
    const pasid: Op[] = [{ op: 'bind', dev: 'ep0' }, { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true }, { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1 }];
    // ep0 is alone on its slot of the root bus: a DMA-API driver's SVA binding
    assert.deepEqual(ruleProblems(one(pasid)), []);
    // the same with ep0 one function of a multifunction slot (one group with its sibling): refused
    const shared: FuzzProgram = {
      ...one(pasid),
      topology: { ...topology, pci: [{ ...topology.pci[0]!, multifunction: true }, { name: 'ep1', bus: 0, slot: 1, fn: 1, multifunction: true }] },
    };
    assert.match(ruleProblems(shared).join(), /not claimed/);
    // nor may an SVA binding be replaced (iommufd's operation)
    assert.match(ruleProblems(one([...pasid, { op: 'domainAlloc', dev: 'ep0', domain: 'Q', pasid: true }, { op: 'pasidReplace', dev: 'ep0', domain: 'Q', pasid: 1, handle: 'r' }])).join(), /replaced without a claim/);
  });

  test('anything after a remove in its thread; a remove of a device its owner still holds', () => {
    assert.match(ruleProblems(one([{ op: 'remove', dev: 'ep1' }, { op: 'reset', dev: 'ep0' }])).join(), /after a remove/);
    assert.match(ruleProblems(one([...owner, { op: 'remove', dev: 'ep0' }])).join(), /owner still holds it/);
  });

  test('two threads using a hot-added device each wait for their own event (one completion lets one waiter through)', () => {
    const hot: FuzzProgram = {
      ...one([{ op: 'hotAdd', dev: 'ep1' }], [{ op: 'reset', dev: 'ep1' }], [{ op: 'resetMethod', dev: 'ep1', methods: 'default' }]),
      topology: { ...topology, pci: [topology.pci[0]!, { ...topology.pci[1]!, present: false }] },
    };
    assert.deepEqual(ruleProblems(hot), []);
    const { spec } = finalize(hot, 'hot');
    assert.deepEqual(validateSpec(spec), []);
    const waits = spec.threads.slice(1).map((t) => t.ops[0]!);
    assert.deepEqual(waits.map((o) => o.op), ['wait', 'wait']);
    const events = waits.map((o) => (o as { event: string }).event);
    assert.notEqual(events[0], events[1]);
    const signals = spec.threads[0]!.ops.filter((o) => o.op === 'signal').map((o) => (o as { event: string }).event);
    assert.deepEqual([...signals].sort(), [...events].sort());
  });

  test('a reset racing the removal of its device is ordered by events, so the validator accepts it', () => {
    const p = one([{ op: 'reset', dev: 'ep1' }], [{ op: 'remove', dev: 'ep1' }]);
    assert.deepEqual(ruleProblems(p), []);
    const { spec } = finalize(p, 'ordered');
    assert.deepEqual(validateSpec(spec), []);
    const t1 = spec.threads[1]!.ops;
    assert.equal(t1[0]!.op, 'wait');
    assert.equal(spec.threads[0]!.ops[1]!.op, 'signal');
  });
});
