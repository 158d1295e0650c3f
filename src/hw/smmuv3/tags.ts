// TLB tags: stage-1 entries (non-hyp regime) by (VMID, ASID), VMID 0 for S1-only streams and the
// parent's VMID for nested ones (so combined S1+S2 entries live there too); EL2 entries by ASID;
// stage-2 entries by VMID.
export const TAG_NH = 1;
export const TAG_EL2 = 2;
export const TAG_S2 = 3;

export function smmuTag(kind: number, vmid: number, asid: number): number {
  return kind * 2 ** 32 + vmid * 65536 + asid;
}

export function tagKind(tag: number): number {
  return Math.floor(tag / 2 ** 32);
}

export function tagVmid(tag: number): number {
  return Math.floor(tag / 65536) % 65536;
}

export function tagAsid(tag: number): number {
  return tag % 65536;
}

export function describeSmmuTag(tag: number): string {
  const k = tagKind(tag);
  if (k === TAG_NH) return `asid ${tagAsid(tag)} vmid ${tagVmid(tag)}`;
  if (k === TAG_EL2) return `el2 asid ${tagAsid(tag)}`;
  return `s2 vmid ${tagVmid(tag)}`;
}
