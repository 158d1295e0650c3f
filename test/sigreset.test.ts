// F28 (docs/FINDINGS.md, branch sigreset): iommu_driver_get_domain_for_dev() answers the
// group's resetting domain for every member while only the function under reset is blocked. A
// sibling's PASID detach during the reset hears "blocked", and a driver that downgrades its STE
// when the last PASID goes (arm-smmu-v3; the mock's lastPasidRestoresRid) blocks the sibling's RID
// for good (I3). The fix this model proposes, resetDriverQuery=resetDevice, answers the resetting
// domain only for the function the reset blocked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkScenario } from '../src/check/check.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { withVariants } from '../src/scenarios/variants.js';

const file = fileURLToPath(new URL('../../test/fixtures/fuzz-sigreset/reset-sibling-pasid-detach.yaml', import.meta.url));

describe('F28: a sibling PASID detach during a reset (mock, arm-smmu-v3\'s downgrade)', () => {
  const base = loadScenarioFile(file).scenarios.find((s) => s.name === 'reset-sibling-pasid-detach')!;
  const [faithful, f10Fixed, fixed] = withVariants(base);

  const sibling = /iommu_driver_get_domain_for_dev\(dev:ep1\) answered domain:blocked#N|I3: dev:ep1 RID is abort/;

  it('as merged, and with F10\'s two fixes, the sibling hears the blocking domain and its RID is blocked', () => {
    for (const s of [faithful!, f10Fixed!]) {
      const o = checkScenario(s);
      assert.equal(o.exhaustive, true);
      assert.equal(o.matches, true, `${s.name}: ${o.violations.map((v) => v.signature).join('; ')}`);
      const hits = o.violations.filter((v) => sibling.test(v.signature)).map((v) => v.signature);
      assert.ok(hits.some((h) => h.includes('I3: dev:ep1')), `${s.name}: no I3 on ep1 (${hits.join('; ')})`);
      assert.ok(hits.some((h) => h.includes('get_domain_for_dev(dev:ep1)')), `${s.name}: no query contract on ep1`);
    }
  });

  it('with resetDriverQuery=resetDevice the sibling hears group->domain and keeps its RID', () => {
    const o = checkScenario(fixed!);
    assert.equal(o.exhaustive, true);
    assert.equal(o.matches, true, `${fixed!.name}: ${o.violations.map((v) => v.signature).join('; ')}`);
    assert.deepEqual(o.violations.filter((v) => sibling.test(v.signature)).map((v) => v.signature), []);
  });
});
