// Cache tags (intel/cache.c, hardware.md §2.8): a domain lists what its invalidations must reach
// (an IOTLB tag per unit, DID and PASID; a device-TLB tag per ATS device and PASID), and its flushes
// walk the list under cache_lock, batching descriptors per unit into one qi_submit_sync() (a wait
// descriptor at the end). First-level domains use PASID-based IOTLB invalidations; second-level
// ones page-selective (PSI) or domain-selective (DSI) ones.
import { IOMMU_NO_PASID } from '../../core/domain-types.js';
import type { VtdDesc } from '../../hw/vtd/descriptors.js';
import { qiSubmitSync } from '../../hw/vtd/qi.js';
import { ENOMEM, type Gen, kfree, kzalloc, spinLock, spinUnlock } from '../../sync/index.js';
import type { DeviceDomainInfo } from './device.js';
import { domainIdIommu } from './did.js';
import { CacheTag, type CacheTagType, type DmarDomain } from './domain.js';
import type { IntelIommu } from './iommu.js';

/** VTD_PAGE_SHIFT */
const PAGE = 4096;
/** cap_max_amask_val(): the largest PSI address mask the model's units take */
const MAX_AMASK = 18;

/** cache_tage_match(): IOTLB tags are per unit, device-TLB tags per device */
function tagMatch(
  t: CacheTag,
  type: CacheTagType,
  iommu: IntelIommu,
  info: DeviceDomainInfo,
  did: number,
  pasid: number,
): boolean {
  if (t.type !== type || t.did !== did || t.pasid !== pasid) return false;
  return type === 'iotlb' ? t.iommu === iommu : t.info === info;
}

/** cache_tag_assign(): a new tag, or one more user of the same one */
function* cacheTagAssign(
  domain: DmarDomain,
  did: number,
  info: DeviceDomainInfo,
  pasid: number,
  type: CacheTagType,
): Gen<number> {
  const tag = yield* kzalloc(() => new CacheTag(type, info.iommu, info, did, pasid));
  if (tag === null) return -ENOMEM;
  yield* spinLock(domain.cacheLock);
  const same = domain.cacheTags.find((t) => tagMatch(t, type, info.iommu, info, did, pasid));
  if (same !== undefined) same.users++;
  else domain.cacheTags.push(tag);
  yield* spinUnlock(domain.cacheLock);
  if (same !== undefined) yield* kfree(tag);
  return 0;
}

/** cache_tag_unassign(): one user less; the last removes the tag */
function* cacheTagUnassign(domain: DmarDomain, did: number, info: DeviceDomainInfo, pasid: number, type: CacheTagType): Gen {
  yield* spinLock(domain.cacheLock);
  const i = domain.cacheTags.findIndex((t) => tagMatch(t, type, info.iommu, info, did, pasid));
  let gone: CacheTag | null = null;
  if (i >= 0 && --domain.cacheTags[i]!.users === 0) gone = domain.cacheTags.splice(i, 1)[0]!;
  yield* spinUnlock(domain.cacheLock);
  if (gone !== null) yield* kfree(gone);
}

/**
 * cache_tag_assign_domain(): the IOTLB tag and, for a device with ATS, the device-TLB tag (the
 * fixed form that tests ats_supported: ATS is enabled after the first attach, at probe_finalize).
 */
export function* cacheTagAssignDomain(domain: DmarDomain, info: DeviceDomainInfo, pasid: number): Gen<number> {
  const did = yield* domainIdIommu(domain, info.iommu);
  const ret = yield* cacheTagAssign(domain, did, info, pasid, 'iotlb');
  if (ret !== 0 || !info.atsSupported) return ret;
  const r2 = yield* cacheTagAssign(domain, did, info, pasid, 'devtlb');
  if (r2 !== 0) yield* cacheTagUnassign(domain, did, info, pasid, 'iotlb');
  return r2;
}

/** cache_tag_unassign_domain() */
export function* cacheTagUnassignDomain(domain: DmarDomain, info: DeviceDomainInfo, pasid: number): Gen {
  const did = yield* domainIdIommu(domain, info.iommu);
  yield* cacheTagUnassign(domain, did, info, pasid, 'iotlb');
  if (info.atsSupported) yield* cacheTagUnassign(domain, did, info, pasid, 'devtlb');
}

