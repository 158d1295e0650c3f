// PASID attach and removal (hardware.md §1.8): a CD at SSID = PASID and a CD-table STE whose
// S1DSS follows the RID's domain (identity: bypass, blocked: terminate), which the driver asks
// the core for (iommu_driver_get_domain_for_dev(), the resetting domain during a reset); removal
// clears the CD, flushes the master's ATC for that PASID, leaves the old domain (the `old` the
// core hands over) and, with no SSID left, re-attaches the RID's identity/blocked domain so the
// STE drops back to a plain one.
import type { Device } from '../../base/device.js';
import { devIommuPrivGet } from '../../core/dev-iommu.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_IDENTITY } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import { iommuDriverGetDomainForDev } from '../../core/query.js';
import { deref, EINVAL, ENOMEM, type Gen, mutexLock, mutexUnlock, WARN_ON } from '../../sync/index.js';
import {
  armSmmuAttachCommit,
  armSmmuAttachPrepare,
  armSmmuMakeCdtableSte,
  armSmmuMakeS1Cd,
  armSmmuRemoveMasterDomain,
  attachState,
  iommuGroupMutexAssert,
  testDevMoved,
} from './attach.js';
import type { ArmSmmuDomain } from './domain.js';
import { armSmmuAllocCdPtr, armSmmuClearCd, armSmmuInstallSteForDev, armSmmuWriteCdEntry } from './entries.js';
import { armSmmuAtcInvMaster } from './invalidate.js';
import { brokenDrivers } from '../broken.js';
import { type ArmSmmuMaster, armSmmuSsidsInUse } from './master.js';

/** arm_smmu_update_ste(): make the STE a CD-table one with the RID domain's S1DSS, unless it already is with this ATS */
function* armSmmuUpdateSte(master: ArmSmmuMaster, sidDomain: IommuDomain, atsEnabled: boolean): Gen {
  if (master.cdTable.inSte && master.steAtsEnabled === atsEnabled) return;
  const s1dss = sidDomain.type === IOMMU_DOMAIN_IDENTITY ? 'bypass' : 'terminate';
  if (sidDomain.type !== IOMMU_DOMAIN_IDENTITY) {
    WARN_ON(sidDomain.type !== IOMMU_DOMAIN_BLOCKED, 'WARN_ON(sid_domain->type != IOMMU_DOMAIN_BLOCKED)');
  }
  // hitless: only the CD-table fields and EATS change
  yield* armSmmuInstallSteForDev(master, armSmmuMakeCdtableSte(master, atsEnabled, s1dss));
}

/** arm_smmu_set_pasid(): a CD for `pasid` under the domain's ASID, the STE made a CD-table one if needed */
function* armSmmuSetPasid(master: ArmSmmuMaster, d: ArmSmmuDomain, pasid: number, old: IommuDomain | null): Gen<number> {
  const sidDomain = deref(iommuDriverGetDomainForDev(master.dev), 'sid_domain');
  const state = attachState(master, old, pasid);
  if (!testDevMoved()) {
    if (d.smmu !== master.smmu) return -EINVAL;
    const ridTranslates = sidDomain.type !== IOMMU_DOMAIN_IDENTITY && sidDomain.type !== IOMMU_DOMAIN_BLOCKED;
    if (!master.cdTable.inSte && ridTranslates) return -EINVAL;
  }
  if (!(yield* armSmmuAllocCdPtr(master, pasid))) return -ENOMEM;
  const lock = master.smmu.drv.asidLock;
  yield* mutexLock(lock);
  const ret = yield* armSmmuAttachPrepare(state, d);
  if (ret === 0) {
    // the ASID is read under the lock
    yield* armSmmuWriteCdEntry(master, pasid, armSmmuMakeS1Cd(d));
    yield* armSmmuUpdateSte(master, sidDomain, state.atsEnabled);
    yield* armSmmuAttachCommit(state);
  }
  yield* mutexUnlock(lock);
  return ret;
}

/** arm_smmu_s1_set_dev_pasid(): a paging S1 domain on a PASID */
export function* armSmmuS1SetDevPasid(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = deref(domain as ArmSmmuDomain, 'domain');
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  if (!testDevMoved()) {
    if (d.smmu !== master.smmu) return -EINVAL;
    if (d.stage !== 'S1') return -EINVAL;
  }
  return yield* armSmmuSetPasid(master, d, pasid, old);
}

/** arm_smmu_blocking_set_dev_pasid(): remove the PASID (`old` is the domain it leaves) */
export function* armSmmuBlockingSetDevPasid(
  _domain: IommuDomain,
  dev: Device,
  pasid: number,
  old: IommuDomain | null,
): Gen<number> {
  iommuGroupMutexAssert(dev);
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  const lock = master.smmu.drv.asidLock;
  yield* mutexLock(lock);
  yield* armSmmuClearCd(master, pasid);
  if (master.atsEnabled && !brokenDrivers.skipTranslationChangeAtcInv) yield* armSmmuAtcInvMaster(master, pasid);
  yield* armSmmuRemoveMasterDomain(master, old, pasid);
  yield* mutexUnlock(lock);
  // the last user of the CD table gone: back to a plain STE by re-attaching the RID's domain
  if (!armSmmuSsidsInUse(master)) {
    const sidDomain = deref(iommuDriverGetDomainForDev(master.dev), 'sid_domain');
    if (sidDomain.type === IOMMU_DOMAIN_IDENTITY || sidDomain.type === IOMMU_DOMAIN_BLOCKED) {
      yield* sidDomain.ops!.attachDev!(sidDomain, dev, sidDomain);
    }
  }
  return 0;
}
