// RID attach (hardware.md §1.7): attach_prepare puts the master on the new domain's list (both
// lists until commit, so invalidations of either reach it) and turns PCI ATS off before an STE
// that will not use it; the caller installs the CD and STE; attach_commit flushes or enables
// ATS and takes the master off the `old` domain's list. `old` is what the core hands the
// callback: the driver trusts it, as the kernel's does, so a wrong `old` leaves a master_domain
// on the real old domain (invalidations keep reaching the master, the entry leaks) and finds
// nothing to remove on the wrong one.
import type { Device } from '../../base/device.js';
import { devIommuPrivGet } from '../../core/dev-iommu.js';
import type { IommuDomain } from '../../core/domain.js';
import { iommuCore } from '../../core/globals.js';
import { cdS1 } from '../../hw/smmuv3/cd.js';
import { STE_ABORT, STE_BYPASS, type S1Dss, type Ste, steCdTable, steS2 } from '../../hw/smmuv3/ste.js';
import { pciDisableAts, pciEnableAts } from '../../pci/ats.js';
import { isPciDev, pciAtsSupported } from '../../pci/pci.js';
import { asOracle, deref, EBUSY, EINVAL, ENOENT, ENOMEM, type Gen, kfree, kzalloc, lockdepAssertHeld, mutexLock, mutexUnlock, readOnceDeref, spinLock, spinUnlock, writeOnce } from '../../sync/index.js';
import { ArmSmmuDomain, ArmSmmuMasterDomain, toSmmuDomainDevices } from './domain.js';
import { armSmmuAllocCdPtr, armSmmuClearCd, armSmmuInstallSteForDev, armSmmuWriteCdEntry } from './entries.js';
import { armSmmuAtcInvMaster } from './invalidate.js';
import { brokenDrivers } from '../broken.js';
import { type ArmSmmuMaster, armSmmuSsidsInUse } from './master.js';

/** IOMMU_NO_PASID */
export const NO_PASID = 0;

/** struct arm_smmu_attach_state */
export interface ArmSmmuAttachState {
  readonly master: ArmSmmuMaster;
  readonly oldDomain: IommuDomain | null;
  readonly ssid: number;
  cdNeedsAts: boolean;
  readonly disableAts: boolean;
  /** output of prepare */
  atsEnabled: boolean;
}

export function attachState(master: ArmSmmuMaster, old: IommuDomain | null, ssid: number): ArmSmmuAttachState {
  return { master, oldDomain: old, ssid, cdNeedsAts: false, disableAts: false, atsEnabled: false };
}

/** the seed 002 toggle: compatibility checks live in test_dev, which the core calls first */
export function testDevMoved(): boolean {
  return iommuCore.patches.testDevOp;
}

/** iommu_group_mutex_assert(): attach_dev and set_dev_pasid run under the device's group mutex */
export function iommuGroupMutexAssert(dev: Device): void {
  // a lockdep assertion: a check, not one of the model's accesses (the yield rule's checker)
  const group = asOracle(() => dev.iommuGroup);
  if (group !== null) lockdepAssertHeld(group.mutex);
}

/** arm_smmu_ats_supported(): FEAT_ATS, the root complex, and the PCI device */
function armSmmuAtsSupported(master: ArmSmmuMaster): boolean {
  const dev = master.dev;
  return master.smmu.feat.ats && isPciDev(dev) && pciAtsSupported(dev);
}

/** arm_smmu_make_cdtable_ste() */
export function armSmmuMakeCdtableSte(master: ArmSmmuMaster, ats: boolean, s1dss: S1Dss): Ste {
  const reg = master.cdTable.reg!;
  return steCdTable({ ctxptr: reg.base, fmt: reg.fmt, cdmax: reg.cdmax, s1dss, ats, strw: master.smmu.feat.e2h ? 'el2' : 'nsel1' });
}

/** arm_smmu_make_s1_cd() */
export function armSmmuMakeS1Cd(d: ArmSmmuDomain): ReturnType<typeof cdS1> {
  const pt = d.pgtbl!;
  return cdS1({ asid: d.asid, ttb: pt.rootPa, ias: pt.fmt.ias, levels: pt.fmt.levels });
}

/** arm_smmu_attach_prepare(): caller holds arm_smmu_asid_lock. 0 or -errno */
export function* armSmmuAttachPrepare(state: ArmSmmuAttachState, newDomain: IommuDomain): Gen<number> {
  const master = state.master;
  const smmuDomain = toSmmuDomainDevices(newDomain);
  lockdepAssertHeld(master.smmu.drv.asidLock);
  // no ATS with a plain bypass/abort STE; a CD table with S1DSS keeps it for the PASIDs
  if (smmuDomain !== null || state.cdNeedsAts) state.atsEnabled = !state.disableAts && armSmmuAtsSupported(master);
  if (smmuDomain !== null) {
    const md = yield* kzalloc(() => new ArmSmmuMasterDomain(master, smmuDomain, state.ssid));
    if (md === null) return -ENOMEM;
    // both domains' lists hold the master until commit, so both send it ATS invalidations
    yield* spinLock(smmuDomain.devicesLock);
    if (!testDevMoved() && smmuDomain.enforceCacheCoherency && !master.canwbs) {
      yield* spinUnlock(smmuDomain.devicesLock);
      yield* kfree(md);
      return -EINVAL;
    }
    if (state.atsEnabled) yield* writeOnce(smmuDomain, 'nrAtsMasters', smmuDomain.nrAtsMasters + 1);
    smmuDomain.devices.push(md);
    yield* spinUnlock(smmuDomain.devicesLock);
  }
  if (!state.atsEnabled && master.atsEnabled && isPciDev(master.dev)) {
    // before the STE stops allowing translated requests (UR, AER noise)
    yield* pciDisableAts(master.dev);
  }
  return 0;
}

