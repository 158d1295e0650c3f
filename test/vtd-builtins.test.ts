// Every core built-in also runs on the intel-iommu driver (the `--driver vtd` topology override,
// NAME@vtd: the same operations, every IOMMU of the topology on VT-d) and meets its expectation
// there, `expectByDriver` where the outcome depends on the driver (the reasons in
// docs/FINDINGS.md, "Built-ins on VT-d"); the variants whose outcome differs on VT-d; F17 and
// `--driver vtd` on the command line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckOptions, checkScenario } from '../src/check/check.js';
import { iommuSpecOf } from '../src/scenarios/iommu/build.js';
import { builtinScenarios, findScenario } from '../src/scenarios/registry.js';
import { scenarioWithDriver } from '../src/scenarios/variants.js';
import { iommulab } from './support/cli.js';
import { overrideDmaTests } from './support/override-dma.js';
import { driverFew, representative } from './support/heavy.js';

/**
 * What the CLI run covers (`iommulab check --driver vtd`): thousands of executions. The
 * reset-vs-detach race (~5,000 DPOR executions: the driver's lockless list_empty() in domain_free
 * orders against every attach step) needs 1,653 even bounded to two preemptions since --driver
 * adds a DMA after the reset (9 s): the CLI run covers it as on arm-smmu-v3.
 */
const heavy = new Set(['iommu-reset-method-live', 'iommu-reset-vs-detach']);

/** searches bounded for the suite's time (none at the moment) */
const bounded: Readonly<Record<string, Partial<CheckOptions>>> = {};

const core = builtinScenarios.filter((s) => s.name.startsWith('iommu-') && iommuSpecOf(s)!.topology.iommus.every((i) => i.driver === undefined));

function meets(name: string, options: Partial<CheckOptions> = {}): void {
  const v = findScenario(name)!;
  assert.ok(v !== undefined, name);
  const o = checkScenario(v, options);
  const found = [...new Set(o.violations.map((x) => x.kind))].sort();
  assert.equal(o.matches, true, `${v.name}: ${o.outcome} ${found.join(', ')}`);
  // a bounded search must still find every kind the scenario expects, and nothing else
  if ('violations' in v.expect) assert.deepEqual(found, [...new Set(v.expect.violations)].sort(), v.name);
  if (options.preemptionBound === undefined) assert.equal(o.exhaustive, true, `${v.name}: the search ran its course`);
}

describe('core built-ins on VT-d', () => {
  overrideDmaTests('vtd');

  for (const s of representative(core.filter((x) => !heavy.has(x.name)), driverFew)) {
    it(`${s.name}@vtd meets its expectation`, () => {
      const v = scenarioWithDriver(s, 'vtd');
      assert.equal(v.name, `${s.name}@vtd`);
      assert.ok(iommuSpecOf(v)!.topology.iommus.every((i) => i.driver === 'vtd'));
      meets(v.name, bounded[s.name]);
    });
  }

  it('variants whose outcome differs on VT-d meet theirs (the CLI run covers every variant)', () => {
    for (const name of [
      'iommu-reset-vs-deferred-map@vtd,resetFence=withoutDeferred',
      'iommu-reset-vs-hotadd-alias@vtd,resetDoneAllDevices',
      'iommu-reset-pasid-identity@vtd,resetPrepareOrder=early',
      'iommu-reset-pasid-detach@vtd,resetDriverQuery=groupDomain',
      'iommu-release-last-member@vtd,releaseOrder=old',
    ]) meets(name);
  });

  it('F17 under the core built-ins: reset done hands set_dev_pasid old = the blocking domain', () => {
    const o = checkScenario(findScenario('iommu-reset-pasid-identity@vtd')!);
    const stack = /RIP: domain_id_iommu[\s\S]*iommu_domain_did[\s\S]*intel_iommu_set_dev_pasid[\s\S]*pci_dev_reset_iommu_done/;
    assert.match(o.violations[0]!.splat, stack);
  });
});

describe('iommulab --driver vtd', { concurrency: true }, () => {
  it('check --driver vtd runs NAME@vtd (and the variants it declares) and examples as they are', async () => {
    const r = await iommulab('check', '--workers', '1', '--driver', 'vtd', 'iommu-reset-pasid-identity', 'lost-update');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ok {3}iommu-reset-pasid-identity@vtd /m);
    assert.match(r.stdout, /^ok {3}lost-update /m);
  });

  it('check --driver moves the core built-ins only: one written for a driver keeps its own', async () => {
    // seed 002's recorded-attach design is written for arm-smmu-v3 (26 executions; until
    // 2026-12-05 this ran iommu-smmuv3-unmap-vs-reset, 2,576)
    const r = await iommulab('check', '--workers', '1', '--driver', 'vtd', 'iommu-seed002-test-dev-recorded', 'iommu-lifecycle');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok {3}iommu-seed002-test-dev-recorded +violation: invariant, driver-contract /m);
    assert.match(r.stdout, /^ok {3}iommu-lifecycle@vtd /m);
  });

  it('replay --driver vtd takes the same override, and so does the name', async () => {
    for (const args of [['--driver', 'vtd', 'iommu-reset-pasid-identity'], ['iommu-reset-pasid-identity@vtd']]) {
      const r = await iommulab('replay', ...args, '-');
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /RIP: domain_id_iommu/);
      assert.match(r.stdout, /pasid_write_word0\(pasid_entry\[1\]\(ep0\)\)/);
    }
  });
});
