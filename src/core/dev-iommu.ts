// struct dev_iommu (dev->iommu) and its helpers (spec core.md §2.2).
import type { Device } from '../base/device.js';
import { deref, type Gen, KObject, kfree, kzalloc, lockdepAssertHeld, readOnce, readOnceDeref, writeOnce } from '../sync/index.js';
import type { IommuFwspec } from './fwspec.js';
import { iommuCore } from './globals.js';
import type { IommuDevice } from './iommu-device.js';
import type { IommuOps } from './ops.js';

export class DevIommu extends KObject {
  fwspec: IommuFwspec | null = null;
  /** the instance whose driver accepted the device */
  iommuDev: IommuDevice | null = null;
  /** driver private data (dev_iommu_priv_set) */
  priv: unknown = null;
  maxPasids = 0;
  attachDeferred = false;
  pci32bitWorkaround = false;
  requireDirect = false;
  shadowOnFlush = false;

  constructor(readonly devName: string) {
    super();
  }

  override get label(): string {
    return `dev_iommu:${this.devName}`;
  }
}

/** dev_iommu_get(): the existing dev->iommu or a new zeroed one; probe lock held */
export function* devIommuGet(dev: Device): Gen<DevIommu | null> {
  lockdepAssertHeld(iommuCore.iommuProbeDeviceLock);
  const existing = yield* readOnce(dev, 'iommu');
  if (existing !== null) return existing;
  const param = yield* kzalloc(() => new DevIommu(dev.name));
  if (param === null) return null;
  // published under the probe lock; iommu_release_device() reads it without (a removal is not
  // ordered against bus_iommu_probe(), F3)
  yield* writeOnce(dev, 'iommu', param);
  return param;
}

/** dev_iommu_free(): clear dev->iommu first, then drop the fwspec, then free */
export function* devIommuFree(dev: Device): Gen {
  const param = deref(yield* readOnce(dev, 'iommu'), 'dev->iommu');
  yield* writeOnce(dev, 'iommu', null);
  // the fwspec: READ_ONCE/WRITE_ONCE, a registration's iommu_fwspec_init() in another thread
  // publishes it under the probe lock, which a removal does not take (F3)
  const fwspec = yield* readOnce(param, 'fwspec');
  if (fwspec !== null) {
    yield* writeOnce(param, 'fwspec', null);
    yield* kfree(fwspec);
  }
  yield* kfree(param);
}

/**
 * dev_has_iommu(): an IOMMU driver accepted the device. The kernel's plain loads of dev->iommu and
 * its iommu_dev race with a probe in another thread (a registration's bus walk, F12/F13's window)
 * and with dev_iommu_free(): READ_ONCEs here, so partial-order reduction sees them.
 */
export function* devHasIommu(dev: Device): Gen<boolean> {
  return ((yield* readOnceDeref(dev, 'iommu', 'iommuDev')).value ?? null) !== null;
}

/**
 * dev_iommu_ops(): the ops of the driver managing dev (caller knows there is one). `ops` is the
 * instance's, set before iommu_device_register() publishes it and never changed after.
 */
export function* devIommuOps(dev: Device): Gen<IommuOps> {
  const r = yield* readOnceDeref(dev, 'iommu', 'iommuDev');
  deref(r.ptr, 'dev->iommu');
  return deref(r.value, 'dev->iommu->iommu_dev').ops;
}

/** dev_has_iommu(dev) ? dev_iommu_ops(dev) : NULL, the two loads as one step */
export function* devIommuOpsIfAny(dev: Device): Gen<IommuOps | null> {
  const r = yield* readOnceDeref(dev, 'iommu', 'iommuDev');
  return r.value === null ? null : r.value.ops;
}

/** dev_iommu_priv_get(): READ_ONCEs (the probe's dev_iommu_priv_set() races a member's attach, published under another lock) */
export function* devIommuPrivGet<T>(dev: Device): Gen<T> {
  const r = yield* readOnceDeref(dev, 'iommu', 'priv');
  deref(r.ptr, 'dev->iommu');
  return r.value as T;
}

/** dev_iommu_priv_set(): probe lock held (lockdep-asserted in the kernel) */
export function* devIommuPrivSet(dev: Device, priv: unknown): Gen {
  lockdepAssertHeld(iommuCore.iommuProbeDeviceLock);
  yield* writeOnce(deref(yield* readOnce(dev, 'iommu'), 'dev->iommu'), 'priv', priv);
}

/**
 * dev_iommu_fwspec_get(): `dev->iommu ? dev->iommu->fwspec : NULL`, one step. Its callers (fwspec
 * init, a driver's probe_device) hold the probe lock; a removal's dev_iommu_free() clears both
 * without it (F3).
 */
export function* devIommuFwspecGet(dev: Device): Gen<IommuFwspec | null> {
  return (yield* readOnceDeref(dev, 'iommu', 'fwspec')).value ?? null;
}
