// PASID entries and the scalable-mode context entry (intel/pasid.c, hardware.md §2.3, §2.8): set
// up into a not-present entry (-EBUSY if present) with P written last, replaced in place
// (v6.18: a whole new entry over the present one, then the present-entry flush with the old DID),
// torn down (clear P, PASID cache, IOTLB, device-TLB, then the rest of the entry), and the context
// entry written once at probe and cleared at release. Every entry word is one write step and
// every flush one qi_submit_sync() (a wait descriptor); entries change under iommu->lock.
import { brokenDrivers } from '../broken.js';
import { IOMMU_NO_PASID } from '../../core/domain-types.js';
import { slotValue } from '../../hw/memory/slots.js';
import { PGTT_FL, PGTT_PT, type PasidEntry, PASID_W1_ZERO, PASID_W2_ZERO, PASID_W0_ZERO, smContext, SM_CTX_ZERO } from '../../hw/vtd/entries.js';
import type { VtdDesc } from '../../hw/vtd/descriptors.js';
import { qiSubmitSync } from '../../hw/vtd/qi.js';
import { ctxSlot, ctxWriteWord, pasidSlot, pasidTableAllocLeaf, pasidWriteWord } from '../../hw/vtd/tables.js';
import { slotField } from '../../hw/memory/slots.js';
import { EBUSY, EINVAL, ENODEV, ENOMEM, type Gen, hwStep, readOnce, spinLock, spinUnlock, WARN_ON } from '../../sync/index.js';
import type { DeviceDomainInfo } from './device.js';
import type { IntelIommu } from './iommu.js';

function tag(info: DeviceDomainInfo): string {
  return `${info.iommu.name} pasid table of ${info.dev.name}`;
}

/** intel_pasid_get_entry()'s leaf: the PASID table holding `pasid`, allocated on demand (0 or -ENOMEM) */
function* pasidLeaf(info: DeviceDomainInfo, pasid: number): Gen<number> {
  return yield* pasidTableAllocLeaf(info.iommu.hw.mem, info.pasidTable.dir, pasid, tag(info));
}

/** the entry as the driver reads it under iommu->lock (null: no leaf table) */
function* pasidRead(info: DeviceDomainInfo, pasid: number): Gen<PasidEntry | null> {
  const s = pasidSlot(info.iommu.hw.mem, info.pasidTable.dir, pasid);
  if (s === null) return null;
  yield* hwStep(s.page, slotField(s), 'read', 'pasid_entry_load');
  return slotValue<PasidEntry>(s);
}

/** the words of a new entry into a not-present one: the present bit (word 0) last */
function* pasidWriteNew(info: DeviceDomainInfo, pasid: number, e: PasidEntry): Gen {
  const { mem } = info.iommu.hw;
  const dir = info.pasidTable.dir;
  yield* pasidWriteWord(mem, dir, pasid, 1, e[1]);
  yield* pasidWriteWord(mem, dir, pasid, 2, e[2]);
  yield* pasidWriteWord(mem, dir, pasid, 0, e[0]);
}

function* sync(iommu: IntelIommu, d: VtdDesc): Gen<number> {
  return yield* qiSubmitSync(iommu.hw, [d]);
}

/** pasid_cache_invalidation_with_pasid() */
function* pasidCacheInvalidation(iommu: IntelIommu, did: number, pasid: number): Gen {
  yield* sync(iommu, { type: 'pc', scope: 'pasid', did, pasid });
}

/** qi_flush_piotlb(did, pasid, 0, -1): everything of (DID, PASID) */
function* qiFlushPiotlbAll(iommu: IntelIommu, did: number, pasid: number): Gen {
  yield* sync(iommu, { type: 'piotlb', did, pasid, range: null });
}

/**
 * devtlb_invalidation_with_pasid(): the whole device-TLB of the function (PASID-based for a
 * PASID), when ATS is enabled. An invalidation time-out (the function is in reset) is not retried
 * here: the unit records the ITE (qi.ts), the checkers read it.
 */
