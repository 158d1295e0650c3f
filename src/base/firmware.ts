// Firmware DMA configuration [B]: the bus dma_configure hooks (platform_dma_configure,
// pci_dma_configure) and of_iommu_configure(): create the fwspec from the firmware description
// under the probe lock, "replay" iommu_probe_device() when called outside the probe path, then
// (at driver bind) claim the default domain for a DMA-API driver.
import { devIommuFree } from '../core/dev-iommu.js';
import { iommuFwspecAddIds, iommuFwspecFree, iommuFwspecInit } from '../core/fwspec.js';
import { iommuCore } from '../core/globals.js';
import { iommuDeviceUnuseDefaultDomain, iommuDeviceUseDefaultDomain } from '../core/ownership.js';
import { iommuProbeDevice } from '../core/probe.js';
import { ENODEV, EPROBE_DEFER, type Gen, mutexLock, mutexUnlock, readOnce, readOnceDeref } from '../sync/index.js';
import { isPciDev, pciForEachDmaAlias } from '../pci/pci.js';
import type { Device } from './device.js';

/**
 * The IDs the firmware gives the device: a PCI function gets one per DMA alias
 * (pci_for_each_dma_alias() -> of_pci_iommu_init() / iort_pci_iommu_init()), so the IOMMU
 * driver programs every requester ID the function's DMA may carry; a platform device its own.
 */
function* firmwareIds(dev: Device): Gen<number[]> {
  if (!isPciDev(dev)) return [...dev.fw.ids];
  const ids: number[] = [];
  yield* pciForEachDmaAlias(dev, function* (_pdev, alias) {
    // of_map_id(): the model's firmware maps a requester ID to the same stream ID
    if (!ids.includes(alias)) ids.push(alias);
    return null;
  });
  return ids;
}

/** of_iommu_configure() (OF; ACPI IORT/VIOT behave alike) */
export function* ofIommuConfigure(dev: Device): Gen<number> {
  const fwnode = dev.fw.iommu;
  if (fwnode === null) return -ENODEV;
  // serialise to make dev->iommu stable under our potential fwspec
  yield* mutexLock(iommuCore.iommuProbeDeviceLock);
  // dev->iommu and its fwspec, one step: READ_ONCEs (a removal's iommu_release_device() frees
  // them without the probe lock, F3)
  const param = yield* readOnceDeref(dev, 'iommu', 'fwspec');
  const devIommuPresent = param.ptr !== null;
  if (param.value !== null) {
    yield* mutexUnlock(iommuCore.iommuProbeDeviceLock);
    return 0;
  }
  let err = yield* iommuFwspecInit(dev, fwnode);
  if (err === 0) err = yield* iommuFwspecAddIds(dev, yield* firmwareIds(dev));
  if (err !== 0 && devIommuPresent) yield* iommuFwspecFree(dev);
  else if (err !== 0 && (yield* readOnce(dev, 'iommu')) !== null) yield* devIommuFree(dev);
  yield* mutexUnlock(iommuCore.iommuProbeDeviceLock);
  // not on the iommu_probe_device() path (no dev->iommu at entry): replay it
  if (err === 0 && !devIommuPresent) err = yield* iommuProbeDevice(dev);
  return err;
}

/** of_dma_configure_id(): only -EPROBE_DEFER from the IOMMU part is fatal */
function* ofDmaConfigure(dev: Device): Gen<number> {
  const ret = yield* ofIommuConfigure(dev);
  if (ret === -EPROBE_DEFER) return ret;
  return 0;
}

/** platform_dma_configure() / pci_dma_configure() */
export function* busDmaConfigure(dev: Device): Gen<number> {
  let ret = yield* ofDmaConfigure(dev);
  // READ_ONCE(dev->driver): it may not be valid when called from the IOMMU layer (a registration's
  // probe of a device whose bind runs in another thread)
  const drv = yield* readOnce(dev, 'driver');
  if (ret === 0 && drv !== null && !drv.driverManagedDma) {
    ret = yield* iommuDeviceUseDefaultDomain(dev);
    // arch_teardown_dma_ops() on failure
  }
  return ret;
}

/** platform_dma_cleanup() / pci_dma_cleanup() */
export function* busDmaCleanup(dev: Device): Gen {
  if (dev.driver !== null && !dev.driver.driverManagedDma) yield* iommuDeviceUnuseDefaultDomain(dev);
}
