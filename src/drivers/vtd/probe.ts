// Probe and release of a client device (intel/iommu.c): the device_domain_info, ATS and PASID
// support, the PASID table, the scalable-mode context entry (written once, here); ATS enabled at
// probe_finalize; release disables ATS and clears the context entry (the core has already put
// the device on the release domain, the blocking one, so its RID_PASID entry is gone).
import { type Device, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE } from '../../base/device.js';
import { devIommuFwspecGet, devIommuPrivSet } from '../../core/dev-iommu.js';
import { genericDeviceGroup, pciDeviceGroup } from '../../core/device-group.js';
import type { IommuGroup } from '../../core/group.js';
import type { IommuDevice } from '../../core/iommu-device.js';
import { IOMMU_CAP_CACHE_COHERENCY } from '../../core/ops.js';
import { iommuAllocResvRegion, type IommuResvRegion } from '../../core/resv.js';
import { pciDisableAts, pciEnableAts } from '../../pci/ats.js';
import { isPciDev, pciAtsSupported, pciMaxPasids } from '../../pci/pci.js';
import { ENODEV, ENOMEM, type ErrPtr, type Gen, kfree, kzalloc, writeOnce } from '../../sync/index.js';
import { DeviceDomainInfo, deviceInfo } from './device.js';
import { IntelIommu } from './iommu.js';
import { intelPasidSetupSmContext, intelPasidTeardownSmContext } from './pasid.js';

/** device_lookup_iommu(): the unit whose scope holds the device (its fwspec), one this driver probed */
function* deviceLookupIommu(dev: Device): Gen<{ iommu: IntelIommu; sid: number } | null> {
  // dev_iommu_fwspec_get(): READ_ONCEs (a removal frees dev->iommu without the probe lock, F3)
  const fwspec = yield* devIommuFwspecGet(dev);
  const node = fwspec?.iommuFwnode;
  const iommu = node?.drvdata;
  if (!(iommu instanceof IntelIommu) || iommu.fwnode !== node) return null;
  return { iommu, sid: fwspec!.ids[0] ?? 0 };
}

/** intel_iommu_capable() */
export function intelIommuCapable(dev: Device, cap: number): boolean {
  const info = dev.iommu?.priv as DeviceDomainInfo | null | undefined;
  return cap === IOMMU_CAP_CACHE_COHERENCY && (info?.iommu.hw.caps.sc ?? true);
}

/** intel_iommu_probe_device() */
export function* intelIommuProbeDevice(dev: Device): Gen<ErrPtr<IommuDevice>> {
  const found = yield* deviceLookupIommu(dev);
  if (found === null) return -ENODEV;
  const { iommu, sid } = found;
  const tables = iommu.sidTables.get(sid);
  // intel_pasid_alloc_table(): the source-id's directory, set up with the unit (see iommu.ts)
  if (tables === undefined) return -ENOMEM;
  const info = yield* kzalloc(() => new DeviceDomainInfo(dev, iommu, sid, tables));
  if (info === null) return -ENOMEM;
  const caps = iommu.hw.caps;
  if (isPciDev(dev)) {
    info.atsSupported = caps.devTlb && pciAtsSupported(dev);
    info.pasidSupported = caps.pasid && pciMaxPasids(dev) > 0;
  }
  yield* devIommuPrivSet(dev, info);
  const ret = yield* intelPasidSetupSmContext(info);
  if (ret !== 0) {
    yield* devIommuPrivSet(dev, null);
    yield* kfree(info);
    return ret;
  }
  return iommu;
}

/** intel_iommu_probe_finalize(): ATS on (iommu_enable_pci_ats()), after the first attach */
export function* intelIommuProbeFinalize(dev: Device): Gen {
  const info = yield* deviceInfo(dev);
  if (!info.atsSupported || !isPciDev(dev) || dev.atsEnabled) return;
  // info->ats_enabled: set with no lock (probe_finalize), read by a member's invalidation under the
  // group mutex (a reset's attach): WRITE_ONCE/READ_ONCE
  if ((yield* pciEnableAts(dev)) === 0) yield* writeOnce(info, 'atsEnabled', true);
}

/** intel_iommu_release_device(): ATS off, the context entry cleared, the per-device state freed */
export function* intelIommuReleaseDevice(dev: Device): Gen {
  const info = yield* deviceInfo(dev);
  // iommu_disable_pci_ats()
  if (info.atsEnabled && isPciDev(dev)) {
    if (dev.atsEnabled) yield* pciDisableAts(dev);
    info.atsEnabled = false;
  }
  yield* intelPasidTeardownSmContext(info);
  // intel_pasid_free_table(): the directory stays the source-id's for the boot (iommu.ts)
  yield* kfree(info);
}

/** intel_iommu_device_group(): PCI rules for PCI devices, one group per device otherwise */
export function* intelIommuDeviceGroup(dev: Device): Gen<ErrPtr<IommuGroup> | null> {
  if (isPciDev(dev)) return yield* pciDeviceGroup(dev);
  return yield* genericDeviceGroup(dev);
}

/** intel_iommu_get_resv_regions(): the RMRRs of the device as direct regions */
export function* intelIommuGetResvRegions(dev: Device, list: IommuResvRegion[]): Gen {
  for (const r of dev.fw.resv) {
    if (r.type !== IOMMU_RESV_DIRECT && r.type !== IOMMU_RESV_DIRECT_RELAXABLE) continue;
    const region = yield* iommuAllocResvRegion(r.start, r.length, r.prot, r.type);
    if (region === null) return;
    list.push(region);
  }
}
