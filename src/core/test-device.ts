// Seed 002, patch 02/20 (hardware.md §1.17; not merged): __iommu_domain_test_device(), which the
// core calls under group->mutex before every path that reaches a driver's attach_dev or
// set_dev_pasid, when the `testDevOp` patch toggle is on. Generic checks, then the domain's
// test_dev. With `resetRecordAttach` the reset window records requests that pass it.
import type { Device } from '../base/device.js';
import { deref, EINVAL, EOPNOTSUPP, type Gen, lockdepAssertHeld } from '../sync/index.js';
import { devIommuOps } from './dev-iommu.js';
import { IOMMU_NO_PASID } from './domain-types.js';
import type { IommuDomain } from './domain.js';
import { iommuCore } from './globals.js';
import { domainIommuOpsCompatible } from './set-domain.js';

/** the seed 002 core: is test_dev called before attaches? */
export function testDevEnabled(): boolean {
  return iommuCore.patches.testDevOp || iommuCore.patches.resetRecordAttach;
}

/** __iommu_domain_test_device(): 0 when `domain` may be attached to (dev, pasid) from `old` */
export function* __iommuDomainTestDevice(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number> {
  const group = deref(dev.iommuGroup, 'dev->iommu_group');
  lockdepAssertHeld(group.mutex);
  const ops = (yield* devIommuOps(dev));
  const d = deref(domain, 'domain');
  if (!domainIommuOpsCompatible(ops, d)) return -EINVAL;
  if (pasid !== IOMMU_NO_PASID) {
    const blocked = ops.blockedDomain;
    if (d.ops?.setDevPasid === undefined || blocked === null || blocked.ops?.setDevPasid === undefined) return -EOPNOTSUPP;
    for (const gd of group.devices) {
      const max = gd.dev.iommu?.maxPasids ?? 0;
      if (max > 0 && pasid >= max) return -EINVAL;
    }
  }
  if (d.ops?.testDev === undefined) return 0;
  return yield* d.ops.testDev(d, dev, pasid, old);
}
