// IO page tables alone (hardware.md §3): map with 4K/2M/1G leaves, overlap errors, unmap that
// never splits, stops at holes and detaches covered tables onto the gather's freelist,
// iova_to_phys against a reference model, concurrent maps racing to install a table, -ENOMEM.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pgtableProblems } from '../src/hw/check/tables.js';
import { IOMMU_READ, IOMMU_WRITE } from '../src/hw/io-pgtable.js';
import { PhysMemory } from '../src/hw/memory/phys-memory.js';
import { armLpaeS1, SZ_1G, SZ_2M, SZ_4K, vtdSs } from '../src/hw/pgtable/format.js';
import { ptFreelistReleaseNow, ptGatherInit } from '../src/hw/pgtable/gather.js';
import { ptMap } from '../src/hw/pgtable/map.js';
import { ioPgtableFrames, ioPgtableNow, runNow, type IoPgtable } from '../src/hw/pgtable/pgtable.js';
import { ptUnmap } from '../src/hw/pgtable/unmap.js';
import { ptIovaToPhys, ptLeaves } from '../src/hw/pgtable/walk.js';
import { EADDRINUSE, EEXIST, EINVAL, ENOMEM, ERANGE } from '../src/sync/index.js';
import { exploreHw, inSetup, runHw } from './support/hw.js';

const RW = IOMMU_READ | IOMMU_WRITE;

function table(fmt = vtdSs()): IoPgtable {
  return ioPgtableNow(new PhysMemory('mem', { frames: 1 << 20 }), fmt, 'dom');
}

function map(pt: IoPgtable, iova: number, pa: number, pgsize: number, count = 1, prot = RW): number {
  return runNow(ptMap(pt, iova, pa, pgsize, count, prot, false)).ret;
}

function unmap(pt: IoPgtable, iova: number, size: number, gather = ptGatherInit()): number {
  return runNow(ptUnmap(pt, iova, SZ_4K, size / SZ_4K, gather, false));
}

function phys(pt: IoPgtable, iova: number): number {
  return ptIovaToPhys(pt.mem, pt.fmt, pt.root, iova);
}

