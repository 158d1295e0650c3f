// Attach / detach / replace, group handles, the set-domain internals with rollback and
// MUST_SUCCEED, deferred attach (spec core.md §4.5, §4.6).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iommuAttachDevice, iommuDeferredAttach, iommuDetachDevice } from '../src/core/attach.js';
import { IommuDomain } from '../src/core/domain.js';
import { iommuAttachGroupHandle, iommuAttachHandleGet, iommuReplaceGroupHandle } from '../src/core/group-handle.js';
import { sameTranslation } from '../src/hw/translation.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EBUSY, EINVAL, ENODEV, ENOENT, ENOMEM, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec, mockDriver } from './support/iommu.js';

const one = pciTopology([{ name: 'a', bus: 0, slot: 1 }]);
const two = (extra = {}) =>
  pciTopology(
    [
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true },
    ],
    extra,
  );

function on(w: IommuWorld, dev: string, domain: IommuDomain | null): boolean {
  const d = w.devices.get(dev)!;
  const o = w.truth;
  return domain !== null && sameTranslation(o.installed(d, null), o.translationOf(domain));
}

function* owned(w: IommuWorld, devs: readonly string[]): Gen {
  for (const dev of devs) {
    assert.equal(yield* op(w, { op: 'bind', dev, driverManagedDma: true }), 0);
    assert.equal(yield* op(w, { op: 'claim', dev, owner: 'o' }), 0);
  }
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: devs[0]!, domain: 'D' }), 0);
}

describe('iommu_attach_device / iommu_detach_device', () => {
  it('attaches a single-device group and detaches it back to the core domain', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w, ['a']);
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(g.domain, g.blockingDomain, 'a claim parks the group on the blocking domain');
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D' }), 0);
      assert.ok(on(w, 'a', w.domains.get('D')!));
      assert.equal(yield* op(w, { op: 'detach', dev: 'a', domain: 'D' }), 0);
      assert.equal(g.domain, g.blockingDomain, 'owned: back to the blocking domain');
      assert.ok(on(w, 'a', g.blockingDomain));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('errors: no group -ENODEV, a two-device group -EINVAL, a foreign domain -EBUSY, another driver\'s domain -EINVAL', () => {
    const r = run(spec(two({ pci: [
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true },
      { name: 'solo', bus: 0, slot: 4 },
      { name: 'none', bus: 0, slot: 5, iommu: null },
    ] })), [function* (w) {
      yield* owned(w, ['solo']);
      const D = w.domains.get('D')!;
      assert.equal(yield* iommuAttachDevice(D, w.devices.get('none')!), -ENODEV);
      assert.equal(yield* iommuAttachDevice(D, w.devices.get('f0')!), -EINVAL);
      const alien = new IommuDomain('alien');
      assert.equal(yield* iommuAttachDevice(alien, w.devices.get('solo')!), -EINVAL);
      assert.equal(yield* op(w, { op: 'attach', dev: 'solo', domain: 'D' }), 0);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'solo', domain: 'E' }), 0);
      assert.equal(yield* iommuAttachDevice(w.domains.get('E')!, w.devices.get('solo')!), -EBUSY);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('detach with a domain that is not attached WARNs and changes nothing', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w, ['a']);
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'E' });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D' });
      const g = w.devices.get('a')!.iommuGroup!;
      yield* iommuDetachDevice(w.domains.get('E')!, w.devices.get('a')!);
      assert.equal(g.domain, w.domains.get('D'));
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('detach of a device with no group returns without a WARN; other groups keep their domain', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'none', bus: 0, slot: 2, iommu: null }]);
    const r = run(spec(t), [function* (w) {
      yield* owned(w, ['a']);
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D' });
      const D = w.domains.get('D')!;
      const none = w.devices.get('none')!;
      assert.equal(none.iommuGroup, null);
      yield* iommuDetachDevice(D, none);
      assert.equal(w.truth.installed(none, null).kind, 'none', 'no IOMMU programmed for it');
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(g.domain, D);
      assert.ok(on(w, 'a', D));
    }]);
    assert.deepEqual(kinds(r), [], 'no WARN (warnFails would make one a violation)');
  });
});

