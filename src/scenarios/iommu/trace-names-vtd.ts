// The intel-iommu driver's objects by the scenario's names, for traces: a domain's locks
// (&domain:D->lock), its DID on each unit (iommu_domain_info(domain:D, dmar0 did 2)) and its cache
// tags (cache_tag(domain:D, iotlb did 2 pasid 0)), the pages of its IO page table
// (page_table(domain:D), page_table(domain:D)+1, ...), given the name the domain has in the trace.
import type { IommuDomain } from '../../core/domain.js';
import { DmarDomain } from '../../drivers/vtd/domain.js';
import { ioPgtableFrames } from '../../hw/pgtable/pgtable.js';
import type { TraceNames } from '../../rt/trace-names.js';

export function nameVtdDomain(d: IommuDomain, name: string, names: TraceNames): void {
  if (!(d instanceof DmarDomain)) return;
  names.phrase(`dmar_domain#${d.oid.toString(16)}`, name);
  if (d.pt !== null && d.pt.mem.ownerOf(d.pt.root).kind !== 'free') {
    // the root last (the walk lists it last): the root is page_table(D), the others in walk order
    const frames = ioPgtableFrames(d.pt);
    frames.forEach((pfn, i) => names.name(d.pt!.mem.page(pfn), i === frames.length - 1 ? `page_table(${name})` : `page_table(${name})+${i + 1}`));
  }
  for (const info of d.iommuArray.values()) names.name(info, `iommu_domain_info(${name}, ${info.iommu.name} did ${info.did})`);
  for (const t of d.cacheTags) {
    const dev = t.type === 'devtlb' ? ` ${t.info.dev.name}` : '';
    names.name(t, `cache_tag(${name}, ${t.type}${dev} did ${t.did} pasid ${t.pasid})`);
  }
}
