// device_add() / device_del() as far as the IOMMU core sees them [B]: the bus klist and the bus
// notifier (BUS_NOTIFY_ADD_DEVICE after the device is on the bus; BUS_NOTIFY_REMOVED_DEVICE
// after the driver is unbound and the device is off the bus).
import { BUS_NOTIFY_ADD_DEVICE, BUS_NOTIFY_REMOVED_DEVICE, iommuBusNotifier } from '../core/probe.js';
import { EEXIST, ENODEV, type Gen, writeOnce } from '../sync/index.js';
import { deviceReleaseDriver } from './dd.js';
import { type Device, klistAddTail, klistDel } from './device.js';

/** device_add(): on the bus, then the notifier (iommu_probe_device) */
export function* deviceAdd(dev: Device): Gen<number> {
  if (dev.added) return -EEXIST;
  // bus_add_device(): klist_add_tail()
  klistAddTail(dev.bus, dev);
  yield* writeOnce(dev, 'added', true);
  // bus_notify(dev, BUS_NOTIFY_ADD_DEVICE): the result only changes the notifier's answer
  yield* iommuBusNotifier(BUS_NOTIFY_ADD_DEVICE, dev);
  return 0;
}

/** device_del(): unbind, off the bus, then the REMOVED notifier (iommu_release_device) */
export function* deviceDel(dev: Device): Gen<number> {
  if (!dev.added) return -ENODEV;
  // bus_remove_device(): device_release_driver() then klist_del()
  yield* deviceReleaseDriver(dev);
  klistDel(dev.bus, dev);
  yield* writeOnce(dev, 'added', false);
  yield* iommuBusNotifier(BUS_NOTIFY_REMOVED_DEVICE, dev);
  return 0;
}
