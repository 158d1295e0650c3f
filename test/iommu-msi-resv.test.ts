// Spec core.md §4.13: iommu_dma_prepare_msi() by cookie type, and iommu_get_group_resv_regions()
// merging the members' reserved regions under the group mutex.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE } from '../src/base/device.js';
import { MsiDesc } from '../src/base/msi.js';
import { IOMMU_COOKIE_IOMMUFD } from '../src/core/domain-types.js';
import { iommuGroupAddDevice } from '../src/core/group.js';
import { iommuIovaToPhys } from '../src/core/map.js';
import { iommuDmaPrepareMsi } from '../src/core/msi.js';
import { iommuGroupRemoveDevice } from '../src/core/release.js';
import { iommuGetGroupResvRegions, iommuGroupShowResvRegions, type IommuResvRegion, iommuPutResvRegions } from '../src/core/resv.js';
import { sameTranslation } from '../src/hw/translation.js';
import { current } from '../src/rt/current.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { ENOMEM, EOPNOTSUPP, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

const doorbell = 0x0800_0040;
const page = 0x0800_0000;

function* prepare(w: IommuWorld, dev: string, addr = doorbell): Gen<{ ret: number; desc: MsiDesc }> {
  const desc = new MsiDesc(w.devices.get(dev)!);
  const ret = yield* iommuDmaPrepareMsi(desc, addr);
  return { ret, desc };
}

describe('iommu_dma_prepare_msi', () => {
  it('a DMA domain maps the doorbell page once (hardware translates the IOVA to it) and gives the vector its IOVA', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a' });
      const g = w.devices.get('a')!.iommuGroup!;
      const first = yield* prepare(w, 'a');
      assert.equal(first.ret, 0);
      assert.notEqual(first.desc.iommuMsiIova, 0);
      assert.equal(first.desc.iommuMsiShift, 12);
      assert.equal(yield* iommuIovaToPhys(g.domain!, first.desc.iommuMsiIova), page, 'the page table maps the IOVA to the doorbell page');
      assert.equal(yield* op(w, { op: 'dma', dev: 'a', iova: first.desc.iommuMsiIova }), 0, 'the device reaches the doorbell');
      const again = yield* prepare(w, 'a', doorbell + 8);
      assert.equal(again.ret, 0);
      assert.equal(again.desc.iommuMsiIova, first.desc.iommuMsiIova, 'the same doorbell page is mapped once');
      assert.equal(g.domain!.iovaCookie!.msiPages.length, 1);
    }]);
    assert.deepEqual(kinds(r), [], 'no WARN (a second map of the page would overlap), and the page is freed with the cookie');
  });

  it('no group and an IDENTITY domain are 0 with the message untranslated', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }], { defaultDomainType: 'identity' });
    const r = run(spec(t), [function* (w) {
      for (const dev of ['n', 'a']) {
        const p = yield* prepare(w, dev);
        assert.equal(p.ret, 0, dev);
        assert.equal(p.desc.iommuMsiIova, 0, dev);
      }
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a domain whose cookie no one maps MSIs for is -EOPNOTSUPP; an iommufd domain takes the iommufd path', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'vfio' });
      assert.equal((yield* prepare(w, 'a')).ret, -EOPNOTSUPP, 'the blocking domain has no cookie');
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'U' });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'U' });
      assert.equal((yield* prepare(w, 'a')).ret, -EOPNOTSUPP, 'a bare UNMANAGED domain');
      yield* op(w, { op: 'detach', dev: 'a' });
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'H', iommufd: true }), 0);
      assert.equal(w.domains.get('H')!.cookieType, IOMMU_COOKIE_IOMMUFD);
      yield* op(w, { op: 'attach', dev: 'a', domain: 'H', api: 'handle', handle: 'h' });
      const p = yield* prepare(w, 'a');
      assert.equal(p.ret, 0, 'iommufd_sw_msi(): no SW_MSI window, message untranslated');
      assert.equal(p.desc.iommuMsiIova, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  for (const [k, what] of [[1, 'the doorbell page allocation'], [2, 'the IOVA allocation']] as const) {
    it(`${what} failing is -ENOMEM and leaves no page, IOVA or mapping behind`, () => {
      const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }]);
      // fault points counted up to the prepare (fault-free run); the page's kzalloc is the
      // first one inside it, alloc_iova_fast() the second
      let before = 0;
      const body = (failing: boolean) => function* (w: IommuWorld): Gen<number> {
        yield* op(w, { op: 'bind', dev: 'a' });
        const g = w.devices.get('a')!.iommuGroup!;
        const cookie = g.domain!.iovaCookie!;
        const hw = w.truth.translationOf(g.domain!);
        if (!failing) before = current.allocations;
        const p = yield* prepare(w, 'a');
        if (!failing) return p.ret;
        assert.equal(current.allocations - before, k, 'the prepare stopped at the failing point');
        assert.equal(p.desc.iommuMsiIova, 0);
        assert.equal(cookie.msiPages.length, 0);
        assert.equal(cookie.iovad!.inUse.size, 0, 'no IOVA kept');
        assert.ok(sameTranslation(w.truth.translationOf(g.domain!), hw), 'nothing mapped');
        const again = yield* prepare(w, 'a');
        assert.equal(again.ret, 0, 'the next one maps');
        return p.ret;
      };
      const ok = run(spec(t), [body(false)]);
      assert.deepEqual([kinds(ok), ok.results[0]], [[], 0]);
      const r = run(spec(t), [body(true)], { faults: { mode: 'nth', nth: before + k } });
      assert.equal(r.results[0], -ENOMEM);
      assert.deepEqual(kinds(r), [], 'nothing leaked');
    });
  }

  it('a failing doorbell map is -ENOMEM and leaves no page, IOVA or mapping behind', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { faults: [{ callback: 'map_pages', nth: 1 }] } });
    const r = run(spec(t), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a' });
      const g = w.devices.get('a')!.iommuGroup!;
      const p = yield* prepare(w, 'a');
      assert.equal(p.ret, -ENOMEM);
      assert.equal(p.desc.iommuMsiIova, 0);
      const cookie = g.domain!.iovaCookie!;
      assert.equal(cookie.msiPages.length, 0);
      assert.equal(cookie.iovad!.inUse.size, 0, 'the IOVA went back');
      const ok = yield* prepare(w, 'a');
      assert.equal(ok.ret, 0, 'the next one maps');
    }]);
    assert.deepEqual(kinds(r), [], 'nothing leaked');
  });

  it('is the prepareMsi scenario operation', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }]), [
      { op: 'bind', dev: 'a' },
      { op: 'prepareMsi', dev: 'a', doorbell, expect: 0 },
    ]));
    assert.deepEqual(kinds(r), []);
  });
});

