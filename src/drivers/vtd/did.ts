// Domain IDs (hardware.md §2.4): a paging domain gets a DID per unit from the unit's IDA
// (IDA_START_DID = 2 .. cap_ndoms - 1; 0 and 1 are reserved) at its first attachment there, and
// gives it back when the last attachment on that unit goes. Identity and SVA entries use DID 1.
import { IOMMU_DOMAIN_IDENTITY, IOMMU_DOMAIN_SVA } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import { FLPT_DEFAULT_DID, IDA_START_DID } from '../../hw/vtd/entries.js';
import { atomicUpdate, deref, EBUSY, ENOMEM, ENOSPC, type Gen, kfree, kzalloc, mutexLock, mutexUnlock, readOnce } from '../../sync/index.js';
import { type DmarDomain, IommuDomainInfo, toDmarDomain } from './domain.js';
import type { IntelIommu } from './iommu.js';

/** ida_alloc_range(&iommu->domain_ida, IDA_START_DID, cap_ndoms - 1): the lowest free DID or -ENOSPC */
function* idaAllocDid(iommu: IntelIommu): Gen<number> {
  let did = -ENOSPC;
  yield* atomicUpdate(iommu, 'domainIda', (used) => {
    for (let n = IDA_START_DID; n < iommu.hw.caps.ndoms; n++) {
      if (!used.has(n)) {
        did = n;
        return new Set([...used, n]);
      }
    }
    return used;
  });
  return did;
}

/** ida_free(&iommu->domain_ida, did) */
function* idaFreeDid(iommu: IntelIommu, did: number): Gen {
  yield* atomicUpdate(iommu, 'domainIda', (used) => new Set([...used].filter((n) => n !== did)));
}

/** domain_attach_iommu(): a DID for the domain on this unit, or one more user of the one it has */
export function* domainAttachIommu(domain: DmarDomain, iommu: IntelIommu): Gen<number> {
  const info = yield* kzalloc(() => new IommuDomainInfo(iommu));
  if (info === null) return -ENOMEM;
  yield* mutexLock(iommu.didLock);
  const curr = (yield* readOnce(domain, 'iommuArray')).get(iommu.seqId);
  if (curr !== undefined) {
    curr.refcnt++;
    yield* mutexUnlock(iommu.didLock);
    yield* kfree(info);
    return 0;
  }
  const num = yield* idaAllocDid(iommu);
  if (num < 0) {
    // pr_err("%s: No free domain ids\n")
    yield* mutexUnlock(iommu.didLock);
    yield* kfree(info);
    return num;
  }
  info.did = num;
  // xa_cmpxchg(&domain->iommu_array, seq_id, NULL, info): did_lock serializes the writers
  let raced = false;
  yield* atomicUpdate(domain, 'iommuArray', (m) => {
    if (m.has(iommu.seqId)) {
      raced = true;
      return m;
    }
    return new Map([...m, [iommu.seqId, info]]);
  });
  yield* mutexUnlock(iommu.didLock);
  if (raced) {
    yield* idaFreeDid(iommu, num);
    yield* kfree(info);
    return -EBUSY;
  }
  return 0;
}

/** domain_detach_iommu(): one user less; the last gives the DID back */
export function* domainDetachIommu(domain: DmarDomain, iommu: IntelIommu): Gen {
  yield* mutexLock(iommu.didLock);
  const info = deref((yield* readOnce(domain, 'iommuArray')).get(iommu.seqId) ?? null, 'xa_load(&domain->iommu_array, iommu->seq_id)');
  if (--info.refcnt === 0) {
    yield* idaFreeDid(iommu, info.did);
    yield* atomicUpdate(domain, 'iommuArray', (m) => new Map([...m].filter(([k]) => k !== iommu.seqId)));
    yield* kfree(info);
  }
  yield* mutexUnlock(iommu.didLock);
}

/** domain_id_iommu(): the domain's DID on this unit (xa_load then info->did: NULL when not attached there) */
export function* domainIdIommu(domain: DmarDomain, iommu: IntelIommu): Gen<number> {
  const info = (yield* readOnce(deref(domain, 'dmar_domain'), 'iommuArray')).get(iommu.seqId) ?? null;
  return deref(info, 'domain_id_iommu(): info').did;
}

/** iommu_domain_did(): DID 1 for SVA and identity, else the paging domain's DID on the unit */
export function* iommuDomainDid(domain: IommuDomain, iommu: IntelIommu): Gen<number> {
  if (domain.type === IOMMU_DOMAIN_SVA || domain.type === IOMMU_DOMAIN_IDENTITY) return FLPT_DEFAULT_DID;
  return yield* domainIdIommu(toDmarDomain(domain), iommu);
}