/** calculate_psi_aligned_address(): the naturally aligned 2^mask pages covering [start, end] */
export function psiAligned(start: number, end: number): { addr: number; mask: number } {
  const first = Math.floor(start / PAGE);
  const last = Math.floor(end / PAGE);
  let mask = Math.ceil(Math.log2(last - first + 1));
  while (Math.floor(first / 2 ** mask) !== Math.floor(last / 2 ** mask)) mask++;
  return { addr: Math.floor(first / 2 ** mask) * 2 ** mask * PAGE, mask };
}

/** the IOTLB descriptor of one tag for a range (null: everything) */
function iotlbDesc(domain: DmarDomain, t: CacheTag, range: { addr: number; mask: number } | null, ih: boolean): VtdDesc {
  if (domain.useFirstLevel) {
    return { type: 'piotlb', did: t.did, pasid: t.pasid, range: range === null ? null : { addr: range.addr, am: range.mask, ih } };
  }
  // cache_tag_flush_iotlb(): DSI when the range is all or too large for a PSI
  if (range === null || range.mask > MAX_AMASK) return { type: 'iotlb', scope: 'dsi', did: t.did };
  return { type: 'iotlb', scope: 'psi', did: t.did, addr: range.addr, am: range.mask, ih };
}

/** the device-TLB descriptor of one tag (null range: all) */
function devtlbDesc(t: CacheTag, range: { addr: number; mask: number } | null): VtdDesc {
  const addr = range?.addr ?? 0;
  const size = range === null ? 0 : 2 ** range.mask * PAGE;
  if (t.pasid === IOMMU_NO_PASID) return { type: 'devtlb', sid: t.info.sid, pfsid: t.info.sid, qdep: 32, addr, size };
  return { type: 'pdevtlb', sid: t.info.sid, pfsid: t.info.sid, pasid: t.pasid, addr, size };
}

/** walk the tags under cache_lock, one qi_submit_sync() per unit's batch (qi_batch_flush_descs) */
function* flushTags(domain: DmarDomain, descsOf: (t: CacheTag) => VtdDesc | null): Gen {
  yield* spinLock(domain.cacheLock);
  let iommu: IntelIommu | null = null;
  let batch: VtdDesc[] = [];
  for (const t of [...domain.cacheTags]) {
    if (iommu !== null && iommu !== t.iommu && batch.length > 0) {
      yield* qiSubmitSync(iommu.hw, batch);
      batch = [];
    }
    iommu = t.iommu;
    // device-TLB invalidations are skipped while translation is disabled
    if (t.type === 'devtlb' && !t.iommu.hw.te) continue;
    const d = descsOf(t);
    if (d !== null) batch.push(d);
  }
  if (iommu !== null && batch.length > 0) yield* qiSubmitSync(iommu.hw, batch);
  yield* spinUnlock(domain.cacheLock);
}

/** cache_tag_flush_range(): after an unmap; ih (leaf only) when no table page was freed */
export function* cacheTagFlushRange(domain: DmarDomain, start: number, end: number, ih: boolean): Gen {
  const range = psiAligned(start, end);
  yield* flushTags(domain, (t) => (t.type === 'iotlb' ? iotlbDesc(domain, t, range, ih) : devtlbDesc(t, range)));
}

/** cache_tag_flush_all(): DSI / PASID-all per tag, full device-TLB */
export function* cacheTagFlushAll(domain: DmarDomain): Gen {
  yield* flushTags(domain, (t) => (t.type === 'iotlb' ? iotlbDesc(domain, t, null, false) : devtlbDesc(t, null)));
}

/**
 * cache_tag_flush_range_np(): after a map. Only caching mode can have cached the not-present
 * entries, and only second-level ones are flushed for it (the write-buffer flush of RWBF units
 * is not modelled: the model's memory writes are visible to the unit at once).
 */
export function* cacheTagFlushRangeNp(domain: DmarDomain, start: number, end: number): Gen {
  const range = psiAligned(start, end);
  yield* flushTags(domain, (t) => {
    if (t.type !== 'iotlb') return null;
    if (!t.iommu.hw.caps.cm || domain.useFirstLevel) return null;
    return iotlbDesc(domain, t, range, false);
  });
}
