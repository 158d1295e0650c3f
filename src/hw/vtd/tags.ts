// VT-d TLB tags (hardware.md §4.2, [likely]): second-level translations by DID, first-level and
// nested (combined) ones by DID and PASID. All tags of a DID form one group: IOTLB, PSI/DSI and
// PASID-based invalidations address a DID, so each is one op on the group's field.
export const VTD_SL = 0;
export const VTD_FL = 1;
export const VTD_NESTED = 2;

export function vtdTag(did: number, kind: number, pasid: number): number {
  return did * 2 ** 22 + kind * 2 ** 20 + pasid;
}

export function vtdTagDid(tag: number): number {
  return Math.floor(tag / 2 ** 22);
}

export function vtdTagKind(tag: number): number {
  return Math.floor(tag / 2 ** 20) % 4;
}

export function vtdTagPasid(tag: number): number {
  return tag % 2 ** 20;
}

export function describeVtdTag(tag: number): string {
  const k = vtdTagKind(tag);
  const did = vtdTagDid(tag);
  if (k === VTD_SL) return `did ${did} (second level)`;
  return `did ${did} pasid ${vtdTagPasid(tag)} (${k === VTD_FL ? 'first level' : 'nested'})`;
}