describe('IO page table: map', () => {
  it('maps 4K, 2M and 1G leaves at the levels of their size; iova_to_phys adds the offset', () => {
    inSetup(() => {
      const pt = table();
      assert.equal(map(pt, 0x1000, 0x5000, SZ_4K, 3), 0);
      assert.equal(map(pt, SZ_2M * 3, SZ_2M * 7, SZ_2M), 0);
      assert.equal(map(pt, SZ_1G * 2, SZ_1G, SZ_1G), 0);
      assert.equal(phys(pt, 0x2abc), 0x6abc);
      assert.equal(phys(pt, SZ_2M * 3 + 0x12345), SZ_2M * 7 + 0x12345);
      assert.equal(phys(pt, SZ_1G * 2 + 5), SZ_1G + 5);
      assert.equal(phys(pt, 0x4000), 0, 'unmapped');
      assert.deepEqual(
        ptLeaves(pt.mem, pt.fmt, pt.root).map((l) => [l.size, l.level]),
        [[SZ_4K, 3], [SZ_4K, 3], [SZ_4K, 3], [SZ_2M, 2], [SZ_1G, 1]],
      );
      assert.deepEqual(pgtableProblems(pt), []);
    });
  });

  it('refuses bad arguments: no permission (-EINVAL), misalignment (-EINVAL), beyond the address size (-ERANGE)', () => {
    inSetup(() => {
      const pt = table();
      assert.equal(map(pt, 0, 0x1000, SZ_4K, 1, 0), -EINVAL);
      assert.equal(map(pt, 0x1000, 0x1000, SZ_2M), -EINVAL);
      assert.equal(map(pt, 2 ** 48, 0x1000, SZ_4K), -ERANGE);
      assert.equal(map(pt, 0, 2 ** 48, SZ_4K), -ERANGE);
    });
  });

  it('a map over a leaf or a non-empty table fails (-EADDRINUSE; io-pgtable-arm -EEXIST) and changes nothing', () => {
    inSetup(() => {
      for (const [fmt, errno] of [[vtdSs(), -EADDRINUSE], [armLpaeS1(), -EEXIST]] as const) {
        const pt = table(fmt);
        assert.equal(map(pt, SZ_2M + SZ_4K, 0x9000, SZ_4K), 0);
        assert.equal(map(pt, SZ_2M + SZ_4K, 0xa000, SZ_4K), errno, 'leaf over leaf');
        assert.equal(map(pt, SZ_2M, SZ_2M * 5, SZ_2M), errno, '2M over a table holding a leaf');
        assert.equal(phys(pt, SZ_2M + SZ_4K), 0x9000);
        assert.equal(map(pt, 0, SZ_2M * 9, SZ_2M), 0);
        assert.equal(map(pt, SZ_4K, 0xb000, SZ_4K), errno, '4K under a 2M leaf');
      }
    });
  });

  it('a large leaf replaces an empty table, which goes on the freelist (iommupt)', () => {
    inSetup(() => {
      const pt = table();
      map(pt, SZ_2M + SZ_4K, 0x9000, SZ_4K);
      const g = ptGatherInit();
      // unmap of the 4K page alone leaves its (now empty) table in place: the range does not cover the table
      assert.equal(unmap(pt, SZ_2M + SZ_4K, SZ_4K, g), SZ_4K);
      assert.deepEqual(g.freelist, []);
      const r = runNow(ptMap(pt, SZ_2M, SZ_2M * 4, SZ_2M, 1, RW, false));
      assert.equal(r.ret, 0);
      assert.equal(r.freelist.length, 1);
    });
  });

  it('reports the bytes mapped before a table allocation fails (-ENOMEM)', () => {
    const r = runHw(
      {
        setup: () => ioPgtableNow(new PhysMemory('mem', { frames: 1 << 16 }), vtdSs(), 'dom'),
        threads: [(pt) => ptMap(pt, SZ_2M - 2 * SZ_4K, 0x100000, SZ_4K, 4, RW, true)],
      },
      [],
      { mode: 'nth', nth: 4 },
    );
    // 3 tables for the first chunk, the 4th allocation (the next leaf table) fails
    assert.deepEqual(r.results[0], { ret: -ENOMEM, mapped: 2 * SZ_4K, freelist: [] });
  });
});

