// Triage: the minimized program still shows the signature it was minimized for, it is smaller,
// its schedule replays that signature strictly, and its scenario file reads back and is
// confirmed by the check it names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runOnce } from '../src/explorer/run-once.js';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import type { FuzzProgram } from '../src/fuzz/program.js';
import { reproducerYaml } from '../src/fuzz/reproducer.js';
import { searchProgram } from '../src/fuzz/search.js';
import { signatureOf } from '../src/fuzz/signature.js';
import { triage } from '../src/fuzz/triage.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';

const config: FuzzConfig = {
  ...defaultFuzzConfig,
  search: { ...defaultFuzzConfig.search, random: 60, pct: 60, dfsBounds: [] },
  // the confirming check is bounded by executions; a 3 s time limit fired under load and made the
  // reproducer's expectation depend on the machine (as test/fuzz-campaign.test.ts says of its own)
  triage: { executions: 60, candidates: 40, checkSeconds: 600 },
};

// the window of docs/FINDINGS.md F3 (a device removed while its IOMMU registers), with noise
const program: FuzzProgram = {
  topology: {
    iommus: [{ name: 'iommu0', registered: false }],
    pci: [
      { name: 'ep0', bus: 0, slot: 1, ats: true },
      { name: 'ep1', bus: 0, slot: 2, pasids: 16 },
    ],
    defaultDomainType: 'dma',
  },
  threads: [
    { name: 't0', ops: [{ op: 'register', iommu: 'iommu0' }, { op: 'setType', dev: 'ep1', type: 'DMA' }] },
    { name: 't1', ops: [{ op: 'reset', dev: 'ep1' }, { op: 'remove', dev: 'ep0' }] },
    { name: 't2', ops: [{ op: 'resvRegions', dev: 'ep1' }] },
  ],
  prologue: [0, 0, 0],
  patches: [],
};

test('triage keeps the signature, shrinks the program and writes a reproducer that replays it', () => {
  const { spec } = finalize(program, 'noisy');
  const found = searchProgram(spec, iommuScenario(spec).program, { budget: config.search, faults: [], seed: 3 });
  const witness = found.witnesses.find((w) => w.kind === 'use-after-free' || w.kind === 'null-deref');
  assert.ok(witness !== undefined, `the race shows: ${found.witnesses.map((w) => w.signature).join('; ')}`);
  const out = triage({ program, witness, config, seed: 1 });
  assert.ok(out.reproduced);
  // the same signature: kind, reporting function and message (this one names no object, so
  // the canonical renaming cannot change it)
  assert.equal(out.signature, witness.signature);
  assert.equal(out.rawSignature, witness.signature);
  const size = (p: FuzzProgram): number => p.threads.reduce((n, t) => n + t.ops.length, 0) + (p.topology.pci?.length ?? 0);
  assert.ok(size(out.program) < size(program), 'the reproducer is smaller');
  // the replay key reproduces the signature, strictly
  const s = decodeSchedule(out.schedule);
  const exec = runOnce(iommuScenario(out.spec).program, s.choices, { faults: { mode: 'none' }, warnFails: true, trace: false, strict: true });
  assert.ok(exec.violations.some((v) => signatureOf(v) === out.signature));
  // the file reads back, and the check it names finds what it expects
  const back = parseScenarioText(reproducerYaml(out.spec, ['signature']), 'repro.yaml');
  assert.deepEqual(back[0]!.expect, out.spec.expect);
  assert.ok(out.check !== null && out.check.matches, JSON.stringify(out.check));
});
