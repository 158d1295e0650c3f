// Error paths of DMA ownership and PASID attachments (spec core.md §4.7, §4.8): return codes,
// owner bookkeeping, the hardware the mock programmed, WARNs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IommuDomain } from '../src/core/domain.js';
import { iommuAttachHandleGet } from '../src/core/group-handle.js';
import {
  iommuDeviceUnuseDefaultDomain,
  iommuDeviceUseDefaultDomain,
  iommuGroupClaimDmaOwner,
  iommuGroupReleaseDmaOwner,
} from '../src/core/ownership.js';
import { IOMMU_DOMAIN_UNMANAGED, IOMMU_PASID_INVALID } from '../src/core/domain-types.js';
import { iommuAttachDevicePasid, iommuFreeGlobalPasid, iommuReplaceDevicePasid } from '../src/core/pasid.js';
import { sameTranslation } from '../src/hw/translation.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EBUSY, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec, mockDriver } from './support/iommu.js';

function on(w: IommuWorld, dev: string, domain: IommuDomain | null): boolean {
  const d = w.devices.get(dev)!;
  const o = w.truth;
  return domain !== null && sameTranslation(o.installed(d, null), o.translationOf(domain));
}

const one = pciTopology([{ name: 'a', bus: 0, slot: 1, pasids: 8 }, { name: 'n', bus: 0, slot: 2, iommu: null }]);
const two = (extra = {}) => pciTopology([
  { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, pasids: 16 },
  { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, pasids: 16 },
], extra);

function* resetting(w: IommuWorld, dev: string, on: boolean): Gen {
  const g = w.devices.get(dev)!.iommuGroup!;
  yield* mutexLock(g.mutex);
  g.resettingDomain = on ? mockDriver(w).blocked : null;
  yield* mutexUnlock(g.mutex);
}

