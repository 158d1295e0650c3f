// Map / unmap at the model level (spec core.md §4.11) and the mock's page table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IommuDomain } from '../src/core/domain.js';
import { iommuIovaToPhys, iommuMap, iommuPgsize, iommuUnmap } from '../src/core/map.js';
import { IOMMU_READ, IOMMU_WRITE } from '../src/hw/io-pgtable.js';
import { current } from '../src/rt/current.js';
import { EINVAL, ENOENT, type Gen } from '../src/sync/index.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { kinds, op, pciTopology, run, spec, mockDriver } from './support/iommu.js';

const K4 = 0x1000;
const M2 = 0x200000;
const RW = IOMMU_READ | IOMMU_WRITE;
const one = pciTopology([{ name: 'a', bus: 0, slot: 1 }]);

function bitmapDomain(bitmap: number): IommuDomain {
  const d = new IommuDomain('pgsize');
  d.pgsizeBitmap = bitmap;
  return d;
}

function* paging(w: IommuWorld): Gen<IommuDomain> {
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' }), 0);
  return w.domains.get('D')!;
}

describe('iommu_pgsize', () => {
  it('picks the largest page that fits both addresses and the size, and trims the count for a later bigger page', () => {
    run(spec(one), [function* () {
      const d = bitmapDomain(K4 | M2);
      assert.deepEqual(iommuPgsize(d, 0, 0, M2), { pgsize: M2, count: 1 });
      assert.deepEqual(iommuPgsize(d, K4, K4, 4 * M2), { pgsize: K4, count: (M2 - K4) / K4 }, 'up to the next 2M boundary');
      assert.deepEqual(iommuPgsize(d, K4, 2 * K4, M2), { pgsize: K4, count: M2 / K4 }, 'different offsets never reach 2M');
      assert.deepEqual(iommuPgsize(d, M2, M2, 3 * M2), { pgsize: M2, count: 3 });
    }]);
  });
});

describe('iommu_map / iommu_unmap', () => {
  it('maps, translates and unmaps; unaligned and non-paging requests are -EINVAL', () => {
    const r = run(spec(one), [function* (w) {
      const d = yield* paging(w);
      assert.equal(yield* iommuMap(d, 0x10000, 0x80000, 3 * K4, RW), 0);
      assert.equal(yield* iommuIovaToPhys(d, 0x11000), 0x81000);
      assert.equal(yield* iommuMap(d, 0x10800, 0x80000, K4, RW), -EINVAL);
      assert.equal(yield* iommuMap(mockDriver(w).identity!, 0x10000, 0x80000, K4, RW), -EINVAL);
      assert.equal(yield* iommuIovaToPhys(mockDriver(w).identity!, 0x1234), 0x1234, 'identity translates to itself');
      assert.equal(yield* iommuUnmap(d, 0x10000, 3 * K4), 3 * K4);
      assert.equal(yield* iommuIovaToPhys(d, 0x11000), 0);
      assert.equal(yield* iommuUnmap(d, 0x10001, K4), 0, 'unaligned unmap does nothing');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a failing map_pages or iotlb_sync_map leaves nothing mapped', () => {
    for (const cb of ['map_pages', 'iotlb_sync_map'] as const) {
      const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { faults: [{ callback: cb, nth: 0, err: -ENOENT }] } })), [function* (w) {
        const d = yield* paging(w);
        assert.equal(yield* iommuMap(d, 0x10000, 0x80000, 2 * K4, RW), -ENOENT);
        assert.equal(yield* iommuIovaToPhys(d, 0x10000), 0);
      }]);
      assert.deepEqual(kinds(r), []);
    }
  });

  it('fail_iommufd in the mock map counts as a fault point', () => {
    let before = 0;
    const body = (expectFail: boolean) =>
      function* (w: IommuWorld): Gen {
        const d = yield* paging(w);
        before = current.allocations;
        assert.equal(yield* iommuMap(d, 0x10000, 0x80000, K4, RW), expectFail ? -ENOENT : 0);
        if (!expectFail) yield* iommuUnmap(d, 0x10000, K4);
      };
    assert.deepEqual(kinds(run(spec(one), [body(false)])), []);
    // the next fault point after the domain allocation is the mock's fail_iommufd
    assert.deepEqual(kinds(run(spec(one), [body(true)], { faults: { mode: 'nth', nth: before + 1 } })), []);
  });

  it('the mock WARNs when an unmap does not match what was mapped', () => {
    const r = run(spec(one), [function* (w) {
      const d = yield* paging(w);
      assert.equal(yield* iommuMap(d, 0x10000, 0x80000, 2 * K4, RW), 0);
      assert.equal(yield* iommuUnmap(d, 0x11000, K4), K4);
      assert.equal(yield* iommuUnmap(d, 0x10000, K4), K4);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn', 'warn']);
  });

  it('any sequence of disjoint maps and unmaps translates like a reference map', () => {
    const stepArb = fc.record({
      slot: fc.integer({ min: 0, max: 7 }),
      pages: fc.integer({ min: 1, max: 3 }),
      unmap: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 8 }), (steps) => {
        const r = run(spec(one), [function* (w) {
          const d = yield* paging(w);
          const ref = new Map<number, { iova: number; size: number; paddr: number }>();
          for (const s of steps) {
            const iova = 0x100000 + s.slot * 4 * K4;
            const m = ref.get(s.slot);
            if (m !== undefined && s.unmap) {
              assert.equal(yield* iommuUnmap(d, m.iova, m.size), m.size);
              ref.delete(s.slot);
            } else if (m === undefined) {
              const paddr = 0x4000000 + s.slot * 0x100000;
              assert.equal(yield* iommuMap(d, iova, paddr, s.pages * K4, RW), 0);
              ref.set(s.slot, { iova, size: s.pages * K4, paddr });
            }
          }
          for (let slot = 0; slot < 8; slot++) {
            const m = ref.get(slot);
            const iova = 0x100000 + slot * 4 * K4;
            assert.equal(yield* iommuIovaToPhys(d, iova), m === undefined ? 0 : m.paddr);
          }
          for (const m of ref.values()) yield* iommuUnmap(d, m.iova, m.size);
        }]);
        assert.deepEqual(kinds(r), []);
      }),
      { numRuns: 40 },
    );
  });
});
