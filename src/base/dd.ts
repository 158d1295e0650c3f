// Driver binding [B] (drivers/base/dd.c): really_probe() and __device_release_driver(), reduced
// to what touches the IOMMU: dma_configure (firmware, replay, use of the default domain) before
// the driver's probe, dma_cleanup after its remove.
import { EBUSY, ENODEV, type Gen, mutexLock, mutexUnlock, readOnce, writeOnce } from '../sync/index.js';
import type { Device, DeviceDriver } from './device.js';

/** really_probe() under device_lock: the driver's probe does nothing the IOMMU sees */
export function* reallyProbe(dev: Device, drv: DeviceDriver): Gen<number> {
  yield* mutexLock(dev.deviceLock);
  let ret = 0;
  if (!dev.added) ret = -ENODEV;
  else if (dev.driver !== null) ret = -EBUSY;
  if (ret === 0) {
    yield* writeOnce(dev, 'driver', drv);
    if (dev.bus.dmaConfigure !== null) ret = yield* dev.bus.dmaConfigure(dev);
    // call_driver_probe(): succeeds; a failure would run dma_cleanup
    if (ret !== 0) yield* writeOnce(dev, 'driver', null);
    // model-only (I11): the DMA mode a DMA-API driver starts with (its first use_dma_iommu())
    // must stay while it is bound
    else if (!drv.driverManagedDma) dev.ghostBoundDmaIommu = yield* readOnce(dev, 'dmaIommu');
  }
  yield* mutexUnlock(dev.deviceLock);
  return ret;
}

/** device_release_driver(): remove, dma_cleanup, dev->driver = NULL */
export function* deviceReleaseDriver(dev: Device): Gen {
  yield* mutexLock(dev.deviceLock);
  if (dev.driver !== null) {
    // drv->remove(dev)
    dev.ghostBoundDmaIommu = null;
    if (dev.bus.dmaCleanup !== null) yield* dev.bus.dmaCleanup(dev);
    yield* writeOnce(dev, 'driver', null);
  }
  yield* mutexUnlock(dev.deviceLock);
}
