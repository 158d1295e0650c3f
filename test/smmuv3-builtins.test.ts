// Every core built-in also runs on arm-smmu-v3 (the `--driver smmuv3` topology override, NAME@smmuv3)
// and meets its expectation there (expectByDriver where the outcome depends on the driver); the
// seed 002 and SMMUv3 finding scenarios; `--driver` on the command line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { patchRegistry } from '../src/core/patches.js';
import { builtinScenarios, findScenario } from '../src/scenarios/registry.js';
import { scenarioWithDriver } from '../src/scenarios/variants.js';
import { iommuSpecOf } from '../src/scenarios/iommu/build.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { iommulab } from './support/cli.js';
import { overrideDmaTests } from './support/override-dma.js';
import { driverFew, representative } from './support/heavy.js';

/** heavy ones the CLI check covers (`iommulab check --driver smmuv3`): thousands of executions */
const heavy = new Set(['iommu-reset-vs-detach', 'iommu-reset-method-live']);

const core = builtinScenarios.filter((s) => s.name.startsWith('iommu-') && iommuSpecOf(s)!.topology.iommus.every((i) => i.driver === undefined));

describe('core built-ins on arm-smmu-v3', () => {
  overrideDmaTests('smmuv3');

  for (const s of representative(core.filter((x) => !heavy.has(x.name)), driverFew)) {
    it(`${s.name}@smmuv3 meets its expectation`, () => {
      const v = scenarioWithDriver(s, 'smmuv3');
      assert.equal(v.name, `${s.name}@smmuv3`);
      assert.ok(iommuSpecOf(v)!.topology.iommus.every((i) => i.driver === 'smmuv3'));
      const o = checkScenario(v);
      assert.equal(o.matches, true, `${v.name}: ${o.outcome} ${o.violations.map((x) => x.title).join('; ')}`);
    });
  }

  it('NAME@DRIVER[,SETTINGS] is found by name (workers, replay keys): one syntax with the toggle settings', () => {
    const v = findScenario('iommu-lifecycle@smmuv3');
    assert.ok(v !== undefined);
    assert.equal(v.name, 'iommu-lifecycle@smmuv3');
    assert.ok(iommuSpecOf(v)!.topology.iommus.every((i) => i.driver === 'smmuv3'));
    assert.equal(findScenario('iommu-lifecycle@nosuch'), undefined);
    assert.equal(findScenario('lost-update@smmuv3'), undefined);
    // the driver first, then the settings; the name a scenario in both gets is the name that finds it
    const both = findScenario('iommu-reset-vs-attach@smmuv3,resetFence=none')!;
    assert.equal(both.name, 'iommu-reset-vs-attach@smmuv3,resetFence=none');
    assert.equal(both.patches!.resetFence, 'none');
    assert.ok(iommuSpecOf(both)!.topology.iommus.every((i) => i.driver === 'smmuv3'));
    assert.equal(findScenario('iommu-reset-vs-attach@resetFence=none')!.withDriver!('smmuv3').name, both.name);
    assert.equal(findScenario('iommu-reset-vs-attach@smmuv3')!.withPatches!({ resetFence: 'none' }).name, both.name);
    assert.equal(findScenario('iommu-reset-vs-attach@resetFence=none,smmuv3'), undefined);
  });

  it('expectations by driver: on the scenario and on a declared variant, kept under the other settings', () => {
    // done's PASID restore aborts the identity RID on arm-smmu-v3 (F10, the done half)
    // (and the driver contracts' reports, on either driver: docs/FINDINGS.md F10, F22)
    assert.deepEqual(findScenario('iommu-reset-pasid-detach')!.expect, { violations: ['driver-contract'] });
    assert.deepEqual(findScenario('iommu-reset-pasid-detach@smmuv3')!.expect, { violations: ['invariant', 'driver-contract'] });
    // a variant's own expectation on the driver (Kevin Tian's done loop with a wrong old)
    assert.deepEqual(findScenario('iommu-reset-vs-hotadd@resetDoneAllDevices')!.expect, { violations: ['driver-contract'] });
    assert.deepEqual(findScenario('iommu-reset-vs-hotadd@smmuv3,resetDoneAllDevices')!.expect, { violations: ['use-after-free', 'driver-contract'] });
    // a setting no variant declares keeps the scenario's expectation on that driver
    assert.deepEqual(findScenario('iommu-reset-pasid-detach@smmuv3,resetFence=withoutDeferred')!.expect, { violations: ['invariant', 'driver-contract'] });
  });

  it('variants on the driver meet their expectations (a few, the CLI run covers all)', () => {
    const names = [
      'iommu-reset-vs-hotadd@smmuv3,resetDoneAllDevices',
      'iommu-release-last-member@smmuv3,releaseOrder=old',
      'iommu-reset-vs-deferred-map@smmuv3,resetFence=withoutDeferred',
    ];
    for (const name of names) {
      const o = checkScenario(findScenario(name)!);
      assert.equal(o.matches, true, `${name}: ${o.outcome} ${o.violations.map((x) => x.title).join('; ')}`);
    }
  });
});

