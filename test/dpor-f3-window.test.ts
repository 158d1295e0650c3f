// F3's window (a device removal not ordered against an IOMMU registration's probe) keeps the
// yield rule, so DPOR can replay it. The fuzzer's reproducers of that window stopped their
// triage's confirming check with "dpor: step N ran kfree(dev_iommu:...) ..., the search expected
// kfree(fwspec#...)": dev_iommu_free() read and cleared dev->iommu->fwspec with plain accesses
// while the registration's iommu_fwspec_init() published it, and dev->iommu_group, iommu_dev,
// priv, group->devices, group->default_domain and the mock's stream-ID users were plain too.
// Before the fix both reproducers diverged at about DPOR's 525th execution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { PctStrategy } from '../src/explorer/pct.js';
import { YieldLog, yieldRaceSplat } from '../src/rt/yield-race.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}.yaml`, import.meta.url));

/** [fixture, DPOR executions (past the old divergence), kinds the capped search must find] */
const cases: ReadonlyArray<readonly [string, number, readonly string[]]> = [
  ['register-vs-remove-platform', 600, ['null-deref', 'use-after-free']],
  ['register-vs-remove-pci', 600, ['null-deref', 'use-after-free']],
  // F23: its use-after-free is first met at execution 300
  ['failed-register-vs-bind', 400, ['warn', 'use-after-free']],
];

describe('F3\'s window: DPOR replays the fuzzer\'s reproducers without diverging', { concurrency: true }, () => {
  for (const [name, executions, kinds] of cases) {
    it(`${name}: ${executions} DPOR executions, no divergence, ${kinds.join(' and ')} found`, () => {
      const s = loadScenarioFile(fixture(name)).scenarios[0]!;
      // before the fix: throws "dpor: step 180 ran kfree(dev_iommu:plat2) in thread 2, the search expected kfree(fwspec#200001) ..."
      // bounded by executions only (the 60 s default would cut it on a loaded machine)
      const faults = s.faults ?? { mode: 'none' as const };
      const r = explore(s.program, new DporStrategy(), { faults, maxExecutions: executions, timeLimitMs: 3_600_000 });
      assert.equal(r.executions, executions);
      const found = new Set(r.found.map((c) => c.kind));
      for (const k of kinds) assert.ok(found.has(k as never), `${name}: ${[...found].join(', ')}`);
    });
  }

  it('the yield rule holds on those paths (PCT in checking mode, errors injected too)', () => {
    const log = new YieldLog();
    for (const [name] of cases) {
      const s = loadScenarioFile(fixture(name)).scenarios[0]!;
      explore(s.program, new PctStrategy(1, 40, 3), { faults: s.faults ?? { mode: 'none' }, yieldLog: log });
      explore(s.program, new PctStrategy(2, 20, 3), { faults: { mode: 'choice', maxFailures: 1 }, yieldLog: log });
    }
    assert.deepEqual(log.list().map(yieldRaceSplat), []);
  });
});