describe('__iommu_group_set_domain_internal', () => {
  it('rolls back the members already switched when one fails', () => {
    const r = run(spec(two({ mock: { faults: [{ callback: 'attach_dev', dev: 'f1', domain: 'paging', nth: 2 }] } })), [function* (w) {
      yield* owned(w, ['f0', 'f1']);
      const g = w.devices.get('f0')!.iommuGroup!;
      assert.equal(yield* op(w, { op: 'attach', dev: 'f0', domain: 'D', api: 'group' }), -ENOMEM);
      assert.equal(g.domain, g.blockingDomain, 'group->domain unchanged');
      assert.ok(on(w, 'f0', g.blockingDomain) && on(w, 'f1', g.blockingDomain), 'f0 went back');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a revert that fails WARNs (a driver must re-accept a domain it had)', () => {
    const faults = [
      // f1's paging attaches: its default domain at probe (1st), then D (2nd)
      { callback: 'attach_dev' as const, dev: 'f1', domain: 'paging' as const, nth: 2 },
      // f0's blocked attaches: the claim (1st), then the revert (2nd)
      { callback: 'attach_dev' as const, dev: 'f0', domain: 'blocked' as const, nth: 2 },
    ];
    const r = run(spec(two({ mock: { faults } })), [function* (w) {
      yield* owned(w, ['f0', 'f1']);
      assert.equal(yield* op(w, { op: 'attach', dev: 'f0', domain: 'D', api: 'group' }), -ENOMEM);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('MUST_SUCCEED keeps going, parks a failing member on the blocking domain, WARNs, sets group->domain', () => {
    const r = run(spec(two({ mock: { faults: [{ callback: 'attach_dev', dev: 'f0', domain: 'blocked', nth: 2 }] } })), [function* (w) {
      yield* owned(w, ['f0', 'f1']);
      const g = w.devices.get('f0')!.iommuGroup!;
      yield* op(w, { op: 'attach', dev: 'f0', domain: 'D', api: 'group' });
      yield* op(w, { op: 'detach', dev: 'f0', domain: 'D', api: 'group' });
      assert.equal(g.domain, g.blockingDomain, 'the nofail switch sets group->domain anyway');
      assert.ok(on(w, 'f1', g.blockingDomain));
      assert.ok(on(w, 'f0', w.domains.get('D')!), 'f0 stayed where it was (its blocked attach failed twice)');
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });
});

describe('group handles', () => {
  it('attach_group_handle records the handle at pasid 0 only after success; a second attach is -EBUSY', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w, ['a']);
      const g = w.devices.get('a')!.iommuGroup!;
      const D = w.domains.get('D')!;
      assert.equal(yield* iommuAttachGroupHandle(D, g, null), -EINVAL);
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'handle', handle: 'h' }), 0);
      const h = yield* iommuAttachHandleGet(g, 0, 0);
      assert.equal(h, w.handles.get('h'));
      assert.equal(yield* iommuAttachHandleGet(g, 1, 0), -ENOENT);
      assert.equal(yield* iommuAttachGroupHandle(D, g, w.handles.get('h')!), -EBUSY, 'the slot is taken');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a failed handle attach releases its reservation', () => {
    const r = run(spec(one, [], { topology: { ...one, mock: { faults: [{ callback: 'attach_dev', domain: 'paging', nth: 2 }] } } }), [function* (w) {
      yield* owned(w, ['a']);
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'handle', handle: 'h' }), -ENOMEM);
      assert.equal(g.pasidArray.slots.size, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('replace_group_handle switches domain and handle; NULL arguments are -EINVAL', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w, ['a']);
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'E' });
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(yield* iommuReplaceGroupHandle(g, null, w.handles.get('h1') ?? null), -EINVAL);
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'handle', handle: 'h1' }), 0);
      assert.equal(yield* op(w, { op: 'replace', dev: 'a', domain: 'E', handle: 'h2' }), 0);
      assert.equal(g.domain, w.domains.get('E'));
      assert.ok(on(w, 'a', w.domains.get('E')!));
      assert.equal(yield* iommuAttachHandleGet(g, 0, 0), w.handles.get('h2'));
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('iommu_deferred_attach', () => {
  it('is -EBUSY while a reset is in progress, and attaches otherwise', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { deferredAttach: ['a'] } });
    const r = run(spec(t), [function* (w) {
      const a = w.devices.get('a')!;
      const g = a.iommuGroup!;
      yield* mutexLock(g.mutex);
      g.resettingDomain = mockDriver(w).blocked;
      yield* mutexUnlock(g.mutex);
      assert.equal(yield* iommuDeferredAttach(a, g.defaultDomain!), -EBUSY);
      yield* mutexLock(g.mutex);
      g.resettingDomain = null;
      yield* mutexUnlock(g.mutex);
      assert.equal(yield* iommuDeferredAttach(a, g.defaultDomain!), 0);
      assert.equal(a.iommu!.attachDeferred, false);
      assert.equal(yield* iommuDeferredAttach(a, g.defaultDomain!), 0, 'the lockless check short-cuts');
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
