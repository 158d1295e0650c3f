// The SMMU's own probe and the per-device callbacks (hardware.md §1.1, §1.7): arm_smmu_device_probe
// programs a linear stream table of abort STEs and enables translation (setup: before any DMA);
// probe_device makes the master (its streams, its SSID width) and release_device, after the core
// parked the device on the release domain, frees its CD table and the master.
import type { Device, FwNode } from '../../base/device.js';
import { devIommuFwspecGet, devIommuPrivGet, devIommuPrivSet } from '../../core/dev-iommu.js';
import type { IommuFwspec } from '../../core/fwspec.js';
import { genericDeviceGroup, pciDeviceGroup } from '../../core/device-group.js';
import type { IommuGroup } from '../../core/group.js';
import type { IommuDevice } from '../../core/iommu-device.js';
import type { Smmuv3 } from '../../hw/smmuv3/smmu.js';
import { strtabInitNow } from '../../hw/smmuv3/tables.js';
import { isPciDev } from '../../pci/pci.js';
import { deref, ENODEV, ENOMEM, ERANGE, type ErrPtr, type Gen, kfree, kzalloc, writeOnce } from '../../sync/index.js';
import type { ArmSmmuDriver } from './driver.js';
import { armSmmuFreeCdTables } from './entries.js';
import { ArmSmmuDevice } from './iommu.js';
import { ArmSmmuMaster } from './master.js';

/** arm_smmu_device_probe(): ID registers read (narrowed by the knobs), stream table, SMMUEN (setup) */
export function armSmmuProbeUnit(drv: ArmSmmuDriver, hw: Smmuv3, node: FwNode): ArmSmmuDevice {
  const k = drv.knobs;
  const f = hw.opts.features;
  const stages = k.stages ?? 'both';
  const ssidBits = Math.min(k.ssidBits ?? hw.opts.ssidBits, hw.opts.ssidBits);
  const asidBits = k.asidBits ?? hw.opts.asidBits;
  const smmu = new ArmSmmuDevice(hw.name, node, drv, hw, asidBits, k.vmidBits ?? hw.opts.vmidBits, ssidBits, {
    transS1: f.transS1 && stages !== 's2',
    transS2: f.transS2 && stages !== 's1',
    ats: f.ats && (k.ats ?? true),
    twoLvlCdtab: f.twoLvlCdtab && (k.twoLevelCdTable ?? true),
    e2h: k.e2h ?? f.e2h,
  });
  // arm_smmu_init_strtab_linear(): every STE abort (disable_bypass); then arm_smmu_device_reset()
  if (hw.strtab === null) strtabInitNow(hw, 'linear');
  hw.gbpaAbort = true;
  hw.enabled = true;
  node.drvdata = smmu;
  drv.instances.push(smmu);
  return smmu;
}

/** the SMMU dev's fwspec names (arm_smmu_get_by_fwnode): one this driver probed */
function armSmmuGetByFwnode(fwspec: IommuFwspec): ArmSmmuDevice | null {
  const node = fwspec.iommuFwnode;
  const smmu = node?.drvdata;
  return smmu instanceof ArmSmmuDevice && smmu.fwnode === node ? smmu : null;
}

/** arm_smmu_probe_device() */
export function* armSmmuProbeDevice(dev: Device): Gen<ErrPtr<IommuDevice>> {
  // dev_iommu_fwspec_get(): READ_ONCEs (a removal frees dev->iommu without the probe lock, F3)
  const fwspec = yield* devIommuFwspecGet(dev);
  if (fwspec === null) return -ENODEV;
  const smmu = armSmmuGetByFwnode(fwspec);
  if (smmu === null) return -ENODEV;
  const streams = fwspec.ids.length > 0 ? [...fwspec.ids] : [0];
  // arm_smmu_insert_master(): every stream inside the stream table (arm_smmu_sid_in_range)
  for (const sid of streams) if (smmu.hw.strtab === null || sid >= 2 ** smmu.hw.strtab.log2size) return -ERANGE;
  // the SSID width: the device's PASID capability (pci_max_pasids / pasid-num-bits)
  const pasids = dev.pasidCap;
  const ssidBits = pasids > 1 ? Math.min(smmu.ssidBits, Math.floor(Math.log2(pasids))) : 0;
  const master = yield* kzalloc(() => new ArmSmmuMaster(dev, smmu, streams, ssidBits));
  if (master === null) return -ENOMEM;
  yield* devIommuPrivSet(dev, master);
  return smmu;
}

/** arm_smmu_release_device(): the core has attached the release (blocked/identity) domain */
export function* armSmmuReleaseDevice(dev: Device): Gen {
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  yield* armSmmuFreeCdTables(master);
  // WRITE_ONCE: in the historical release orders this runs without the group mutex, beside an attach
  yield* writeOnce(deref(dev.iommu, 'dev->iommu'), 'priv', null);
  yield* kfree(master);
}

/** arm_smmu_device_group(): PCI rules, else one group per device */
export function* armSmmuDeviceGroup(dev: Device): Gen<ErrPtr<IommuGroup> | null> {
  if (isPciDev(dev)) return yield* pciDeviceGroup(dev);
  return yield* genericDeviceGroup(dev);
}