export function* devtlbInvalidationWithPasid(info: DeviceDomainInfo, pasid: number): Gen {
  // READ_ONCE: intel_iommu_probe_finalize() sets it with no lock
  if (!(yield* readOnce(info, 'atsEnabled'))) return;
  // a test-only bug (drivers/broken.ts): no device-TLB invalidation for the changed translation
  if (brokenDrivers.skipTranslationChangeAtcInv) return;
  if (pasid === IOMMU_NO_PASID) yield* sync(info.iommu, { type: 'devtlb', sid: info.sid, pfsid: info.sid, qdep: 32, addr: 0, size: 0 });
  else yield* sync(info.iommu, { type: 'pdevtlb', sid: info.sid, pfsid: info.sid, pasid, addr: 0, size: 0 });
}

/** pasid_flush_caches(): after making an entry present, only caching mode can have cached it */
function* pasidFlushCaches(iommu: IntelIommu, pasid: number, did: number): Gen {
  if (!iommu.hw.caps.cm) return;
  yield* pasidCacheInvalidation(iommu, did, pasid);
  yield* qiFlushPiotlbAll(iommu, did, pasid);
}

/**
 * intel_pasid_setup_first_level() / _second_level() / _pass_through(): `e` into the not-present
 * entry of `pasid`. 0, -ENOMEM (leaf table), -EBUSY (present)
 */
export function* intelPasidSetup(info: DeviceDomainInfo, pasid: number, e: PasidEntry): Gen<number> {
  const iommu = info.iommu;
  if ((yield* pasidLeaf(info, pasid)) !== 0) return -ENOMEM;
  yield* spinLock(iommu.lock);
  const cur = yield* pasidRead(info, pasid);
  if (cur === null) {
    yield* spinUnlock(iommu.lock);
    return -ENODEV;
  }
  if (cur[0].p) {
    yield* spinUnlock(iommu.lock);
    return -EBUSY;
  }
  yield* pasidWriteNew(info, pasid, e);
  yield* spinUnlock(iommu.lock);
  yield* pasidFlushCaches(iommu, pasid, e[1].did);
  return 0;
}

/**
 * intel_pasid_flush_present(): after changing a present entry, by the DID it had: PASID cache,
 * the PASID's IOTLB entries (PASID-based), the function's device-TLB
 */
function* intelPasidFlushPresent(info: DeviceDomainInfo, pasid: number, did: number): Gen {
  yield* pasidCacheInvalidation(info.iommu, did, pasid);
  yield* qiFlushPiotlbAll(info.iommu, did, pasid);
  yield* devtlbInvalidationWithPasid(info, pasid);
}

/**
 * intel_pasid_replace_first_level() / _second_level() / _pass_through() (v6.18): the new entry
 * written over the present one, word by word (a DMA can fetch a torn mixture), then the flush by
 * `oldDid`, the DID the caller computed from the `old` domain it was handed. 0, -ENOMEM, -EINVAL
 * (not present)
 */
export function* intelPasidReplace(info: DeviceDomainInfo, pasid: number, e: PasidEntry, oldDid: number): Gen<number> {
  const iommu = info.iommu;
  if ((yield* pasidLeaf(info, pasid)) !== 0) return -ENOMEM;
  yield* spinLock(iommu.lock);
  const cur = yield* pasidRead(info, pasid);
  if (cur === null) {
    yield* spinUnlock(iommu.lock);
    return -ENODEV;
  }
  if (!cur[0].p) {
    yield* spinUnlock(iommu.lock);
    return -EINVAL;
  }
  WARN_ON(oldDid !== cur[1].did, 'WARN_ON(old_did != pasid_get_domain_id(pte))');
  const { mem } = iommu.hw;
  for (let w = 0; w < 3; w++) yield* pasidWriteWord(mem, info.pasidTable.dir, pasid, w, e[w]!);
  yield* spinUnlock(iommu.lock);
  yield* intelPasidFlushPresent(info, pasid, oldDid);
  return 0;
}

/**
 * intel_pasid_tear_down_entry(): clear P under the lock, then PASID cache, IOTLB (P_IOTLB for
 * pass-through and first level, DSI for second level and nested), device-TLB, and last the rest of
 * the entry (keeping FPD when faults are to be ignored)
 */
