// struct iommu_fwspec and the firmware-facing entry points (spec core.md §2.3, §4.1).
import type { Device, FwNode } from '../base/device.js';
import { deref, EINVAL, ENOMEM, EPROBE_DEFER, type Gen, KObject, kfree, kzalloc, readOnce, writeOnce } from '../sync/index.js';
import { devIommuFwspecGet, devIommuGet } from './dev-iommu.js';
import { iommuCore } from './globals.js';
import type { IommuDevice } from './iommu-device.js';
import type { IommuOps } from './ops.js';

export class IommuFwspec extends KObject {
  readonly ids: number[] = [];
  constructor(readonly iommuFwnode: FwNode | null) {
    super();
  }

  override get label(): string {
    return `fwspec#${this.oid.toString(16)}`;
  }
}

/** iommu_from_fwnode(): the registered instance with this fwnode (NULL matches NULL) */
export function* iommuFromFwnode(fwnode: FwNode | null): Gen<IommuDevice | null> {
  // spin_lock(&iommu_device_lock); walk; spin_unlock(): a read-only critical section, one step
  const list = yield* readOnce(iommuCore, 'iommuDeviceList');
  return list.find((iommu) => iommu.fwnode === fwnode) ?? null;
}

/** iommu_fwspec_ops(): the ops of the instance the fwspec points at */
export function* iommuFwspecOps(fwspec: IommuFwspec | null): Gen<IommuOps | null> {
  const iommu = yield* iommuFromFwnode(fwspec === null ? null : fwspec.iommuFwnode);
  return iommu === null ? null : iommu.ops;
}

/** iommu_fwspec_init(): called by OF/ACPI code with the probe lock held [B] */
export function* iommuFwspecInit(dev: Device, iommuFwnode: FwNode): Gen<number> {
  const iommu = yield* iommuFromFwnode(iommuFwnode);
  // dev->iommu and its fwspec: READ_ONCEs (a removal's release frees them without the probe lock, F3)
  let fwspec = yield* devIommuFwspecGet(dev);
  // driver_deferred_probe_check_state(): deferral is still allowed in the model
  if (iommu === null) return -EPROBE_DEFER;
  if ((yield* readOnce(dev, 'iommu')) === null && !(yield* readOnce(iommu, 'ready'))) return -EPROBE_DEFER;
  if (fwspec !== null) return iommu.ops === (yield* iommuFwspecOps(fwspec)) ? 0 : -EINVAL;
  if ((yield* devIommuGet(dev)) === null) return -ENOMEM;
  fwspec = yield* kzalloc(() => new IommuFwspec(iommuFwnode));
  if (fwspec === null) return -ENOMEM;
  // dev->iommu is published: a member's attach reads the fwspec under the group mutex
  // (dev_iommu_fwspec_set() reads dev->iommu again)
  yield* writeOnce(deref(yield* readOnce(dev, 'iommu'), 'dev->iommu'), 'fwspec', fwspec);
  return 0;
}

/** iommu_fwspec_free(): drop the fwspec, keep dev->iommu */
export function* iommuFwspecFree(dev: Device): Gen {
  const param = yield* readOnce(dev, 'iommu');
  if (param === null) return;
  const fwspec = yield* readOnce(param, 'fwspec');
  if (fwspec === null) return;
  yield* writeOnce(param, 'fwspec', null);
  yield* kfree(fwspec);
}

/** iommu_fwspec_add_ids() */
export function* iommuFwspecAddIds(dev: Device, ids: readonly number[]): Gen<number> {
  const fwspec = yield* devIommuFwspecGet(dev);
  if (fwspec === null) return -EINVAL;
  fwspec.ids.push(...ids);
  return 0;
}
