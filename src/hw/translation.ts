// What the hardware does with a transaction for one (requester ID, PASID): the view the core's
// bookkeeping is checked against (spec core.md §1, hardware.md §6 "installed(dev, pasid)").
// Hardware truth never points at a kernel object: a translating entry points at an IO page
// table, which is memory the IOMMU walks.
import type { IoPageTable } from './io-pgtable.js';

export type HwTranslation =
  /** never programmed: whatever firmware left (the core has not attached anything yet) */
  | { readonly kind: 'none' }
  /** all DMA blocked, no ATS */
  | { readonly kind: 'abort' }
  /** untranslated: IOVA == physical address */
  | { readonly kind: 'bypass' }
  /** walk this IO page table */
  | { readonly kind: 'translate'; readonly table: IoPageTable };

// frozen: a world snapshot shares frozen objects instead of copying them (rt/clone.ts)
export const HW_NONE: HwTranslation = Object.freeze({ kind: 'none' });
export const HW_ABORT: HwTranslation = Object.freeze({ kind: 'abort' });
export const HW_BYPASS: HwTranslation = Object.freeze({ kind: 'bypass' });

export function hwTranslate(table: IoPageTable): HwTranslation {
  return { kind: 'translate', table };
}

export function sameTranslation(a: HwTranslation, b: HwTranslation): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'translate' || a.table === (b as { table: IoPageTable }).table;
}

export function describeTranslation(t: HwTranslation): string {
  return t.kind === 'translate' ? `translate(${t.table.label})` : t.kind;
}
