// Probing devices: bus_iommu_probe() in its two phases, hot-add, iommu_init_device() and its
// unwind iommu_deinit_device(), the bus notifier (spec core.md §4.1, §4.2, §4.4).
import { type BusType, busForEachDev, type Device } from '../base/device.js';
import { modulePut, tryModuleGet } from '../base/module.js';
import { iommuSetupDmaOps } from '../dma/dma-iommu.js';
import { isPciDev, pciMaxPasids } from '../pci/pci.js';
import {
  deref,
  EINVAL,
  ENODEV,
  ENOMEM,
  EPROBE_DEFER,
  type Gen,
  IS_ERR,
  lockdepAssertHeld,
  mutexLock,
  mutexUnlock,
  pausePoint,
  readOnce,
  readOnceDeref,
  WARN_ON,
  WARN_ON_ONCE,
  writeOnce,
} from '../sync/index.js';
import { driverAttachDev, driverReleaseDevice } from './contracts.js';
import { iommuCreateDeviceDirectMappings, iommuSetupDefaultDomain } from './default-domain.js';
import { devIommuFree, devIommuGet, devIommuOps } from './dev-iommu.js';
import { type IommuDomain, iommuDomainFree } from './domain.js';
import { iommuFwspecOps } from './fwspec.js';
import { iommuCore } from './globals.js';
import { groupDevicesAdd, groupDevicesDel, iommuGroupAllocDevice, iommuGroupPut, type IommuGroup } from './group.js';
import { iommuDeviceLink, iommuDeviceUnlink } from './iommu-device.js';
import { __iommuGroupFreeDevice, iommuReleaseDevice } from './release.js';
import { __iommuDeviceSetDomain } from './set-domain.js';

/** dev_iommu_get_max_pasids(): min(device capability, instance limit) */
function* devIommuGetMaxPasids(dev: Device): Gen<number> {
  const maxPasids = isPciDev(dev) ? Math.max(0, pciMaxPasids(dev)) : dev.pasidCap;
  // dev->iommu->iommu_dev: READ_ONCEs (a removal's release frees dev->iommu without the probe lock, F3)
  const r = yield* readOnceDeref(dev, 'iommu', 'iommuDev');
  deref(r.ptr, 'dev->iommu');
  return Math.min(maxPasids, deref(r.value, 'dev->iommu->iommu_dev').maxPasids);
}

/** iommu_init_device(): probe lock held on entry and exit (dropped around dma_configure) */
export function* iommuInitDevice(dev: Device): Gen<number> {
  const g = iommuCore;
  if ((yield* devIommuGet(dev)) === null) return -ENOMEM;
  // firmware parsing is buried in the bus dma_configure path: invoke the whole thing [B].
  // dev->driver is read without device_lock (a bound driver means dma_configure already ran).
  // dev_iommu_fwspec_get() reads dev->iommu again: a removal may have freed it (F3)
  const r = yield* readOnceDeref(dev, 'iommu', 'fwspec');
  deref(r.ptr, 'dev->iommu');
  if (r.value === null && (yield* readOnce(dev, 'driver')) === null && dev.bus.dmaConfigure !== null) {
    yield* mutexUnlock(g.iommuProbeDeviceLock);
    yield* dev.bus.dmaConfigure(dev);
    yield* mutexLock(g.iommuProbeDeviceLock);
    // another instance finished the job for us
    if ((yield* readOnce(dev, 'iommu')) === null || (yield* readOnce(dev, 'iommuGroup')) !== null) return -ENODEV;
  }
  // dev->iommu and its fwspec, one step (READ_ONCEs: a removal frees them without the probe lock, F3)
  const p = yield* readOnceDeref(dev, 'iommu', 'fwspec');
  const param = deref(p.ptr, 'dev->iommu');
  // a fwspec matches ops registered with its fwnode; no fwspec matches a NULL-fwnode instance
  const ops = yield* iommuFwspecOps(p.value);
  let ret: number;
  let unwind: 'free' | 'module_put' | 'release' | 'unlink';
  if (ops === null) {
    ret = -ENODEV;
    unwind = 'free';
  } else if (!(yield* tryModuleGet(ops.owner))) {
    ret = -EINVAL;
    unwind = 'free';
  } else {
    const iommuDev = yield* ops.probeDevice(dev);
    if (IS_ERR(iommuDev)) {
      ret = iommuDev;
      unwind = 'module_put';
    } else {
      yield* writeOnce(param, 'iommuDev', iommuDev);
      ret = yield* iommuDeviceLink(iommuDev, dev);
      if (ret !== 0) {
        unwind = 'release';
      } else {
        let group: IommuGroup | number | null = yield* ops.deviceGroup(dev);
        if (WARN_ON_ONCE(group === null, ops, 'WARN_ON_ONCE(group == NULL)')) group = -EINVAL;
        if (IS_ERR(group)) {
          ret = group;
          unwind = 'unlink';
        } else {
          // takes over the reference device_group() returned; a plain store in C that lockless
          // readers (iommu_group_get(), the attach and ownership entry points) race with
          yield* writeOnce(dev, 'iommuGroup', group!);
          dev.ghostProbing = true;
          param.maxPasids = yield* devIommuGetMaxPasids(dev);
          // dev->iommu is published (dev_iommu_get()): a member's attach reads attach_deferred under
          // the group mutex, iommu_deferred_attach() without a lock
          if (ops.isAttachDeferred !== undefined) yield* writeOnce(param, 'attachDeferred', ops.isAttachDeferred(dev));
          return 0;
        }
      }
    }
  }
  if (unwind === 'unlink') iommuDeviceUnlink(param.iommuDev, dev);
  if (unwind === 'unlink' || unwind === 'release') {
    // probe lock only, no group mutex
    if (ops!.releaseDevice !== undefined) yield* driverReleaseDevice(ops!.releaseDevice, dev, null);
  }
  if (unwind !== 'free') yield* modulePut(ops!.owner);
  // dev->iommu->iommu_dev = NULL: read again (a removal may have freed it meanwhile, F3)
  yield* writeOnce(deref(yield* readOnce(dev, 'iommu'), 'dev->iommu'), 'iommuDev', null);
  yield* devIommuFree(dev);
  return ret;
}

