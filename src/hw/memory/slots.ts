// Hardware structures other than page tables (stream tables, CD tables, root/context tables,
// PASID directories and tables) are pages of slots: one entry per slot, many per frame. A unit
// reads one slot per step (an op naming the page and the slot's field); a driver writes one.
import { entryField, type PhysPage } from './page.js';
import type { PhysMemory } from './phys-memory.js';

export interface Slot {
  readonly page: PhysPage;
  readonly index: number;
}

export function slotValue<T>(s: Slot): T | null {
  return (s.page.slots?.[s.index] as T | undefined) ?? null;
}

export function slotField(s: Slot): string {
  return entryField(s.index);
}

/** format `frames` frames from `head` as a table of `format` slots, each `fill` */
export function formatSlots(
  mem: PhysMemory,
  head: number,
  frames: number,
  format: string,
  perFrame: number,
  fill: unknown,
): void {
  for (let f = 0; f < frames; f++) {
    const p = mem.page(head + f);
    p.ptes = null;
    p.slots = new Array<unknown>(perFrame).fill(fill);
    p.format = format;
  }
}

export function slotAt(mem: PhysMemory, basePa: number, index: number, perFrame: number): Slot {
  return { page: mem.page(Math.floor(basePa / 4096) + Math.floor(index / perFrame)), index: index % perFrame };
}
