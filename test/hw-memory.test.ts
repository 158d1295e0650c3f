// Physical memory alone: blocks with owners, LIFO reuse, alignment, generations, content kept
// after free (a stale walk reads it), alloc_pages as a fault point and a double free.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocPages, freePages, PAGE_FREE, pageOwner, PhysMemory } from '../src/hw/memory/phys-memory.js';
import { formatTablePage } from '../src/hw/pgtable/pgtable.js';
import { inSetup, runHw } from './support/hw.js';

describe('physical memory', () => {
  it('hands out naturally aligned blocks with an owner; a freed block is free and is the next one reused', () => {
    inSetup(() => {
      const mem = new PhysMemory('mem', { frames: 1 << 12 });
      const a = mem.allocNow(0, pageOwner('dma', 'nvme'));
      const big = mem.allocNow(9, pageOwner('user', 'vfio'));
      assert.equal(big % 512, 0, '2M block aligned');
      assert.deepEqual(mem.ownerOf(big + 77), pageOwner('user', 'vfio'), 'every frame of a block has its owner');
      assert.equal(mem.ownerPage(big + 77).pfn, big, 'ownership ops name the head page');
      const gen = mem.blockOf(a)!.gen;
      mem.freeNow(a);
      assert.equal(mem.page(a).freed, true);
      assert.deepEqual(mem.blockOf(a)!.lastOwner, pageOwner('dma', 'nvme'));
      const b = mem.allocNow(0, pageOwner('iopt', 'dom'));
      assert.equal(b, a, 'LIFO: the frame just freed comes back first');
      assert.ok(mem.blockOf(b)!.gen > gen, 'a new generation');
      assert.deepEqual(mem.ownerOf(12345 % mem.frames), PAGE_FREE);
      assert.throws(() => mem.freeNow(12345 % mem.frames), /not allocated/);
    });
  });

  it('keeps a freed page table content until the next owner formats it', () => {
    inSetup(() => {
      const mem = new PhysMemory('mem', { frames: 64 });
      const t = mem.allocNow(0, pageOwner('iopt', 'dom'));
      formatTablePage(mem, t).ptes![3] = 42;
      mem.freeNow(t);
      assert.equal(mem.page(t).ptes![3], 42, 'a stale walk still reads the old entries');
      mem.allocNow(0, pageOwner('dma', 'buf'));
      assert.equal(mem.page(t).ptes, null, 'the new owner does not see a page table');
    });
  });

  it('fails with null when memory is exhausted, and frames skipped for alignment are used later', () => {
    inSetup(() => {
      const mem = new PhysMemory('mem', { frames: 32, firstFrame: 1 });
      const big = mem.allocNow(4, pageOwner('kernel', 'x'));
      assert.equal(big, 16);
      assert.equal(mem.takeBlock(4), null, 'no second aligned 16-frame block');
      assert.equal(mem.allocNow(0, pageOwner('kernel', 'y')), 1, 'frames below the aligned block are free singles, lowest first');
    });
  });

  it('alloc_pages() is a fault point and __free_pages() of a free block is a bad page state', () => {
    const r = runHw({
      setup: () => new PhysMemory('mem', { frames: 64 }),
      threads: [
        function* (mem) {
          const pfn = yield* allocPages(mem, 0, pageOwner('dma', 'buf'));
          assert.notEqual(pfn, null);
          yield* freePages(mem, pfn!);
          yield* freePages(mem, pfn!);
        },
      ],
    });
    assert.deepEqual(r.exec.violations.map((v) => v.kind), ['bug']);
    assert.match(r.exec.violations[0]!.title + r.exec.violations[0]!.splat, /Bad page state/);
  });
});