/** iommu_deinit_device(): group->mutex held, dev already unlinked; frees the domains of an empty group */
export function* iommuDeinitDevice(dev: Device): Gen {
  // dev->iommu_group, dev->iommu and its iommu_dev: READ_ONCEs (a removal's release runs this
  // while a registration's probe in another thread publishes them under the probe lock, F3)
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  // dev_iommu_ops(dev) and dev->iommu->iommu_dev: the same two loads
  const r = yield* readOnceDeref(dev, 'iommu', 'iommuDev');
  const param = deref(r.ptr, 'dev->iommu');
  const iommuDev = deref(r.value, 'dev->iommu->iommu_dev');
  const ops = iommuDev.ops;
  lockdepAssertHeld(group.mutex);
  dev.ghostDeinit = true;
  iommuDeviceUnlink(iommuDev, dev);
  // release_device() must stop using any attached domain; with a release_domain the core
  // attaches it first. A delayed attach that never happened must not touch the hardware.
  let parked: IommuDomain | null = null;
  if (!(yield* readOnce(param, 'attachDeferred')) && ops.releaseDomain !== null) {
    let releaseDomain = ops.releaseDomain;
    // a device needing direct mappings is not parked on BLOCKED
    if (param.requireDirect && ops.identityDomain !== null && releaseDomain === ops.blockedDomain) {
      releaseDomain = ops.identityDomain;
    }
    yield* driverAttachDev(releaseDomain, dev, group.domain);
    parked = releaseDomain;
  }
  if (ops.releaseDevice !== undefined) yield* driverReleaseDevice(ops.releaseDevice, dev, parked);
  // the last device of the group: free the domains before module_put()
  if (group.devices.length === 0) {
    if (group.defaultDomain !== null) {
      yield* iommuDomainFree(group.defaultDomain);
      group.defaultDomain = null;
    }
    if (group.blockingDomain !== null) {
      yield* iommuDomainFree(group.blockingDomain);
      group.blockingDomain = null;
    }
    group.domain = null;
  }
  // the caller puts the group reference (a store lockless readers race with, as in init)
  yield* writeOnce(dev, 'iommuGroup', null);
  dev.ghostDeinit = false;
  yield* modulePut(ops.owner);
  yield* devIommuFree(dev);
  yield* writeOnce(dev, 'dmaIommu', false);
}

/** __iommu_probe_device(): probe lock held; group_list null = hot-plug */
export function* __iommuProbeDevice(dev: Device, groupList: IommuGroup[] | null): Gen<number> {
  lockdepAssertHeld(iommuCore.iommuProbeDeviceLock);
  // probed already if in a group (READ_ONCE: a removal's release clears it under the group mutex
  // alone, F3)
  if ((yield* readOnce(dev, 'iommuGroup')) !== null) return 0;
  let ret = yield* iommuInitDevice(dev);
  if (ret !== 0) return ret;
  // a replay at driver bind would be a misuse of the dma_configure path (dev->driver read without
  // device_lock: a bind in another thread races it)
  WARN_ON((yield* readOnce(dev, 'driver')) !== null, 'dev_WARN: late IOMMU probe at driver bind, something fishy here!');
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  const gdev = yield* iommuGroupAllocDevice(group, dev);
  yield* mutexLock(group.mutex);
  if (IS_ERR(gdev)) {
    ret = gdev;
  } else {
    // the gdev must be on the list before iommu_setup_default_domain(); a yielded write, as
    // bus_iommu_probe() walks the list with no lock (its FIXME)
    yield* groupDevicesAdd(group, gdev);
    dev.ghostProbing = false;
    WARN_ON(group.defaultDomain !== null && group.domain === null, 'WARN_ON(group->default_domain && !group->domain)');
    if (group.defaultDomain !== null) yield* iommuCreateDeviceDirectMappings(group.defaultDomain, dev);
    if (group.domain !== null) {
      // patch resetHotAddBlocked: a member joining during a reset waits on the blocking domain
      const parked = iommuCore.patches.resetHotAddBlocked && group.resettingDomain !== null;
      ret = yield* __iommuDeviceSetDomain(group, dev, parked ? group.resettingDomain! : group.domain, null, 0);
      if (parked && ret === 0) group.ghostParked.add(dev);
    } else if (group.defaultDomain === null && groupList === null) {
      ret = yield* iommuSetupDefaultDomain(group, 0);
    } else if (group.defaultDomain === null) {
      // bus scan: the caller sets up default domains from a de-duplicated list
      if (group.entry === null) {
        group.entry = groupList;
        groupList!.push(group);
      }
    }
    if (ret === 0) {
      if (group.defaultDomain !== null) yield* iommuSetupDmaOps(dev, group.defaultDomain);
      yield* mutexUnlock(group.mutex);
      return 0;
    }
    // err_remove_gdev
    yield* groupDevicesDel(group, gdev);
    yield* __iommuGroupFreeDevice(group, gdev);
  }
  // err_put_group
  dev.ghostProbing = false;
  yield* iommuDeinitDevice(dev);
  yield* mutexUnlock(group.mutex);
  yield* iommuGroupPut(group);
  return ret;
}