function regionsOf(list: readonly IommuResvRegion[]): Array<[number, number, number]> {
  return list.map((x) => [x.start, x.length, x.type]);
}

describe('iommu_get_group_resv_regions', () => {
  const fns = [
    { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, resv: [{ start: 0x80000, length: 0x2000 }] },
    { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, resv: [{ start: 0x90000, length: 0x1000, relaxable: true }, { start: 0x81000, length: 0x2000 }] },
  ];

  it('merges the members\' overlapping regions of one type, sorted by start; other types stay apart', () => {
    const r = run(spec(pciTopology(fns)), [function* (w) {
      const g = w.devices.get('f0')!.iommuGroup!;
      const list: IommuResvRegion[] = [];
      assert.equal(yield* iommuGetGroupResvRegions(g, list), 0);
      assert.deepEqual(regionsOf(list), [[0x80000, 0x3000, IOMMU_RESV_DIRECT], [0x90000, 0x1000, IOMMU_RESV_DIRECT_RELAXABLE]]);
      yield* iommuPutResvRegions(list);
      assert.deepEqual(yield* iommuGroupShowResvRegions(g), [
        '0x0000000000080000 0x0000000000082fff direct',
        '0x0000000000090000 0x0000000000090fff direct-relaxable',
      ]);
    }]);
    assert.deepEqual(kinds(r), [], 'the lists are freed');
  });

  it('adjacent regions merge; a gap keeps them apart', () => {
    const t = pciTopology([
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, resv: [{ start: 0x80000, length: 0x1000 }, { start: 0x83000, length: 0x1000 }] },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, resv: [{ start: 0x81000, length: 0x1000 }] },
    ]);
    const r = run(spec(t), [function* (w) {
      const list: IommuResvRegion[] = [];
      yield* iommuGetGroupResvRegions(w.devices.get('f0')!.iommuGroup!, list);
      assert.deepEqual(regionsOf(list), [[0x80000, 0x2000, IOMMU_RESV_DIRECT], [0x83000, 0x1000, IOMMU_RESV_DIRECT]]);
      yield* iommuPutResvRegions(list);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('stops at the first member without an IOMMU driver', () => {
    const t = pciTopology([{ name: 'n', bus: 0, slot: 2, iommu: null }, ...fns]);
    const r = run(spec(t), [function* (w) {
      const n = w.devices.get('n')!;
      const g = w.devices.get('f0')!.iommuGroup!;
      // a fake member between f0 and f1: iommu_group_add_device() appends it, then f1 moves behind it
      assert.equal(yield* iommuGroupAddDevice(g, n), 0);
      yield* mutexLock(g.mutex);
      g.devices.push(...g.devices.splice(1, 1));
      yield* mutexUnlock(g.mutex);
      assert.deepEqual(g.devices.map((gd) => gd.dev.name), ['f0', 'n', 'f1']);
      const list: IommuResvRegion[] = [];
      assert.equal(yield* iommuGetGroupResvRegions(g, list), 0);
      assert.deepEqual(regionsOf(list), [[0x80000, 0x2000, IOMMU_RESV_DIRECT]], 'f1 after the fake member is not read');
      yield* iommuPutResvRegions(list);
      yield* iommuGroupRemoveDevice(n);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('an allocation failure while merging is -ENOMEM, and nothing leaks (fail_nth over the read)', () => {
    let failed = 0;
    for (let nth = 1; nth <= 40; nth++) {
      const r = run(spec(pciTopology(fns)), [function* (w) {
        const g = w.devices.get('f0')?.iommuGroup ?? null;
        if (g === null) return 'no group';
        const list: IommuResvRegion[] = [];
        const ret = yield* iommuGetGroupResvRegions(g, list);
        yield* iommuPutResvRegions(list);
        return ret;
      }], { faults: { mode: 'nth', nth } });
      if (r.results[0] === -ENOMEM) failed++;
      assert.ok(!kinds(r).includes('leak'), `nth ${nth}: ${kinds(r).join(', ')}`);
    }
    assert.ok(failed > 0, 'some fault point inside the merge returned -ENOMEM');
  });

  it('is the resvRegions scenario operation', () => {
    const r = run(spec(pciTopology(fns), [{ op: 'resvRegions', dev: 'f1', expect: 0 }]));
    assert.deepEqual(kinds(r), []);
  });
});
