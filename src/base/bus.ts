// device_add() / device_del() as far as the IOMMU core sees them [B]: the bus klist and the bus
// notifier (BUS_NOTIFY_ADD_DEVICE after the device is on the bus; BUS_NOTIFY_REMOVED_DEVICE
// after the device was killed, taken off the bus and unbound).
import { BUS_NOTIFY_ADD_DEVICE, BUS_NOTIFY_REMOVED_DEVICE, iommuBusNotifier } from '../core/probe.js';
import { EEXIST, ENODEV, type Gen, mutexLock, mutexUnlock, writeOnce } from '../sync/index.js';
import { deviceReleaseDriver } from './dd.js';
import { type Device, klistAddTail, klistDel } from './device.js';

/** device_add(): on the bus, then the notifier (iommu_probe_device) */
export function* deviceAdd(dev: Device): Gen<number> {
  if (dev.added) return -EEXIST;
  // bus_add_device(): klist_add_tail()
  yield* klistAddTail(dev.bus, dev);
  yield* writeOnce(dev, 'added', true);
  // bus_notify(dev, BUS_NOTIFY_ADD_DEVICE): the result only changes the notifier's answer
  yield* iommuBusNotifier(BUS_NOTIFY_ADD_DEVICE, dev);
  return 0;
}

/** device_del(): dead, off the bus, unbound, then the REMOVED notifier (iommu_release_device) */
export function* deviceDel(dev: Device): Gen<number> {
  if (!dev.added) return -ENODEV;
  // kill_device() under device_lock: no driver binds to it any more
  yield* mutexLock(dev.deviceLock);
  yield* writeOnce(dev, 'added', false);
  yield* mutexUnlock(dev.deviceLock);
  // bus_remove_device(): klist_del(), then device_release_driver()
  yield* klistDel(dev.bus, dev);
  yield* deviceReleaseDriver(dev);
  yield* iommuBusNotifier(BUS_NOTIFY_REMOVED_DEVICE, dev);
  return 0;
}
