// One report, two bugs: a signature keeps a witness per cause (src/fuzz/cause.ts: the operations
// other threads had in flight, a fault injected), and triage keeps the cause while it shrinks
// the program. The WARN of prepare's re-entry from a reset (`warn in prepare_locked via
// pci_reset_function_with`) is F2 when the reset's own device_specific quirk resets through
// pcie_flr() (a reset alone), and F8's other order when a sysfs reset_method write's probe is in
// flight: the program below shows both, and each minimizes to its own bug.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import type { FuzzProgram } from '../src/fuzz/program.js';
import { searchProgram } from '../src/fuzz/search.js';
import { triage } from '../src/fuzz/triage.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';

const config: FuzzConfig = {
  ...defaultFuzzConfig,
  search: { ...defaultFuzzConfig.search, random: 40, pct: 40, dfsBounds: [] },
  triage: { executions: 30, candidates: 20, checkSeconds: 600, causes: 4 },
};

const program: FuzzProgram = {
  topology: {
    iommus: [{ name: 'iommu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 1, ats: true, reset: ['device_specific', 'flr'], quirkResetViaFlr: true }],
    defaultDomainType: 'dma',
  },
  threads: [
    { name: 't0', ops: [{ op: 'bind', dev: 'ep0' }, { op: 'reset', dev: 'ep0' }] },
    { name: 't1', ops: [{ op: 'resetMethod', dev: 'ep0', methods: 'default' }] },
  ],
  prologue: [1, 0],
  patches: [],
};

const signature = /^warn in prepare_locked via pci_reset_function_with: /;

test('one signature, two causes: both witnesses are kept, and each minimizes to its own bug (F2, F8\'s other order)', () => {
  const { spec } = finalize(program, 'two-causes');
  const found = searchProgram(spec, iommuScenario(spec).program, { budget: config.search, faults: [], seed: 3 });
  const warns = found.witnesses.filter((w) => signature.test(w.signature));
  assert.deepEqual(warns.map((w) => w.cause).sort(), ['alone', 'with resetMethod']);
  assert.equal(new Set(warns.map((w) => w.signature)).size, 1, 'one signature');
  // counted once per execution, not once per cause
  assert.ok(found.counts[warns[0]!.signature]! <= found.executions);
  const ops = (p: FuzzProgram): string[] => p.threads.flatMap((t) => t.ops.map((o) => o.op)).sort();
  const byCause = new Map(warns.map((w) => [w.cause, triage({ program, witness: w, config, seed: 1 })]));
  // F2: the reset alone, through the device_specific quirk that resets with pcie_flr()
  const f2 = byCause.get('alone')!;
  assert.ok(f2.reproduced);
  assert.equal(f2.cause, 'alone');
  assert.deepEqual(ops(f2.program), ['reset']);
  assert.equal(f2.program.topology.pci?.[0]?.quirkResetViaFlr, true);
  assert.equal(f2.check?.matches, true);
  // F8's other order: the reset_method write's probe first, then the reset's prepare
  const f8 = byCause.get('with resetMethod')!;
  assert.ok(f8.reproduced);
  assert.equal(f8.cause, 'with resetMethod');
  assert.deepEqual(ops(f8.program), ['reset', 'resetMethod']);
  assert.equal(f8.check?.matches, true);
  assert.match(f2.signature, signature);
  assert.match(f8.signature, signature);
});
