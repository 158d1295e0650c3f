// The smaller entry points: sysfs type, fake groups, fwspec, queries, global PASIDs, and the
// mock's static versus allocated blocked and identity domains.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FwNode } from '../src/base/device.js';
import { IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_DMA_FQ, IOMMU_DOMAIN_IDENTITY, IOMMU_PASID_INVALID } from '../src/core/domain-types.js';
import { iommuFwspecInit } from '../src/core/fwspec.js';
import { iommuGroupAddDevice, iommuGroupAlloc, iommuGroupGet, type IommuGroup, iommuGroupPut } from '../src/core/group.js';
import { iommuAllocGlobalPasid, iommuFreeGlobalPasid } from '../src/core/pasid.js';
import { deviceIommuCapable, iommuDriverGetDomainForDev, iommuGetDomainForDev, iommuGroupDefaultDomain } from '../src/core/query.js';
import { iommuGroupRemoveDevice } from '../src/core/release.js';
import { IOMMU_CAP_CACHE_COHERENCY } from '../src/core/ops.js';
import { EACCES, EINVAL, ENOMEM, EPERM, EPROBE_DEFER, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { current } from '../src/rt/current.js';
import type { Program } from '../src/rt/execution.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { iommuProgram } from '../src/scenarios/iommu/build.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { iommuGroupStoreType } from '../src/core/default-domain.js';
import { kinds, op, pciTopology, run, spec, mockDriver } from './support/iommu.js';

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

  it('a write racing the removal of the last member: -EPERM once the group is empty (dying), never a use of the freed domain', () => {
    // the open sysfs file holds a group reference (taken here in the prologue); the check of
    // default_domain is lockless, the member count is read under the mutex
    const s = spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }]));
    const seen = new Set<unknown>();
    const base = iommuProgram(s, (w) => [
      {
        name: 'sysfs',
        *body() {
          const g = w.kept.get('group') as IommuGroup;
          const ret = yield* iommuGroupStoreType(g, 'identity');
          if (ret === -EPERM) {
            assert.equal(g.devices.length, 0);
            assert.equal(g.defaultDomain, null, 'freed by the removal; nothing was set up');
            assert.equal(g.domain, null);
          }
          yield* iommuGroupPut(g);
          return ret;
        },
      },
      { name: 'remove', body: () => op(w, { op: 'remove', dev: 'a' }) },
    ]);
    const program = {
      ...base,
      *prologue(w: IommuWorld): Gen {
        yield* base.prologue!(w);
        w.kept.set('group', yield* iommuGroupGet(w.devices.get('a')!));
      },
      *teardown(w: IommuWorld, results: readonly unknown[]): Gen {
        seen.add(results[0]);
        yield* base.teardown!(w, results);
      },
    };
    // one preemption is enough to remove the device between the lockless check and the mutex
    const r = explore(program as Program<unknown>, new DfsStrategy(1));
    assert.equal(r.limitHit, false);
    assert.deepEqual(r.found.map((c) => c.violation.splat), []);
    assert.ok(seen.has(-EPERM) && seen.has(0), [...seen].join(', '));
    assert.ok([...seen].every((ret) => ret === 0 || ret === -EPERM || ret === -EINVAL), [...seen].join(', '));
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

  it('iommu_group_add_device(): each allocation failing is -ENOMEM; the device stays out of the group and no reference is taken', () => {
    const t = pciTopology([{ name: 'n', bus: 0, slot: 1, iommu: null }]);
    // fault points counted up to iommu_group_add_device(), and inside it, in a fault-free run
    let before = 0;
    let inside = 0;
    const body = (failing: boolean) => function* (w: IommuWorld): Gen<number> {
      const n = w.devices.get('n')!;
      const g = yield* iommuGroupAlloc();
      assert.ok(typeof g !== 'number');
      if (!failing) before = current.allocations;
      const ret = yield* iommuGroupAddDevice(g, n);
      if (!failing) inside = current.allocations - before;
      if (ret === 0) {
        yield* iommuGroupRemoveDevice(n);
      } else {
        assert.equal(n.iommuGroup, null);
        assert.equal(g.devices.length, 0);
        assert.equal(g.kobj.value, 1, 'only the allocation reference');
      }
      yield* iommuGroupPut(g);
      assert.equal(g.freed, true);
      return ret;
    };
    const ok = run(spec(t), [body(false)]);
    assert.deepEqual([kinds(ok), ok.results[0]], [[], 0]);
    assert.ok(inside >= 2, 'the group_device and its sysfs links are fault points');
    for (let k = 1; k <= inside; k++) {
      const r = run(spec(t), [body(true)], { faults: { mode: 'nth', nth: before + k } });
      assert.equal(r.results[0], -ENOMEM, `fault point ${k}`);
      assert.deepEqual(kinds(r), [], `fault point ${k}: nothing leaked`);
    }
  });

  it('iommu_group_remove_device() racing iommu_group_add_device(): a device not yet on the list is not unlinked, but the reference is still dropped', () => {
    // iommu_group_add_device() sets dev->iommu_group before it takes the mutex to append
    const s = spec(pciTopology([{ name: 'n', bus: 0, slot: 1, iommu: null }]));
    const outcomes = new Set<string>();
    const base = iommuProgram(s, (w) => [
      { name: 'add', body: () => iommuGroupAddDevice(w.kept.get('group') as IommuGroup, w.devices.get('n')!) },
      { name: 'remove', body: () => iommuGroupRemoveDevice(w.devices.get('n')!) },
    ]);
    const program = {
      ...base,
      *prologue(w: IommuWorld): Gen {
        yield* base.prologue!(w);
        const g = yield* iommuGroupAlloc();
        assert.ok(typeof g !== 'number');
        w.kept.set('group', g);
      },
      *teardown(w: IommuWorld, results: readonly unknown[]): Gen {
        const n = w.devices.get('n')!;
        const g = w.kept.get('group') as IommuGroup;
        assert.equal(results[0], 0);
        const listed = g.devices.some((gd) => gd.dev === n);
        if (!listed) {
          // removed: unlinked, pointer cleared, the add's reference dropped
          assert.deepEqual([n.iommuGroup, g.kobj.value], [null, 1]);
          outcomes.add('removed');
          yield* iommuGroupPut(g);
        } else {
          assert.equal(n.iommuGroup, g);
          // 2: the remove ran before the pointer was set; 1: it ran in the window, found
          // nothing to unlink and still dropped the add's reference
          const before = g.kobj.value === 2;
          if (!before) assert.equal(g.kobj.value, 1);
          outcomes.add(before ? 'before' : 'not found');
          yield* iommuGroupRemoveDevice(n);
          // the prologue's reference, unless the window already dropped it in its place
          if (before) yield* iommuGroupPut(g);
        }
        assert.equal(g.freed, true);
        yield* base.teardown!(w, results);
      },
    };
    const r = explore(program as Program<unknown>, new DfsStrategy());
    assert.equal(r.exhaustive, true);
    assert.deepEqual(r.found.map((c) => c.violation.splat), []);
    assert.deepEqual([...outcomes].sort(), ['before', 'not found', 'removed']);
  });

  it('iommu_fwspec_init(): -EPROBE_DEFER for an unknown instance, 0 again for the same one', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }])), [function* (w) {
      const lock = w.core.iommuProbeDeviceLock;
      yield* mutexLock(lock);
      assert.equal(yield* iommuFwspecInit(w.devices.get('n')!, new FwNode('nowhere')), -EPROBE_DEFER);
      assert.equal(yield* iommuFwspecInit(w.devices.get('a')!, w.kernel.fwnodeOf('smmu0')), 0, 'same ops: fine');
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
      assert.equal(yield* deviceIommuCapable(a, IOMMU_CAP_CACHE_COHERENCY), true);
      yield* mutexLock(g.mutex);
      assert.equal(iommuDriverGetDomainForDev(a), g.domain);
      g.resettingDomain = mockDriver(w).blocked;
      assert.equal(iommuDriverGetDomainForDev(a), mockDriver(w).blocked);
      g.resettingDomain = null;
      yield* iommuGetDomainForDev(a); // lockdep: held
      yield* mutexUnlock(g.mutex);
    }], { warnFails: false });
    // a resetting_domain set by hand while the RID is on group->domain: the answer is not the
    // RID's domain, which the driver contract reports
    assert.deepEqual(kinds(r), ['driver-contract', 'lockdep']);
  });

  it('device_iommu_capable() is false without an IOMMU; iommu_group_default_domain() is the group\'s default domain', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }])), [function* (w) {
      const n = w.devices.get('n')!;
      assert.equal(yield* deviceIommuCapable(n, IOMMU_CAP_CACHE_COHERENCY), false);
      const g = w.devices.get('a')!.iommuGroup!;
      assert.notEqual(g.defaultDomain, null);
      assert.equal(iommuGroupDefaultDomain(g), g.defaultDomain);
      yield* op(w, { op: 'setType', dev: 'a', type: 'identity' });
      assert.equal(iommuGroupDefaultDomain(g), mockDriver(w).identity, 'follows a sysfs switch');
    }]);
    assert.deepEqual(kinds(r), []);
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
      assert.equal(blocking.owner, mockDriver(w).ops, 'allocated by the driver');
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
      assert.notEqual(d, mockDriver(w).identity);
      yield* op(w, { op: 'remove', dev: 'a' });
      assert.equal(d.freed, true);
      assert.equal(w.truth.installed(a, null).kind, 'abort', 'parked on the release domain');
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
