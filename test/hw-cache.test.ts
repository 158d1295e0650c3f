// The caches alone: leaf and walk entries by tag held until invalidated (by range, leaf-only or
// not, by tag, by predicate), generations and the fence log, the device ATC by PASID.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceAtc } from '../src/hw/cache/atc.js';
import { FenceLog } from '../src/hw/cache/fence-log.js';
import { KeyedCache } from '../src/hw/cache/keyed-cache.js';
import { Tlb } from '../src/hw/cache/tlb.js';
import { inSetup } from './support/hw.js';

const leaf = (iova: number, size: number, out: number) => ({ iova, size, out, flags: 13, root: 7 });

describe('TLB', () => {
  it('holds leaves of every size per tag until an invalidation covers them', () => {
    inSetup(() => {
      const t = new Tlb('tlb');
      t.insert(1, leaf(0x1000, 0x1000, 0x9000));
      t.insert(1, leaf(0x200000, 0x200000, 0x400000));
      t.insert(2, leaf(0x1000, 0x1000, 0x7000));
      assert.equal(t.lookup(1, 0x1fff)?.out, 0x9000);
      assert.equal(t.lookup(1, 0x3fffff)?.out, 0x400000);
      assert.equal(t.lookup(3, 0x1000), null);
      t.invalidateRange(1, 0x0, 0x1fff, true);
      assert.equal(t.lookup(1, 0x1000), null);
      assert.equal(t.lookup(2, 0x1000)?.out, 0x7000, 'another tag is untouched');
      t.invalidateRange(1, 0x3ff000, 0x3fffff, true);
      assert.equal(t.lookup(1, 0x200000), null, 'a range overlapping part of a 2M leaf drops it');
      t.invalidateTag(2);
      assert.deepEqual(t.liveTags(), []);
    });
  });

  it('keeps walk-cache entries on a leaf-only invalidation and drops them otherwise', () => {
    inSetup(() => {
      const t = new Tlb('tlb');
      t.walkInsert(1, 21, 0x201000, 77, 3, 5);
      assert.deepEqual(t.entries(1)!.walkLookup(0x3ff000), { pfn: 77, level: 3, root: 5 });
      t.invalidateRange(1, 0x200000, 0x200fff, true);
      assert.notEqual(t.entries(1)!.walkLookup(0x200000), null);
      t.invalidateRange(1, 0x200000, 0x200fff, false);
      assert.equal(t.entries(1)!.walkLookup(0x200000), null);
    });
  });

  it('groups tags for ops and generations; a predicate invalidation moves every generation', () => {
    inSetup(() => {
      const t = new Tlb('tlb', (tag) => Math.floor(tag / 100));
      assert.equal(t.field(101), t.field(199));
      assert.notEqual(t.field(101), t.field(201));
      const g = t.gen(101);
      t.invalidateInGroup(1, (tag) => tag === 150);
      assert.equal(t.gen(101), g + 1, 'the whole group moves');
      const h = t.gen(201);
      t.invalidateMatching(() => false);
      assert.equal(t.gen(201), h + 1);
    });
  });
});

describe('fence log', () => {
  it('a DMA that used a key before an invalidation a fence then completed is overtaken; one that used it after is not', () => {
    inSetup(() => {
      const c = new KeyedCache<number>('cfg');
      const log = new FenceLog('u');
      const before: { key: string; gen: number }[] = [];
      c.gens.used(5, before);
      const k = c.invalidate(5);
      const after: { key: string; gen: number }[] = [];
      c.gens.used(5, after);
      assert.equal(log.overtook(before), false, 'no fence yet: nothing is guaranteed');
      log.complete([k]);
      assert.equal(log.overtook(before), true);
      assert.equal(log.overtook(after), false);
      const other: { key: string; gen: number }[] = [];
      c.gens.used(6, other);
      assert.equal(log.overtook(other), false, 'another key');
    });
  });
});

describe('device ATC', () => {
  it('holds translations per PASID; an invalidation without PASID hits every PASID, one with a PASID only that one', () => {
    inSetup(() => {
      const a = new DeviceAtc('atc');
      a.insert(null, leaf(0x1000, 0x1000, 0x9000));
      a.insert(3, leaf(0x1000, 0x1000, 0x8000));
      a.insert(4, leaf(0x1000, 0x1000, 0x6000));
      assert.equal(a.lookup(3, 0x1000)?.out, 0x8000);
      a.invalidate(3, null);
      assert.equal(a.lookup(3, 0x1000), null);
      assert.equal(a.lookup(4, 0x1000)?.out, 0x6000);
      a.invalidate(undefined, { start: 0, last: 0xfff });
      assert.equal(a.size, 2, 'outside the range');
      a.invalidate(undefined, null);
      assert.equal(a.size, 0);
    });
  });
});
