// VT-d queued-invalidation descriptors the model executes (hardware.md §2.8). The invalidation
// wait descriptor is not one of them: qi.ts appends it (qi_submit_sync). Ranges are an address
// and an order AM (2^AM pages); IH (invalidation hint) set means leaf entries only: the
// paging-structure caches are kept. A device-TLB invalidation of size 0 is of everything.
export type VtdDesc =
  | { readonly type: 'cc'; readonly scope: 'global' }
  | { readonly type: 'cc'; readonly scope: 'domain'; readonly did: number }
  | { readonly type: 'cc'; readonly scope: 'device'; readonly did: number; readonly sid: number }
  | { readonly type: 'pc'; readonly scope: 'global' }
  | { readonly type: 'pc'; readonly scope: 'did'; readonly did: number }
  | { readonly type: 'pc'; readonly scope: 'pasid'; readonly did: number; readonly pasid: number }
  | { readonly type: 'iotlb'; readonly scope: 'global' }
  | { readonly type: 'iotlb'; readonly scope: 'dsi'; readonly did: number }
  | { readonly type: 'iotlb'; readonly scope: 'psi'; readonly did: number; readonly addr: number; readonly am: number; readonly ih: boolean }
  /** PASID-based IOTLB: all of (DID, PASID), or a range */
  | { readonly type: 'piotlb'; readonly did: number; readonly pasid: number; readonly range: { readonly addr: number; readonly am: number; readonly ih: boolean } | null }
  /** device-TLB (RID requests): an ATS invalidation without PASID */
  | { readonly type: 'devtlb'; readonly sid: number; readonly pfsid: number; readonly qdep: number; readonly addr: number; readonly size: number }
  /** PASID-based device-TLB */
  | { readonly type: 'pdevtlb'; readonly sid: number; readonly pfsid: number; readonly pasid: number; readonly addr: number; readonly size: number };

export function describeDesc(d: VtdDesc): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  switch (d.type) {
    case 'cc':
      return d.scope === 'global' ? 'context-cache(global)' : d.scope === 'domain' ? `context-cache(did ${d.did})` : `context-cache(sid ${hex(d.sid)})`;
    case 'pc':
      return d.scope === 'global' ? 'pasid-cache(global)' : d.scope === 'did' ? `pasid-cache(did ${d.did})` : `pasid-cache(did ${d.did}, pasid ${d.pasid})`;
    case 'iotlb':
      return d.scope === 'global' ? 'iotlb(global)' : d.scope === 'dsi' ? `iotlb(dsi did ${d.did})` : `iotlb(psi did ${d.did}, ${hex(d.addr)} am ${d.am}${d.ih ? ' ih' : ''})`;
    case 'piotlb':
      return `p_iotlb(did ${d.did}, pasid ${d.pasid}${d.range === null ? '' : `, ${hex(d.range.addr)} am ${d.range.am}${d.range.ih ? ' ih' : ''}`})`;
    case 'devtlb':
      return `dev-tlb(sid ${hex(d.sid)}, ${d.size === 0 ? 'all' : `${hex(d.addr)}+${hex(d.size)}`})`;
    case 'pdevtlb':
      return `pasid-dev-tlb(sid ${hex(d.sid)}, pasid ${d.pasid}, ${d.size === 0 ? 'all' : `${hex(d.addr)}+${hex(d.size)}`})`;
  }
}
