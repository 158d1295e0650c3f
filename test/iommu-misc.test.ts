// The smaller entry points: sysfs type, fake groups, fwspec, queries, global PASIDs, and the
// mock's static versus allocated blocked and identity domains.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FwNode } from '../src/base/device.js';
import { IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_DMA_FQ, IOMMU_DOMAIN_IDENTITY, IOMMU_PASID_INVALID } from '../src/core/domain-types.js';
import { iommuFwspecInit } from '../src/core/fwspec.js';
import { iommuGroupAddDevice, iommuGroupAlloc, iommuGroupPut } from '../src/core/group.js';
import { iommuAllocGlobalPasid, iommuFreeGlobalPasid } from '../src/core/pasid.js';
import { deviceIommuCapable, iommuDriverGetDomainForDev, iommuGetDomainForDev } from '../src/core/query.js';
import { iommuGroupRemoveDevice } from '../src/core/release.js';
import { IOMMU_CAP_CACHE_COHERENCY } from '../src/core/ops.js';
import { EACCES, EINVAL, EPERM, EPROBE_DEFER, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { iommuGroupStoreType } from '../src/core/default-domain.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

describe('sysfs type (iommu_group_store_type)', () => {
  it('DMA -> DMA-FQ flips in place; identity re-attaches; a bound driver makes it -EPERM', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      const a = w.devices.get('a')!;
      const g = a.iommuGroup!;
      const before = g.defaultDomain;
      assert.equal(yield* op(w, { op: 'setType', dev: 'a', type: 'DMA-FQ' }), 0);
      assert.equal(g.defaultDomain, before);
      assert.equal(g.defaultDomain!.type, IOMMU_DOMAIN_DMA_FQ);
      assert.equal(yield* op(w, { op: 'setType', dev: 'a', type: 'identity' }), 0);
      assert.equal(g.defaultDomain!.type, IOMMU_DOMAIN_IDENTITY);
      assert.equal(before!.freed, true, 'the old default domain is freed after the switch');
      assert.equal(a.dmaIommu, false);
      assert.equal(yield* op(w, { op: 'setType', dev: 'a', type: 'DMA' }), 0);
      assert.equal(g.defaultDomain!.type, IOMMU_DOMAIN_DMA);
      yield* op(w, { op: 'bind', dev: 'a' });
      assert.equal(yield* op(w, { op: 'setType', dev: 'a', type: 'identity' }), -EPERM);
      assert.equal(yield* op(w, { op: 'setType', dev: 'a', type: 'bogus' as 'auto' }), -EINVAL);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a failed switch restores the old default domain and attachment', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { faults: [{ callback: 'attach_dev', domain: 'identity', nth: 1 }] } });
    const r = run(spec(t), [function* (w) {
      const g = w.devices.get('a')!.iommuGroup!;
      const before = g.defaultDomain;
      assert.notEqual(yield* op(w, { op: 'setType', dev: 'a', type: 'identity' }), 0);
      assert.equal(g.defaultDomain, before);
      assert.equal(g.domain, before);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('without CAP_SYS_ADMIN and CAP_SYS_RAWIO the write is -EACCES', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      assert.equal(yield* iommuGroupStoreType(w.devices.get('a')!.iommuGroup!, 'identity', false), -EACCES);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('fake groups and fwspec', () => {
  it('iommu_group_add_device / iommu_group_remove_device for a device with no IOMMU driver', () => {
    const r = run(spec(pciTopology([{ name: 'n', bus: 0, slot: 1, iommu: null }])), [function* (w) {
      const n = w.devices.get('n')!;
      const g = yield* iommuGroupAlloc();
      assert.ok(typeof g !== 'number');
      assert.equal(yield* iommuGroupAddDevice(g, n), 0);
      assert.equal(n.iommuGroup, g);
      assert.equal(g.devices.length, 1);
      yield* iommuGroupRemoveDevice(n);
      assert.equal(n.iommuGroup, null);
      yield* iommuGroupPut(g);
      assert.equal(g.freed, true);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('iommu_fwspec_init(): -EPROBE_DEFER for an unknown instance, 0 again for the same one', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }])), [function* (w) {
      const lock = w.core.iommuProbeDeviceLock;
      yield* mutexLock(lock);
      assert.equal(yield* iommuFwspecInit(w.devices.get('n')!, new FwNode('nowhere')), -EPROBE_DEFER);
      assert.equal(yield* iommuFwspecInit(w.devices.get('a')!, w.iommus.get('smmu0')!.node), 0, 'same ops: fine');
      yield* mutexUnlock(lock);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('queries', () => {
  it('iommu_get_domain_for_dev() must not hold the group mutex; the driver variant must, and sees the resetting domain', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      const a = w.devices.get('a')!;
      const g = a.iommuGroup!;
      assert.equal(yield* iommuGetDomainForDev(a), g.domain);
      assert.equal(deviceIommuCapable(a, IOMMU_CAP_CACHE_COHERENCY), true);
      yield* mutexLock(g.mutex);
      assert.equal(iommuDriverGetDomainForDev(a), g.domain);
      g.resettingDomain = w.driver.blocked;
      assert.equal(iommuDriverGetDomainForDev(a), w.driver.blocked);
      g.resettingDomain = null;
      yield* iommuGetDomainForDev(a); // lockdep: held
      yield* mutexUnlock(g.mutex);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['lockdep']);
  });

  it('global PASIDs come from [1, max_pasids - 1]', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, pasids: 3 }, { name: 'b', bus: 0, slot: 2 }])), [function* (w) {
      const a = w.devices.get('a')!;
      assert.equal(iommuAllocGlobalPasid(a), 1);
      assert.equal(iommuAllocGlobalPasid(a), 2);
      assert.equal(iommuAllocGlobalPasid(a), IOMMU_PASID_INVALID);
      assert.equal(iommuAllocGlobalPasid(w.devices.get('b')!), IOMMU_PASID_INVALID);
      iommuFreeGlobalPasid(1);
      iommuFreeGlobalPasid(2);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('static or allocated blocked and identity domains', () => {
  it('without a static blocked domain a claim allocates an empty paging domain, freed with the group', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { blockedDomain: 'none' } })), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o' }), 0);
      const g = w.devices.get('a')!.iommuGroup!;
      const blocking = g.blockingDomain!;
      assert.notEqual(blocking, null);
      assert.equal(blocking.owner, w.driver.ops, 'allocated by the driver');
      yield* op(w, { op: 'releaseOwner', dev: 'a' });
      yield* op(w, { op: 'unbind', dev: 'a' });
      yield* op(w, { op: 'remove', dev: 'a' });
      assert.equal(blocking.freed, true);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('an allocated identity default domain, and a release_domain that attaches before release_device', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], {
      defaultDomainType: 'identity',
      mock: { identityDomain: 'alloc', releaseDomain: 'blocked', probeFinalize: true },
    });
    const r = run(spec(t), [function* (w) {
      const a = w.devices.get('a')!;
      const d = a.iommuGroup!.defaultDomain!;
      assert.equal(d.type, IOMMU_DOMAIN_IDENTITY);
      assert.notEqual(d, w.driver.identity);
      yield* op(w, { op: 'remove', dev: 'a' });
      assert.equal(d.freed, true);
      assert.equal(w.driver.ops.oracle.installed(a, null).kind, 'abort', 'parked on the release domain');
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