export function* intelPasidTearDownEntry(info: DeviceDomainInfo, pasid: number, faultIgnore: boolean): Gen {
  const iommu = info.iommu;
  const { mem } = iommu.hw;
  const dir = info.pasidTable.dir;
  yield* spinLock(iommu.lock);
  const cur = yield* pasidRead(info, pasid);
  if (WARN_ON(cur === null, 'WARN_ON(!pte)')) {
    yield* spinUnlock(iommu.lock);
    return;
  }
  const e = cur!;
  if (!e[0].p) {
    // a not-present entry left with FPD by an earlier teardown is cleared
    if (e[0].fpd) yield* pasidWriteWord(mem, dir, pasid, 0, PASID_W0_ZERO);
    yield* spinUnlock(iommu.lock);
    return;
  }
  const did = e[1].did;
  const pgtt = e[0].pgtt;
  yield* pasidWriteWord(mem, dir, pasid, 0, { ...e[0], p: false });
  yield* spinUnlock(iommu.lock);
  yield* pasidCacheInvalidation(iommu, did, pasid);
  if (pgtt === PGTT_PT || pgtt === PGTT_FL) yield* qiFlushPiotlbAll(iommu, did, pasid);
  else yield* sync(iommu, { type: 'iotlb', scope: 'dsi', did });
  yield* devtlbInvalidationWithPasid(info, pasid);
  // intel_pasid_clear_entry()
  yield* pasidWriteWord(mem, dir, pasid, 1, PASID_W1_ZERO);
  yield* pasidWriteWord(mem, dir, pasid, 2, PASID_W2_ZERO);
  yield* pasidWriteWord(mem, dir, pasid, 0, faultIgnore ? { ...PASID_W0_ZERO, fpd: true } : PASID_W0_ZERO);
}

/**
 * intel_pasid_setup_sm_context(): the scalable-mode context entry, written once at probe: the
 * PASID directory, RID_PASID 0, DTE when the device has ATS; P last. Caching mode then needs the
 * context cache, PASID cache and IOTLB flushed (context_present_cache_flush()).
 */
export function* intelPasidSetupSmContext(info: DeviceDomainInfo): Gen<number> {
  const iommu = info.iommu;
  const unit = iommu.hw;
  if (ctxSlot(unit, info.sid) === null) return -ENOMEM;
  const ctx = smContext({ pasiddirptr: info.pasidTable.dir, pdts: info.pasidTable.pdts, dte: info.atsSupported });
  yield* spinLock(iommu.lock);
  yield* ctxWriteWord(unit, info.sid, 1, ctx[1]);
  yield* ctxWriteWord(unit, info.sid, 0, ctx[0]);
  yield* spinUnlock(iommu.lock);
  if (unit.caps.cm) {
    yield* sync(iommu, { type: 'cc', scope: 'device', did: 0, sid: info.sid });
    yield* sync(iommu, { type: 'pc', scope: 'global' });
    yield* sync(iommu, { type: 'iotlb', scope: 'global' });
  }
  return 0;
}

/**
 * intel_pasid_teardown_sm_context(): clear the context entry, then the device-selective
 * context-cache, the PASID cache and the function's device-TLB (intel_context_flush_no_pasid())
 */
export function* intelPasidTeardownSmContext(info: DeviceDomainInfo): Gen {
  const iommu = info.iommu;
  const unit = iommu.hw;
  if (ctxSlot(unit, info.sid) === null) return;
  yield* spinLock(iommu.lock);
  yield* ctxWriteWord(unit, info.sid, 0, SM_CTX_ZERO[0]);
  yield* ctxWriteWord(unit, info.sid, 1, SM_CTX_ZERO[1]);
  yield* spinUnlock(iommu.lock);
  yield* sync(iommu, { type: 'cc', scope: 'device', did: 0, sid: info.sid });
  yield* sync(iommu, { type: 'pc', scope: 'global' });
  yield* devtlbInvalidationWithPasid(info, IOMMU_NO_PASID);
}