/** arm_smmu_remove_master_domain(): take (master, ssid) off `domain`'s list, if it is there */
export function* armSmmuRemoveMasterDomain(master: ArmSmmuMaster, domain: IommuDomain | null, ssid: number): Gen {
  const smmuDomain = toSmmuDomainDevices(domain);
  if (smmuDomain === null) return;
  const d = deref(smmuDomain, 'smmu_domain');
  yield* spinLock(d.devicesLock);
  const i = d.devices.findIndex((md) => md.master === master && md.ssid === ssid);
  const md = i < 0 ? null : d.devices[i]!;
  if (md !== null) {
    d.devices.splice(i, 1);
    if (master.atsEnabled) yield* writeOnce(d, 'nrAtsMasters', d.nrAtsMasters - 1);
  }
  yield* spinUnlock(d.devicesLock);
  if (md !== null) yield* kfree(md);
}

/** arm_smmu_enable_ats(): a full ATC flush, then PCI ATS on */
function* armSmmuEnableAts(master: ArmSmmuMaster): Gen {
  yield* armSmmuAtcInvMaster(master, NO_PASID);
  if (isPciDev(master.dev)) yield* pciEnableAts(master.dev);
}

/** arm_smmu_attach_commit(): ATS per the new STE, off the old domain's list */
export function* armSmmuAttachCommit(state: ArmSmmuAttachState): Gen {
  const master = state.master;
  lockdepAssertHeld(master.smmu.drv.asidLock);
  if (state.atsEnabled && !master.atsEnabled) yield* armSmmuEnableAts(master);
  else if (brokenDrivers.skipTranslationChangeAtcInv) {
    // a test-only bug (drivers/broken.ts): no ATC invalidation for the changed translation
  } else if (state.atsEnabled && master.atsEnabled) {
    // the translation changed: both domains invalidate the master until now
    yield* armSmmuAtcInvMaster(master, state.ssid);
  } else if (!state.atsEnabled && master.atsEnabled) {
    // ATS switched off: the whole ATC
    yield* armSmmuAtcInvMaster(master, NO_PASID);
  }
  yield* armSmmuRemoveMasterDomain(master, state.oldDomain, state.ssid);
  // read locklessly by the domains' invalidations
  yield* writeOnce(master, 'atsEnabled', state.atsEnabled);
}

/** arm_smmu_attach_dev(): a paging domain on the RID */
export function* armSmmuAttachDev(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = deref(domain as ArmSmmuDomain, 'domain');
  // dev->iommu and its fwspec: the probe stored them before the device joined the group (under the
  // probe lock, not this mutex)
  if ((yield* readOnceDeref(dev, 'iommu', 'fwspec')).value === null) return -ENOENT;
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  const state = attachState(master, old, NO_PASID);
  // the checks seed 002's test_dev moved out of here
  if (!testDevMoved()) {
    if (d.smmu !== master.smmu) return -EINVAL;
    if (d.stage === 'S2' && armSmmuSsidsInUse(master)) return -EBUSY;
  }
  if (d.stage === 'S1' && !(yield* armSmmuAllocCdPtr(master, NO_PASID))) return -ENOMEM;
  const lock = master.smmu.drv.asidLock;
  yield* mutexLock(lock);
  const ret = yield* armSmmuAttachPrepare(state, d);
  if (ret !== 0) {
    yield* mutexUnlock(lock);
    return ret;
  }
  if (d.stage === 'S1') {
    yield* armSmmuWriteCdEntry(master, NO_PASID, armSmmuMakeS1Cd(d));
    yield* armSmmuInstallSteForDev(master, armSmmuMakeCdtableSte(master, state.atsEnabled, 'ssid0'));
  } else {
    const pt = d.pgtbl!;
    yield* armSmmuInstallSteForDev(master, steS2({ vmid: d.vmid, ttb: pt.rootPa, levels: pt.fmt.levels, ats: state.atsEnabled }));
    yield* armSmmuClearCd(master, NO_PASID);
  }
  yield* armSmmuAttachCommit(state);
  yield* mutexUnlock(lock);
  return 0;
}

/** arm_smmu_attach_dev_ste(): identity or blocked on the RID; a CD-table STE with S1DSS while PASIDs are in use */
function* armSmmuAttachDevSte(domain: IommuDomain, dev: Device, old: IommuDomain | null, plain: Ste, s1dss: S1Dss): Gen<number> {
  iommuGroupMutexAssert(dev);
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  const state = attachState(master, old, NO_PASID);
  const lock = master.smmu.drv.asidLock;
  // no ASID may change while the STE is being worked on
  yield* mutexLock(lock);
  let ste = plain;
  if (armSmmuSsidsInUse(master)) {
    // a PASID is assumed to use ATS, so the CD table keeps it on
    state.cdNeedsAts = true;
    yield* armSmmuAttachPrepare(state, domain);
    ste = armSmmuMakeCdtableSte(master, state.atsEnabled, s1dss);
  } else {
    yield* armSmmuAttachPrepare(state, domain);
  }
  yield* armSmmuInstallSteForDev(master, ste);
  yield* armSmmuAttachCommit(state);
  yield* mutexUnlock(lock);
  // after the master left the old domain's list
  yield* armSmmuClearCd(master, NO_PASID);
  return 0;
}

/** arm_smmu_attach_dev_identity() */
export function* armSmmuAttachDevIdentity(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number> {
  return yield* armSmmuAttachDevSte(domain, dev, old, STE_BYPASS, 'bypass');
}

/** arm_smmu_attach_dev_blocked() */
export function* armSmmuAttachDevBlocked(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number> {
  return yield* armSmmuAttachDevSte(domain, dev, old, STE_ABORT, 'terminate');
}
