// DMA ownership: DMA-API users and owner tokens (spec core.md §4.7).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  iommuDeviceClaimDmaOwner,
  iommuDeviceUnuseDefaultDomain,
  iommuDeviceUseDefaultDomain,
  iommuGroupDmaOwnerClaimed,
} from '../src/core/ownership.js';
import { checkScenario } from '../src/check/check.js';
import { iommuAsyncProbe, iommuAsyncProbeUnfixed } from '../src/scenarios/iommu/findings/async-probe.js';
import { EBUSY, EINVAL, ENODEV, EPERM } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

const two = pciTopology([
  { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true },
  { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true },
]);

describe('DMA-API users of the default domain', () => {
  it('bound drivers are counted; an owned group refuses a DMA-API driver with -EBUSY', () => {
    const r = run(spec(two), [function* (w) {
      const g = w.devices.get('f0')!.iommuGroup!;
      assert.equal(yield* op(w, { op: 'bind', dev: 'f0' }), 0);
      assert.equal(g.ownerCnt, 1);
      // iommufd claims through the VFIO device: vfio-pci binds (driver_managed_dma: no use of the default domain)
      assert.equal(yield* op(w, { op: 'bind', dev: 'f1', driverManagedDma: true }), 0);
      assert.equal(g.ownerCnt, 1);
      assert.equal(yield* op(w, { op: 'claim', dev: 'f1', owner: 'vfio' }), -EPERM, 'a DMA-API group has no owner token');
      assert.equal(yield* op(w, { op: 'unbind', dev: 'f0' }), 0);
      assert.equal(g.ownerCnt, 0);
      assert.equal(yield* op(w, { op: 'claim', dev: 'f1', owner: 'vfio' }), 0);
      assert.equal(yield* op(w, { op: 'bind', dev: 'f0' }), -EBUSY, 'an owned group refuses DMA-API users');
    }], { warnFails: false });
    assert.deepEqual(kinds(r), []);
  });

  it('unuse without a user WARNs and does not go negative', () => {
    const r = run(spec(two), [function* (w) {
      yield* iommuDeviceUnuseDefaultDomain(w.devices.get('f0')!);
      assert.equal(w.devices.get('f0')!.iommuGroup!.ownerCnt, 0);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('bind between the two phases of bus_iommu_probe() is deferred (b46064a18810); reverted, dma_iommu flips', () => {
    assert.equal(checkScenario(iommuAsyncProbe).matches, true);
    const unfixed = checkScenario(iommuAsyncProbeUnfixed);
    assert.equal(unfixed.matches, true);
    assert.match(unfixed.violations[0]!.splat, /I11/);
  });
});

describe('owner tokens', () => {
  it('device claims with one token are counted; another token is -EPERM; the last release goes back to default', () => {
    const r = run(spec(two), [function* (w) {
      const g = w.devices.get('f0')!.iommuGroup!;
      for (const dev of ['f0', 'f1']) yield* op(w, { op: 'bind', dev, driverManagedDma: true });
      assert.equal(yield* op(w, { op: 'claim', dev: 'f0', owner: 'a' }), 0);
      assert.equal(g.domain, g.blockingDomain);
      assert.equal(yield* op(w, { op: 'claim', dev: 'f1', owner: 'b' }), -EPERM);
      assert.equal(yield* op(w, { op: 'claim', dev: 'f1', owner: 'a' }), 0);
      assert.equal(g.ownerCnt, 2);
      assert.equal(yield* iommuGroupDmaOwnerClaimed(g), true);
      assert.equal(yield* op(w, { op: 'releaseOwner', dev: 'f1' }), 0);
      assert.equal(g.domain, g.blockingDomain, 'one claim left');
      assert.equal(yield* op(w, { op: 'releaseOwner', dev: 'f0' }), 0);
      assert.equal(g.owner, null);
      assert.equal(g.domain, g.defaultDomain);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a group claim is exclusive, even for the same token', () => {
    const r = run(spec(two), [function* (w) {
      assert.equal(yield* op(w, { op: 'claim', dev: 'f0', owner: 'a', group: true }), 0);
      assert.equal(yield* op(w, { op: 'claim', dev: 'f1', owner: 'a', group: true }), -EPERM);
      assert.equal(yield* op(w, { op: 'releaseOwner', dev: 'f0', group: true }), 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('argument errors: a NULL token WARNs with -EINVAL; no group is -ENODEV', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }])), [function* (w) {
      assert.equal(yield* iommuDeviceClaimDmaOwner(w.devices.get('a')!, null), -EINVAL);
      // (vfio-pci itself refuses a device without a group: iommufd has no VFIO device to claim through)
      assert.equal(yield* op(w, { op: 'bind', dev: 'n', driverManagedDma: true }), -EINVAL);
      assert.equal(yield* op(w, { op: 'claim', dev: 'n', owner: 'a' }), -ENODEV);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('a device with a firmware direct mapping can never be claimed (-EINVAL), and stays on its default domain', () => {
    const t = pciTopology([{ name: 'gpu', bus: 0, slot: 2, resv: [{ start: 0x80000, length: 0x2000 }] }]);
    const r = run(spec(t), [function* (w) {
      const gpu = w.devices.get('gpu')!;
      const g = gpu.iommuGroup!;
      assert.equal(gpu.iommu!.requireDirect, true);
      assert.equal(yield* op(w, { op: 'dma', dev: 'gpu', iova: 0x80000 }), 0, 'the RMRR is mapped 1:1 in the default domain');
      assert.equal(yield* op(w, { op: 'bind', dev: 'gpu', driverManagedDma: true }), 0);
      assert.equal(yield* op(w, { op: 'claim', dev: 'gpu', owner: 'vfio' }), -EINVAL);
      assert.equal(g.domain, g.defaultDomain);
      assert.equal(g.owner, null);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a group with a PASID attached refuses claims (-EBUSY) and a second DMA-API user', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, pasids: 8 }])), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'S', pasid: 3 }), 0);
      assert.equal(yield* iommuDeviceUseDefaultDomain(w.devices.get('a')!), -EBUSY);
      assert.equal(yield* op(w, { op: 'pasidDetach', dev: 'a', domain: 'S', pasid: 3 }), 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
