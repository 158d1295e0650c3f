// struct dev_iommu (dev->iommu) and its helpers (spec core.md §2.2).
import type { Device } from '../base/device.js';
import { deref, type Gen, KObject, kfree, kzalloc, lockdepAssertHeld, readOnce, writeOnce } from '../sync/index.js';
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
  if (param.fwspec !== null) {
    const fwspec = param.fwspec;
    param.fwspec = null;
    yield* kfree(fwspec);
  }
  yield* kfree(param);
}

/** dev_has_iommu(): an IOMMU driver accepted the device */
export function devHasIommu(dev: Device): boolean {
  const param = dev.iommu;
  if (param === null) return false;
  return deref(param, 'dev->iommu').iommuDev !== null;
}

/** dev_iommu_ops(): the ops of the driver managing dev (caller knows there is one) */
export function devIommuOps(dev: Device): IommuOps {
  const param = deref(dev.iommu, 'dev->iommu');
  return deref(param.iommuDev, 'dev->iommu->iommu_dev').ops;
}

/** dev_iommu_priv_get() */
export function devIommuPrivGet<T>(dev: Device): T {
  return deref(dev.iommu, 'dev->iommu').priv as T;
}

/** dev_iommu_priv_set(): probe lock held (lockdep-asserted in the kernel) */
export function devIommuPrivSet(dev: Device, priv: unknown): void {
  lockdepAssertHeld(iommuCore.iommuProbeDeviceLock);
  deref(dev.iommu, 'dev->iommu').priv = priv;
}

/** dev_iommu_fwspec_get() */
export function devIommuFwspecGet(dev: Device): IommuFwspec | null {
  return dev.iommu?.fwspec ?? null;
}