describe('DMA-API users: error paths', () => {
  it('iommu_device_use_default_domain() without a group is 0 and counts nothing', () => {
    const r = run(spec(one), [function* (w) {
      assert.equal(yield* iommuDeviceUseDefaultDomain(w.devices.get('n')!), 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('unuse while a PASID is attached WARNs and does not decrement', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'S', pasid: 3 });
      const g = w.devices.get('a')!.iommuGroup!;
      yield* iommuDeviceUnuseDefaultDomain(w.devices.get('a')!);
      assert.equal(g.ownerCnt, 1);
      yield* op(w, { op: 'pasidDetach', dev: 'a', domain: 'S', pasid: 3 });
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });
});

describe('claims: error paths', () => {
  it('a failed blocking-domain allocation fails the claim; the group stays on its default domain, unowned', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], {
      mock: { blockedDomain: 'none', faults: [{ callback: 'domain_alloc_paging', nth: 2, err: -ENOMEM }] },
    });
    const r = run(spec(t), [function* (w) {
      const g = w.devices.get('a')!.iommuGroup!;
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o', expect: -ENOMEM }), -ENOMEM);
      assert.deepEqual([g.owner, g.ownerCnt, g.blockingDomain], [null, 0, null]);
      assert.equal(g.domain, g.defaultDomain);
      assert.ok(on(w, 'a', g.defaultDomain));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a member failing the switch to the blocking domain: -errno, every member back on the default domain', () => {
    const r = run(spec(two({ mock: { faults: [{ callback: 'attach_dev', dev: 'f1', domain: 'blocked', nth: 1 }] } })), [function* (w) {
      const g = w.devices.get('f0')!.iommuGroup!;
      assert.equal(yield* op(w, { op: 'claim', dev: 'f0', owner: 'o', group: true, expect: -ENOMEM }), -ENOMEM);
      assert.deepEqual([g.owner, g.ownerCnt], [null, 0]);
      assert.equal(g.domain, g.defaultDomain);
      assert.ok(on(w, 'f0', g.defaultDomain) && on(w, 'f1', g.defaultDomain), 'f0 was rolled back');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('-EBUSY when the group is on a non-default domain or has a PASID, even with no user', () => {
    const r = run(spec(one), [function* (w) {
      const g = w.devices.get('a')!.iommuGroup!;
      // a driver_managed_dma driver (not a DMA-API user) attaching its own domain, no ownership
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D' }), 0);
      assert.equal(g.ownerCnt, 0);
      assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o', expect: -EBUSY }), -EBUSY);
      assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o', group: true, expect: -EBUSY }), -EBUSY);
      assert.equal(g.domain, w.domains.get('D'));
      assert.ok(on(w, 'a', w.domains.get('D')!));
      yield* op(w, { op: 'detach', dev: 'a' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'S', pasid: 3 });
      assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o', expect: -EBUSY }), -EBUSY);
      assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o', group: true, expect: -EBUSY }), -EBUSY);
      assert.deepEqual([g.owner, g.ownerCnt, g.domain === g.defaultDomain], [null, 0, true]);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('iommu_group_claim_dma_owner() with a NULL token WARNs with -EINVAL', () => {
    const r = run(spec(one), [function* (w) {
      assert.equal(yield* iommuGroupClaimDmaOwner(w.devices.get('a')!.iommuGroup!, null), -EINVAL);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('releasing ownership while a PASID is attached WARNs and changes nothing', () => {
    const r = run(spec(one), [function* (w) {
      const g = w.devices.get('a')!.iommuGroup!;
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o', group: true });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'S', pasid: 3 });
      yield* iommuGroupReleaseDmaOwner(g);
      assert.deepEqual([g.ownerCnt, g.domain === g.blockingDomain], [1, true]);
      assert.ok(on(w, 'a', g.blockingDomain));
      yield* op(w, { op: 'pasidDetach', dev: 'a', domain: 'S', pasid: 3 });
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });
});

describe('releasing ownership without an owner', () => {
  it('iommu_group_release_dma_owner() of an unowned group WARNs and changes nothing, also with a DMA-API user counted', () => {
    const r = run(spec(one), [function* (w) {
      const g = w.devices.get('a')!.iommuGroup!;
      yield* iommuGroupReleaseDmaOwner(g);
      assert.deepEqual([g.owner, g.ownerCnt], [null, 0]);
      assert.equal(g.domain, g.defaultDomain);
      assert.ok(on(w, 'a', g.defaultDomain));
      // a DMA-API driver: owner_cnt 1, owner NULL; the release must not drop its count
      yield* op(w, { op: 'bind', dev: 'a' });
      yield* iommuGroupReleaseDmaOwner(g);
      assert.deepEqual([g.owner, g.ownerCnt], [null, 1]);
      assert.equal(g.domain, g.defaultDomain);
      assert.ok(on(w, 'a', g.defaultDomain));
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn', 'warn']);
    for (const v of r.exec.warnings) assert.match(v.splat, /!group->owner_cnt \|\| !group->owner/);
  });
});

describe('PASID attach / replace: argument errors and the reset window', () => {
  it('attach: no group -ENODEV; a domain of another driver -EINVAL; -EBUSY during a reset; nothing programmed', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      const S = w.domains.get('S')!;
      const a = w.devices.get('a')!;
      assert.equal(yield* iommuAttachDevicePasid(S, w.devices.get('n')!, 3, null), -ENODEV);
      const alien = new IommuDomain('alien');
      alien.type = IOMMU_DOMAIN_UNMANAGED;
      alien.ops = S.ops;
      assert.equal(yield* iommuAttachDevicePasid(alien, a, 3, null), -EINVAL);
      yield* resetting(w, 'a', true);
      assert.equal(yield* iommuAttachDevicePasid(S, a, 3, null), -EBUSY);
      yield* resetting(w, 'a', false);
      assert.equal(w.truth.installedPasids(a).size, 0);
      assert.equal(a.iommuGroup!.pasidArray.slots.size, 0, 'no reservation left');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('attach with no PASID-capable member succeeds with no hardware change', () => {
    const r = run(spec(pciTopology([{ name: 'p', bus: 0, slot: 1 }])), [function* (w) {
      yield* op(w, { op: 'domainAlloc', dev: 'p', domain: 'S', pasid: true });
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'p', domain: 'S', pasid: 3 }), 0);
      assert.equal(w.truth.installedPasids(w.devices.get('p')!).size, 0);
      assert.equal(w.devices.get('p')!.iommuGroup!.pasidArray.slots.size, 1);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('replace: -ENODEV, -EOPNOTSUPP without set_dev_pasid, -EINVAL for pasid 0 or no handle, -EBUSY during a reset', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'T', pasid: true });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'S', pasid: 3, handle: 'h1' });
      const a = w.devices.get('a')!;
      const T = w.domains.get('T')!;
      const h2 = w.handles.get('h2') ?? null;
      assert.equal(yield* iommuReplaceDevicePasid(T, w.devices.get('n')!, 3, h2), -ENODEV);
      const nopasid = new IommuDomain('nopasid');
      nopasid.ops = { attachDev: T.ops!.attachDev! };
      assert.equal(yield* iommuReplaceDevicePasid(nopasid, a, 3, h2), -EOPNOTSUPP);
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'a', domain: 'T', pasid: 0, handle: 'h2', expect: -EINVAL }), -EINVAL);
      assert.equal(yield* iommuReplaceDevicePasid(T, a, 3, null), -EINVAL);
      yield* resetting(w, 'a', true);
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'a', domain: 'T', pasid: 3, handle: 'h2', expect: -EBUSY }), -EBUSY);
      yield* resetting(w, 'a', false);
      const o = w.truth;
      assert.ok(sameTranslation(o.installedPasids(a).get(3)!, o.translationOf(w.domains.get('S')!)), 'still on S');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('replace with the same domain swaps the handle without calling the driver', () => {
    // the attach's two calls (f0, f1) are the only paging set_dev_pasid calls that may succeed
    const r = run(spec(two({ mock: { faults: [{ callback: 'set_dev_pasid', domain: 'paging', nth: 3 }] } })), [function* (w) {
      yield* op(w, { op: 'domainAlloc', dev: 'f0', domain: 'S', pasid: true });
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 5, handle: 'h1' }), 0);
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'f0', domain: 'S', pasid: 5, handle: 'h2' }), 0);
      assert.equal(yield* iommuAttachHandleGet(w.devices.get('f0')!.iommuGroup!, 5, 0), w.handles.get('h2'));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a failing removal through the blocked domain WARNs (iommu_remove_dev_pasid)', () => {
    const r = run(spec(one, [], { topology: { ...one, mock: { faults: [{ callback: 'set_dev_pasid', domain: 'blocked', nth: 1 }] } } }), [function* (w) {
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'S', pasid: true });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'S', pasid: 3 });
      yield* op(w, { op: 'pasidDetach', dev: 'a', domain: 'S', pasid: 3 });
      assert.equal(w.devices.get('a')!.iommuGroup!.pasidArray.slots.size, 0, 'the slot is erased anyway');
    }], { warnFails: false });
    assert.ok(kinds(r).includes('warn'));
  });

  it('freeing IOMMU_PASID_INVALID WARNs', () => {
    const r = run(spec(one), [function* () {
      iommuFreeGlobalPasid(IOMMU_PASID_INVALID);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });
});
