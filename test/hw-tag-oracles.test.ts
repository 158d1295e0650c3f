// H5/H6 (hardware.md §6) on arm-smmu-v3 and intel-iommu: the tag checks (hw/check/tags.ts) run
// where attach_dev / set_dev_pasid returned 0 (core/contracts.ts `tags_installed`). A driver that
// hands a live ASID or DID to a second domain is reported; the faithful drivers are not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArmSmmuDomain } from '../src/drivers/smmuv3/domain.js';
import type { ArmSmmuDriver } from '../src/drivers/smmuv3/driver.js';
import type { DmarDomain } from '../src/drivers/vtd/domain.js';
import type { IntelIommu } from '../src/drivers/vtd/iommu.js';
import { pciRid } from '../src/machine/topology.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import type { Gen } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

const ep0 = { name: 'ep0', bus: 0, slot: 5, pasids: 256 };
const ep1 = { name: 'ep1', bus: 0, slot: 6, pasids: 256 };

/** ep0 and ep1 owned by one user, D and E allocated (E through `beforeE` first) */
function* twoDomains(w: IommuWorld, beforeE: () => void): Gen {
  for (const dev of ['ep0', 'ep1']) {
    assert.equal(yield* op(w, { op: 'bind', dev, driverManagedDma: true }), 0);
    assert.equal(yield* op(w, { op: 'claim', dev, owner: 'o' }), 0);
  }
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'D' }), 0);
  beforeE();
}

function h5(r: ReturnType<typeof run>): string[] {
  return r.exec.violations.filter((v) => v.kind === 'invariant').map((v) => v.message);
}

describe('H5 at the tag installs (arm-smmu-v3)', () => {
  const topo = pciTopology([ep0, ep1], { iommus: [{ name: 'smmu0', driver: 'smmuv3' }] });
  const body = (reuse: boolean) =>
    function* (w: IommuWorld): Gen<number> {
      const drv = w.kernel.drivers.get('smmuv3') as ArmSmmuDriver;
      yield* twoDomains(w, () => {
        // a driver variant whose ASID allocator forgets D's ASID: E gets the same one
        if (reuse) drv.asids.delete((w.domains.get('D') as ArmSmmuDomain).asid);
      });
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep1', domain: 'E' }), 0);
      assert.equal((w.domains.get('D') as ArmSmmuDomain).asid === (w.domains.get('E') as ArmSmmuDomain).asid, reuse);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep1', domain: 'E' }), 0);
      return 0;
    };

  it('two live S1 domains with one ASID: an invariant violation naming H5 at the second attach', () => {
    const r = run(spec(topo), [body(true)]);
    const m = h5(r);
    assert.equal(m.length, 1, kinds(r).join(' '));
    assert.match(m[0]!, /H5: .*walks 2 different tables/);
    assert.match(m[0]!, new RegExp(`sid 0x${pciRid(ep0).toString(16)}.*sid 0x${pciRid(ep1).toString(16)}`));
    assert.match(m[0]!, /after attach_dev\(dev:ep1\) returned 0/);
  });

  it('the faithful allocator (distinct ASIDs): nothing reported', () => {
    assert.deepEqual(kinds(run(spec(topo), [body(false)])), []);
  });
});

describe('H5 at the tag installs (intel-iommu)', () => {
  const topo = pciTopology([ep0, ep1], { iommus: [{ name: 'dmar0', driver: 'vtd' }] });
  it('a DID handed out while a live domain holds it: an invariant violation naming H5', () => {
    const r = run(spec(topo), [function* (w: IommuWorld): Gen<number> {
      yield* twoDomains(w, () => undefined);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep1', domain: 'E' }), 0);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      // a driver variant whose IDA forgets D's DID: E's first attach on the unit gets the same one
      const d = w.domains.get('D') as DmarDomain;
      const info = [...d.iommuArray.values()][0]!;
      const iommu: IntelIommu = info.iommu;
      iommu.domainIda = new Set([...iommu.domainIda].filter((n) => n !== info.did));
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep1', domain: 'E' }), 0);
      return 0;
    }]);
    const m = h5(r);
    assert.ok(m.length >= 1, kinds(r).join(' '));
    assert.match(m[0]!, /H5: .*walks 2 different tables/);
  });
});