/** iommu_probe_device(): hot-add (bus notifier), firmware replay */
export function* iommuProbeDevice(dev: Device): Gen<number> {
  const g = iommuCore;
  yield* mutexLock(g.iommuProbeDeviceLock);
  const ret = yield* __iommuProbeDevice(dev, null);
  yield* mutexUnlock(g.iommuProbeDeviceLock);
  if (ret !== 0) return ret;
  if (g.patches.probeDeferWithoutDefaultDomain) {
    // 6.6.y: a group bus_iommu_probe() has not finished yet defers the caller
    const group = deref(dev.iommuGroup, 'dev->iommu_group');
    yield* mutexLock(group.mutex);
    const notReady = group.defaultDomain === null;
    yield* mutexUnlock(group.mutex);
    if (notReady) return -EPROBE_DEFER;
  }
  const ops = (yield* devIommuOps(dev));
  // no lock held; this also runs when dev was probed already
  if (ops.probeFinalize !== undefined) yield* ops.probeFinalize(dev);
  return 0;
}

/** probe_iommu_group(): the bus_for_each_dev() callback of phase 1 */
function* probeIommuGroup(dev: Device, groupList: IommuGroup[]): Gen<number> {
  const g = iommuCore;
  yield* mutexLock(g.iommuProbeDeviceLock);
  let ret = yield* __iommuProbeDevice(dev, groupList);
  yield* mutexUnlock(g.iommuProbeDeviceLock);
  // not behind this IOMMU: normal
  if (ret === -ENODEV) ret = 0;
  return ret;
}

/** bus_iommu_probe(): phase 1 puts devices in groups, phase 2 sets up one default domain per group */
export function* busIommuProbe(bus: BusType): Gen<number> {
  const groupList: IommuGroup[] = [];
  const ret = yield* busForEachDev(bus, (dev) => probeIommuGroup(dev, groupList));
  // groups already queued stay linked to the (gone) list
  if (ret !== 0) return ret;
  // between the phases: groups are queued with members but no default domain (§5a)
  yield* pausePoint(`bus_iommu_probe:${bus.name}:phase2`);
  while (groupList.length > 0) {
    const group = groupList[0]!;
    yield* mutexLock(group.mutex);
    // list_del_init(&group->entry)
    groupList.shift();
    group.entry = null;
    // deferred so that the type choice and the DIRECT regions see every device of the group
    const ret = yield* iommuSetupDefaultDomain(group, 0);
    if (ret !== 0) {
      yield* mutexUnlock(group.mutex);
      return ret;
    }
    for (const gd of group.devices) yield* iommuSetupDmaOps(gd.dev, group.defaultDomain!);
    yield* mutexUnlock(group.mutex);
    // FIXME in the kernel: mis-locked, probe_finalize may call back into the core
    // a list walk with no lock: READ_ONCE (a removal unlinks a member under the mutex; the group
    // may even be freed by now, F3)
    for (const gd of [...(yield* readOnce(group, 'devices'))]) {
      const ops = (yield* devIommuOps(gd.dev));
      if (ops.probeFinalize !== undefined) yield* ops.probeFinalize(gd.dev);
    }
  }
  return 0;
}

/** BUS_NOTIFY_* actions */
export const BUS_NOTIFY_ADD_DEVICE = 1;
export const BUS_NOTIFY_REMOVED_DEVICE = 4;
export const NOTIFY_DONE = 0;
export const NOTIFY_OK = 1;

/** iommu_bus_notifier() */
export function* iommuBusNotifier(action: number, dev: Device): Gen<number> {
  if (action === BUS_NOTIFY_ADD_DEVICE) {
    const ret = yield* iommuProbeDevice(dev);
    return ret !== 0 ? NOTIFY_DONE : NOTIFY_OK;
  }
  if (action === BUS_NOTIFY_REMOVED_DEVICE) {
    yield* iommuReleaseDevice(dev);
    return NOTIFY_OK;
  }
  return 0;
}
