// Checks of one DMA's result (hardware.md §6 H1, H4, H19, H22), for the isolation oracle to call
// on every DMA: where it landed and who owns that page now, whether its walk read a table page
// that is not one any more, whether it got more access than the leaf grants, whether a nested
// translation's output lies inside the second stage's mappings.
import { IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';
import type { PageOwner, PhysMemory } from '../memory/phys-memory.js';
import type { PtFormat } from '../pgtable/format.js';
import { ptLeaves } from '../pgtable/walk.js';
import type { DmaResult } from '../txn/txn.js';

/**
 * H1 (the hardware half): the page a successful DMA reached and its owner now ("free": the DMA
 * reached memory nobody owns, e.g. a stale lazy-mode translation to a freed buffer). The oracle
 * decides whether the owner is one the device may reach; reading the owner is a declared read of
 * the block's head page (PhysMemory.ownerPage).
 */
export function landing(mem: PhysMemory, r: DmaResult): { pfn: number; owner: PageOwner } | null {
  if (r.kind !== 'ok') return null;
  const pfn = Math.floor(r.pa / 4096);
  return { pfn, owner: mem.ownerOf(pfn) };
}

/** H4 on a DMA: its walk read a frame that is not a page table any more */
export function walkedFreedTable(mem: PhysMemory, r: DmaResult): string | null {
  if (r.kind === 'not-issued' || r.path.badTable < 0) return null;
  const b = mem.blockOf(r.path.badTable);
  const now = b === null ? 'never allocated' : b.owner.kind === 'free' ? `free (was ${b.lastOwner.kind} ${b.lastOwner.tag})` : `${b.owner.kind} ${b.owner.tag}`;
  return `H4: the IOMMU walked frame 0x${r.path.badTable.toString(16)}, which is ${now}`;
}

/** H19: a successful DMA got only what the leaf grants */
export function permissionProblem(r: DmaResult, write: boolean): string | null {
  if (r.kind !== 'ok') return null;
  const need = write ? IOMMU_WRITE : IOMMU_READ;
  return (r.prot & need) !== 0 ? null : `H19: a DMA ${write ? 'write' : 'read'} to 0x${r.pa.toString(16)} succeeded through a leaf without ${write ? 'write' : 'read'} permission`;
}

/** H22: the physical address a nested translation produced is an output of the second-stage table */
export function outsideStage2(mem: PhysMemory, s2fmt: PtFormat, s2rootPfn: number, pa: number): boolean {
  for (const l of ptLeaves(mem, s2fmt, s2rootPfn)) if (pa >= l.out && pa < l.out + l.size) return false;
  return true;
}
