// Queries (spec core.md §4.9).
import type { Device } from '../base/device.js';
import { deref, driverContractNow, type Gen, lockdepAssertHeld, lockdepAssertNotHeld, readOnce } from '../sync/index.js';
import { devIommuOpsIfAny } from './dev-iommu.js';
import type { IommuDomain } from './domain.js';
import type { IommuGroup } from './group.js';
import { iommuCore } from './globals.js';

/** iommu_get_domain_for_dev(): a driver bound to dev, group mutex NOT held; lockless */
export function* iommuGetDomainForDev(dev: Device): Gen<IommuDomain | null> {
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return null;
  lockdepAssertNotHeld(group.mutex);
  return yield* readOnce(group, 'domain');
}

/** iommu_driver_get_domain_for_dev(): IOMMU drivers inside callbacks, group mutex held */
export function iommuDriverGetDomainForDev(dev: Device): IommuDomain | null {
  const group = dev.iommuGroup;
  if (group === null) return null;
  lockdepAssertHeld(group.mutex);
  const q = iommuCore.patches.resetDriverQuery;
  // resetDevice (F28's fix): only the function the reset blocked is on the resetting domain
  const resetting = group.resettingDomain !== null && (q === 'merged' || (q === 'resetDevice' && group.resettingDev === dev));
  const answer = resetting ? group.resettingDomain : group.domain;
  // the driver acts on the answer as on the RID's domain (core/contracts.ts)
  driverContractNow('get_domain_for_dev', { dev, answer });
  return answer;
}

/** iommu_get_dma_domain(): the DMA-API fast path, no checks */
export function* iommuGetDmaDomain(dev: Device): Gen<IommuDomain | null> {
  const group = deref(yield* readOnce(dev, 'iommuGroup'), 'dev->iommu_group');
  return yield* readOnce(group, 'defaultDomain');
}

/** iommu_group_default_domain() */
export function iommuGroupDefaultDomain(group: IommuGroup): IommuDomain | null {
  return group.defaultDomain;
}

/** device_iommu_capable() */
export function* deviceIommuCapable(dev: Device, cap: number): Gen<boolean> {
  const ops = yield* devIommuOpsIfAny(dev);
  return ops !== null && ops.capable !== undefined && ops.capable(dev, cap);
}
