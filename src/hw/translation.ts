// What the hardware does with a transaction for one (requester ID, PASID): the view the core's
// bookkeeping is checked against (spec core.md §1, hardware.md §6 "installed(dev, pasid)").
// Hardware truth never points at a kernel object: a translating entry points at an IO page
// table, which is memory the IOMMU walks (the mock's table object, or for SMMUv3 and VT-d the
// page holding the root table).

/** what a translating entry walks: anything with a name and a freed state (an IO page table, a root page) */
export interface WalkTable {
  readonly label: string;
  readonly freed: boolean;
}

export type HwTranslation =
  /** never programmed: whatever firmware left (the core has not attached anything yet) */
  | { readonly kind: 'none' }
  /** all DMA blocked, no ATS */
  | { readonly kind: 'abort' }
  /** untranslated: IOVA == physical address */
  | { readonly kind: 'bypass' }
  /** walk this IO page table */
  | { readonly kind: 'translate'; readonly table: WalkTable }
  /** a guest's first stage (its root, an intermediate physical address) over this second-stage table */
  | { readonly kind: 'nested'; readonly table: WalkTable; readonly s1: number };

// frozen: a world snapshot shares frozen objects instead of copying them (rt/clone.ts)
export const HW_NONE: HwTranslation = Object.freeze({ kind: 'none' });
export const HW_ABORT: HwTranslation = Object.freeze({ kind: 'abort' });
export const HW_BYPASS: HwTranslation = Object.freeze({ kind: 'bypass' });

export function hwTranslate(table: WalkTable): HwTranslation {
  return { kind: 'translate', table };
}

export function sameTranslation(a: HwTranslation, b: HwTranslation): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'translate') return a.table === (b as { table: WalkTable }).table;
  if (a.kind === 'nested') return a.table === (b as { table: WalkTable }).table && a.s1 === (b as { s1: number }).s1;
  return true;
}

export function describeTranslation(t: HwTranslation): string {
  if (t.kind === 'translate') return `translate(${t.table.label})`;
  if (t.kind === 'nested') return `nested(s1 0x${t.s1.toString(16)} over ${t.table.label})`;
  return t.kind;
}