describe('seed 002 and the SMMUv3 findings', () => {
  it('the merged design refuses attaches during the FLR and stays consistent; the recorded one leaves the RID aborting (I3)', () => {
    const merged = checkScenario(findScenario('iommu-seed002-reset-refuses')!);
    assert.equal(merged.outcome, 'pass');
    assert.equal(merged.exhaustive, true);
    const recorded = checkScenario(findScenario('iommu-seed002-test-dev-recorded')!);
    assert.equal(recorded.matches, true);
    // (the driver contract reports done's query first: F10's done half)
    assert.ok(recorded.violations.some((v) => /I3: dev:ep0 RID is abort but .*->domain is domain:S2/.test(v.splat)), recorded.violations.map((v) => v.title).join('; '));
  });

  it('F10 on arm-smmu-v3 (the driver itself, not the mock knob): prepare restores bypass before the FLR (I9)', () => {
    const o = checkScenario(findScenario('iommu-reset-pasid-identity@smmuv3')!);
    assert.equal(o.matches, true);
    assert.ok(o.violations.some((v) => /I9: dev:ep0 is in reset but its RID is bypass/.test(v.splat)), o.violations.map((v) => v.title).join('; '));
  });

  it('F10, the done half on arm-smmu-v3: with the early prepare order, done restores the PASID while resetting_domain is set (I3)', () => {
    const o = checkScenario(findScenario('iommu-reset-pasid-identity@smmuv3,resetPrepareOrder=early')!);
    assert.equal(o.matches, true);
    assert.ok(o.violations.some((v) => /I3: dev:ep0 RID is abort but .*->domain is .*identity/.test(v.splat)), o.violations.map((v) => v.title).join('; '));
  });

  it('both seed 002 toggles are listed with their source', () => {
    for (const n of ['testDevOp', 'resetRecordAttach']) {
      const p = patchRegistry.find((x) => x.name === n);
      assert.ok(p !== undefined && p.source.includes('seeds/002'), n);
    }
  });
});

describe('seed 002 toggles are toggles like the others (values, default, --patch, patches:)', { concurrency: true }, () => {
  it('`iommulab patches` lists both with values, the default marked, source and commit', async () => {
    const r = await iommulab('patches');
    assert.equal(r.status, 0, r.stderr);
    for (const n of ['testDevOp', 'resetRecordAttach']) {
      const block = r.stdout.slice(r.stdout.indexOf(`${n}: `)).split('\n\n')[0]!;
      assert.match(block, /^ {2}off \(default\) /m, n);
      assert.match(block, /^ {2}on {2,}\S/m, n);
      assert.match(block, /^ {2}source: seeds\/002/m, n);
      assert.match(block, /^ {2}commit: /m, n);
    }
  });

  it('--patch testDevOp runs a scenario in that setting, named by it; the driver comes first in a name', async () => {
    const r = await iommulab('check', '--workers', '1', '--json', '--patch', 'testDevOp', 'iommu-seed002-reset-refuses');
    assert.equal(r.status, 0, r.stderr);
    type Outcome = { scenario: string; patches: Record<string, string>; matches: boolean };
    const out = JSON.parse(r.stdout) as { scenarios: Outcome[] };
    assert.equal(out.scenarios[0]!.scenario, 'iommu-seed002-reset-refuses@testDevOp');
    assert.equal(out.scenarios[0]!.patches.testDevOp, 'on');
    assert.equal(out.scenarios[0]!.matches, true);
    const both = await iommulab('check', '--workers', '1', '--driver', 'smmuv3', 'iommu-reset-vs-attach@resetFence=none');
    assert.equal(both.status, 0, both.stderr);
    assert.match(both.stdout, /^ok {3}iommu-reset-vs-attach@smmuv3,resetFence=none /m);
  });

  it('a scenario file names them in `patches:`, alone or with a value', () => {
    const [spec] = parseScenarioText([
      'name: x', 'summary: s', 'description: d',
      'topology: { iommus: [ { name: smmu0, driver: smmuv3 } ], pci: [ { name: ep0, bus: 0, slot: 1 } ] }',
      'patches: [testDevOp, resetRecordAttach: on]',
      'threads: [ { name: t, ops: [ { op: bind, dev: ep0 } ] } ]',
      'expect: pass',
    ].join('\n'), 'x.yaml');
    assert.deepEqual(spec!.patches, ['testDevOp', { resetRecordAttach: true }]);
  });
});

describe('iommulab --driver', { concurrency: true }, () => {
  it('check --driver smmuv3 runs NAME@smmuv3 and examples as they are', async () => {
    // (iommu-lifecycle: iommu-reset-vs-attach@smmuv3, its search and its variant's, run in this file already)
    const r = await iommulab('check', '--workers', '1', '--driver', 'smmuv3', 'iommu-lifecycle', 'lost-update');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ok {3}iommu-lifecycle@smmuv3 /m);
    assert.match(r.stdout, /^ok {3}lost-update /m);
  });

  it('replay --driver takes the same override; an unknown driver is a usage error', async () => {
    const r = await iommulab('replay', '--driver', 'smmuv3', 'iommu-lifecycle', '-');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /arm_smmu_attach_dev/);
    const bad = await iommulab('check', '--driver', 'nosuch', 'iommu-lifecycle');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--driver/);
  });
});
