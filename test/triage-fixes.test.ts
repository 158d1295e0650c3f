// The model and harness errors the triage of the fuzzer's signatures found (docs/FUZZING.md,
// "Triage of every signature"), one regression test each: each fixture fails before its fix.
// - the scenario interpreter's VFIO/iommufd group reference (src/scenarios/iommu/ops.ts
//   withGroup(), asOwner(), vfioTakeGroupRef()): the owner's group operations run on the group
//   VFIO took a reference on when vfio-pci bound, so a release of the device meanwhile never
//   frees the group under them (fuzz class 1 was this harness artifact);
// - the mock's unmap grace window, per IOVA range (two unmaps of one domain in flight);
// - the arm-smmu-v3 decoder: a stream no attach wrote is the abort STE probe left, not `none`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkScenario } from '../src/check/check.js';
import { loadScenarioFile, scenarioFileOf } from '../src/scenarios/file/load.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/owner-group-ref.yaml', import.meta.url));
const fixtureOf = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}.yaml`, import.meta.url));

/** the signatures an exhaustive default check of a fixture reports (and that it met its expect:) */
function checked(name: string): string[] {
  const [s] = loadScenarioFile(fixtureOf(name)).scenarios;
  const o = checkScenario(s!);
  assert.equal(o.exhaustive, true);
  assert.equal(o.matches, true, o.violations.map((v) => v.signature).join('\n'));
  return o.violations.map((v) => v.signature);
}

describe('the owner holds the group reference VFIO took at bind', () => {
  it('a release of the device during the owner\'s group calls empties the group but never frees it under them', () => {
    const [s] = loadScenarioFile(fixture).scenarios;
    const o = checkScenario(s!);
    assert.equal(o.exhaustive, true);
    const sigs = o.violations.map((v) => v.signature);
    // before the fix: use-after-free in iommu_group_claim_dma_owner, iommu_attach_group,
    // iommu_detach_group and iommu_group_release_dma_owner (lock &group->mutex of a freed group)
    assert.deepEqual(sigs.filter((x) => x.startsWith('use-after-free')), []);
    // what the kernel does on the emptied group remains: the owned group emptied, its first device gone
    assert.ok(sigs.some((x) => x.startsWith('warn in __iommu_group_free_device: ')), sigs.join('\n'));
    assert.ok(sigs.some((x) => x.startsWith('null-deref in __iommu_attach_group: ')), sigs.join('\n'));
    assert.equal(o.matches, true);
  });

  it('vfio-pci refuses a device without a group (vfio_group_find_or_alloc(): -EINVAL) and stays unbound', () => {
    const yaml = [
      'name: vfio-no-group',
      'summary: vfio-pci on a device without a group',
      'description: vfio-pci on a device without a group',
      'topology:',
      '  iommus: [ { name: iommu0 } ]',
      '  pci: [ { name: ep0, bus: 0, slot: 1, iommu: null } ]',
      'threads:',
      '  - name: t',
      '    ops:',
      '      - { op: bind, dev: ep0, driverManagedDma: true, expect: -EINVAL }',
      '      - { op: bind, dev: ep0, expect: 0 }',
      'expect: pass',
    ].join('\n');
    const [s] = scenarioFileOf('vfio-no-group.yaml', Buffer.from(yaml)).scenarios;
    const o = checkScenario(s!);
    assert.deepEqual(o.violations.map((v) => v.signature), []);
    assert.equal(o.matches, true);
  });
});

describe('model errors the triage fixed', () => {
  it('two unmaps of one DMA domain in flight: each iotlb_sync closes only its own grace window (H2)', () => {
    // before: "stale-translation in mock_iotlb_sync: H2: ... iotlb holds IOVA ..." (the other unmap's IOVA)
    assert.deepEqual(checked('concurrent-unmaps'), []);
  });

  it('arm-smmu-v3: a function hot-added into an owned group reads as the abort STE probe left', () => {
    // before: "I3: dev:ep2 RID is none but group->domain is domain:blocked (abort)"
    assert.deepEqual(checked('smmuv3-hotadd-into-owned-group'), []);
  });
});

describe('the findings the triage added: their reproducers show them', () => {
  it('F24: a reset whose re-attach fails under an allocation failure WARNs and leaves the function blocked', () => {
    const sigs = checked('reset-reattach-fails');
    assert.ok(sigs.includes('warn in done_locked: WARNING: WARN_ON(__iommu_attach_device(group->domain, &pdev->dev, group->blocking_domain))'), sigs.join('\n'));
    assert.ok(sigs.some((s) => /^invariant in pci_dev_reset_iommu_done: .*I3: dev:ep0 RID is abort but group#N->domain is domain:default/.test(s)), sigs.join('\n'));
  });

  it('F25: a reset removes PASIDs from a function without PASID support', () => {
    const sigs = checked('reset-no-pasid-function');
    assert.ok(sigs.includes('driver-contract in driver_set_dev_pasid: iommu driver contract violated: set_dev_pasid(dev:ep0, pasid N) beyond max_pasids N'), sigs.join('\n'));
  });
});
