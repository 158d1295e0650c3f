// PCI reset hooks (spec core.md §4.12, baseline v7.0): block a function's RID and PASIDs for the
// duration of a reset without changing the bookkeeping, then restore what the bookkeeping says.
import { iommuCore } from './globals.js';
import { pciAtsSupported, type PciDev } from '../pci/pci.js';
import { deref, EBUSY, type Gen, mutexLock, mutexUnlock, readOnce, WARN_ON, xaForEachStart } from '../sync/index.js';
import { devHasIommu } from './dev-iommu.js';
import { __iommuGroupAllocBlockingDomain } from './ownership.js';
import { pasidArrayEntryToDomain } from './pasid-entry.js';
import { __iommuSetGroupPasid, iommuRemoveDevPasid } from './pasid.js';
import { __iommuAttachDevice } from './set-domain.js';

/** pci_dev_reset_iommu_prepare(): the caller guarantees no concurrent iommu_release_device() */
export function* pciDevResetIommuPrepare(pdev: PciDev): Gen<number> {
  const group = yield* readOnce(pdev, 'iommuGroup');
  if (!pciAtsSupported(pdev) || !(yield* devHasIommu(pdev))) return 0;
  const G = deref(group, 'pdev->dev.iommu_group');
  yield* mutexLock(G.mutex);
  const ret = yield* prepareLocked(pdev, G);
  yield* mutexUnlock(G.mutex);
  return ret;
}

function* prepareLocked(pdev: PciDev, group: NonNullable<PciDev['iommuGroup']>): Gen<number> {
  // v5 of the series: a device sharing its group is not blocked (would break sibling attaches)
  if (iommuCore.patches.resetSkipMultiDeviceGroup && group.devices.some((gd) => gd.dev !== pdev)) return 0;
  // re-entry is not allowed
  if (WARN_ON(group.resettingDomain !== null, 'WARN_ON(group->resetting_domain)')) return -EBUSY;
  let ret = yield* __iommuGroupAllocBlockingDomain(group);
  if (ret !== 0) return ret;
  // patch resetPrepareOrder: announce the reset before staging, so drivers asking hear it
  const early = iommuCore.patches.resetPrepareOrder === 'early';
  if (early) {
    group.resettingDomain = group.blockingDomain;
    group.resettingDev = pdev;
    group.ghostResetDev = pdev;
  }
  // stage the RID at blocking_domain while retaining group->domain
  if (group.domain !== group.blockingDomain) {
    ret = yield* __iommuAttachDevice(group.blockingDomain!, pdev, group.domain);
    if (ret !== 0) {
      if (early) {
        group.resettingDomain = null;
        group.resettingDev = null;
        group.ghostResetDev = null;
      }
      return ret;
    }
  }
  // stage the PASIDs at blocking_domain while retaining pasid_array
  for (const [pasid, entry] of xaForEachStart(group.pasidArray, 1)) {
    yield* iommuRemoveDevPasid(pdev, pasid, pasidArrayEntryToDomain(entry));
  }
  group.resettingDomain = group.blockingDomain;
  group.resettingDev = pdev;
  group.ghostResetDev = pdev;
  return ret;
}

/** pci_dev_reset_iommu_done(): back to group->domain and pasid_array */
export function* pciDevResetIommuDone(pdev: PciDev): Gen {
  const group = yield* readOnce(pdev, 'iommuGroup');
  if (!pciAtsSupported(pdev) || !(yield* devHasIommu(pdev))) return;
  const G = deref(group, 'pdev->dev.iommu_group');
  yield* mutexLock(G.mutex);
  yield* doneLocked(pdev, G);
  yield* mutexUnlock(G.mutex);
}

function* doneLocked(pdev: PciDev, group: NonNullable<PciDev['iommuGroup']>): Gen {
  // prepare was bypassed for the device
  if (group.resettingDomain === null) return;
  // prepare did not succeed
  if (WARN_ON(group.blockingDomain === null, 'WARN_ON(!group->blocking_domain)')) return;
  // re-attach the RID to group->domain
  if (group.domain !== group.blockingDomain) {
    // Kevin Tian's suggestion: every device of the group, a hot-added one included (and the
    // resetHotAddBlocked fix, which parks a hot-added one on the blocking domain until here)
    // (the fix re-attaches the members it parked, not the ones that never left group->domain:
    // those would be handed old = the blocking domain, F20)
    const devs = iommuCore.patches.resetDoneAllDevices
      ? group.devices.map((gd) => gd.dev)
      : iommuCore.patches.resetHotAddBlocked
        ? group.devices.map((gd) => gd.dev).filter((d) => d === pdev || group.ghostParked.has(d))
        : [pdev];
    for (const dev of devs) {
      const ret = yield* __iommuAttachDevice(group.domain!, dev, group.blockingDomain);
      WARN_ON(ret !== 0, 'WARN_ON(__iommu_attach_device(group->domain, &pdev->dev, group->blocking_domain))');
    }
  }
  // patch resetDoneOrder=early (F10's done half): the RID is back, end the reset before the PASIDs, so a
  // driver asking from set_dev_pasid hears group->domain (still under the mutex: no attach
  // gets in between)
  if (iommuCore.patches.resetDoneOrder === 'early') {
    group.resettingDomain = null;
    group.resettingDev = null;
  }
  // re-attach the PASIDs to the domains retained in pasid_array
  for (const [pasid, entry] of xaForEachStart(group.pasidArray, 1)) {
    const ret = yield* __iommuSetGroupPasid(pasidArrayEntryToDomain(entry), group, pasid, group.blockingDomain);
    WARN_ON(ret !== 0, 'WARN_ON(__iommu_set_group_pasid(domain, group, pasid, group->blocking_domain))');
  }
  group.resettingDomain = null;
  group.resettingDev = null;
  group.ghostResetDev = null;
  group.ghostParked.clear();
}