describe('IO page table: unmap', () => {
  it('never splits: an unmap starting inside a leaf removes nothing; one ending inside removes the whole leaf', () => {
    inSetup(() => {
      const pt = table();
      map(pt, SZ_2M, SZ_2M * 3, SZ_2M);
      assert.equal(unmap(pt, SZ_2M + SZ_4K, SZ_4K), 0);
      assert.equal(phys(pt, SZ_2M), SZ_2M * 3);
      const g = ptGatherInit();
      assert.equal(unmap(pt, SZ_2M, SZ_4K, g), SZ_2M, 'more than asked');
      assert.deepEqual([g.start, g.end, g.pgsize], [SZ_2M, 2 * SZ_2M - 1, SZ_2M]);
      assert.equal(phys(pt, SZ_2M), 0);
    });
  });

  it('stops at the first hole and returns what it removed; an unmap starting at a hole returns 0', () => {
    inSetup(() => {
      const pt = table();
      map(pt, 0x10000, 0x50000, SZ_4K, 2);
      map(pt, 0x13000, 0x53000, SZ_4K);
      assert.equal(unmap(pt, 0x10000, 4 * SZ_4K), 2 * SZ_4K);
      assert.equal(phys(pt, 0x13000), 0x53000, 'beyond the hole: still mapped');
      assert.equal(unmap(pt, 0x12000, 2 * SZ_4K), 0);
    });
  });

  it('detaches the tables the range covers once empty, onto the freelist: freed only when the driver releases it', () => {
    inSetup(() => {
      const pt = table();
      map(pt, SZ_1G, 0x40000000, SZ_4K, 512);
      map(pt, SZ_1G + SZ_2M, 0x80000000, SZ_4K);
      const before = ioPgtableFrames(pt).length;
      const g = ptGatherInit();
      assert.equal(unmap(pt, SZ_1G, SZ_2M, g), SZ_2M);
      assert.equal(g.freelist.length, 1, 'the 4K table of the first 2M');
      assert.equal(ioPgtableFrames(pt).length, before - 1);
      assert.equal(pt.mem.ownerOf(g.freelist[0]!).kind, 'iopt', 'not freed yet: a walk cache may point at it (H4)');
      const freed = g.freelist[0]!;
      ptFreelistReleaseNow(pt.mem, g);
      assert.equal(pt.mem.page(freed).freed, true);
      const g2 = ptGatherInit();
      assert.equal(unmap(pt, SZ_1G + SZ_2M, SZ_2M, g2), SZ_4K);
      assert.equal(g2.freelist.length, 1, 'the covered 4K table goes; the 2M-level table above it is not covered and stays');
      assert.equal(unmap(pt, 0, SZ_1G * 2), 0, 'an unmap starting at a hole');
    });
  });

  it('agrees with a reference model on random maps and unmaps of 4K and 2M leaves (H18)', () => {
    inSetup(() => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ map: fc.boolean(), big: fc.boolean(), slot: fc.nat(15), n: fc.integer({ min: 1, max: 3 }) }),
            { maxLength: 30 },
          ),
          (ops) => {
            const pt = table();
            const ref: Array<{ iova: number; size: number; pa: number }> = [];
            let next = 0x100000;
            for (const o of ops) {
              const size = o.big ? SZ_2M : SZ_4K;
              const iova = o.big ? (o.slot % 4) * SZ_2M : SZ_2M * 4 + o.slot * SZ_4K;
              if (o.map) {
                const pa = Math.ceil(next / size) * size;
                next = pa + size * o.n;
                const overlaps = (s: number, e: number): boolean => ref.some((l) => l.iova < e && s < l.iova + l.size);
                const ret = map(pt, iova, pa, size, o.n);
                // chunk-wise all or nothing: a single chunk here (the range stays in one table)
                if (overlaps(iova, iova + size * o.n)) assert.notEqual(ret, 0);
                else {
                  assert.equal(ret, 0);
                  for (let k = 0; k < o.n; k++) ref.push({ iova: iova + k * size, size, pa: pa + k * size });
                }
              } else {
                let cur = iova;
                let removed = 0;
                const end = iova + size * o.n;
                while (cur < end) {
                  const i = ref.findIndex((l) => cur >= l.iova && cur < l.iova + l.size);
                  if (i < 0 || ref[i]!.iova !== cur) break;
                  removed += ref[i]!.size;
                  cur += ref[i]!.size;
                  ref.splice(i, 1);
                }
                assert.equal(unmap(pt, iova, size * o.n), removed);
              }
            }
            for (let a = 0; a < SZ_2M * 5; a += SZ_4K) {
              const l = ref.find((x) => a >= x.iova && a < x.iova + x.size);
              assert.equal(phys(pt, a + 7), l === undefined ? 0 : l.pa + (a - l.iova) + 7);
            }
            assert.deepEqual(pgtableProblems(pt), []);
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});

describe('IO page table: concurrency', () => {
  it('two maps racing to install the same missing tables: one table each level, the loser frees its page, nothing leaks', () => {
    const { finals, result } = exploreHw({
      setup: () => ioPgtableNow(new PhysMemory('mem', { frames: 256 }), vtdSs(), 'dom'),
      threads: [(pt) => ptMap(pt, 0x1000, 0x10000, SZ_4K, 1, RW, true), (pt) => ptMap(pt, 0x2000, 0x20000, SZ_4K, 1, RW, true)],
      final: (pt, results) => {
        const frames = ioPgtableFrames(pt);
        const owned = pt.mem.allocated().filter((b) => b.owner.kind === 'iopt').map((b) => b.head);
        return JSON.stringify({
          rets: results.map((r) => (r as { ret: number }).ret),
          tables: frames.length,
          leaked: owned.filter((h) => !frames.includes(h)).length,
          phys: [ptIovaToPhys(pt.mem, pt.fmt, pt.root, 0x1000), ptIovaToPhys(pt.mem, pt.fmt, pt.root, 0x2000)],
          problems: pgtableProblems(pt),
        });
      },
    }, true);
    assert.equal(result.found.length, 0);
    assert.deepEqual(finals, [JSON.stringify({ rets: [0, 0], tables: 4, leaked: 0, phys: [0x10000, 0x20000], problems: [] })]);
    assert.ok(result.exhaustive && result.executions > 10);
  });
});
