// Seed 002 (Nicolin Chen's test_dev series, patch 03/20; hardware.md §1.17): the compatibility
// checks of attach_dev / set_dev_pasid gathered in one callback the core calls first, under the
// group mutex, for the same (domain, dev, pasid, old). Only with the `testDevOp` patch toggle:
// then the attach paths skip these checks (attach.ts, pasid.ts: testDevMoved()). The checks read
// driver state that changes (used_ssids, cd_table.in_ste, the RID's domain): Jason Gunthorpe's
// objection is that during an FLR the core's view and this one part (docs/FINDINGS.md, seed 002).
import type { Device } from '../../base/device.js';
import { devIommuPrivGet } from '../../core/dev-iommu.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_IDENTITY } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import { iommuDriverGetDomainForDev } from '../../core/query.js';
import { EBUSY, EINVAL, ENOENT, type Gen, spinLock, spinUnlock } from '../../sync/index.js';
import { NO_PASID } from './attach.js';
import { type ArmSmmuDomain, toSmmuDomainDevices } from './domain.js';
import { type ArmSmmuMaster, armSmmuSsidsInUse } from './master.js';

/** arm_smmu_domain_test_dev(): 0, or why this attach can never (or not now) succeed */
export function* armSmmuDomainTestDev(domain: IommuDomain, dev: Device, pasid: number, _old: IommuDomain | null): Gen<number> {
  if (dev.iommu?.fwspec == null) return -ENOENT;
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  const d = domain as ArmSmmuDomain;
  if (d.smmu !== master.smmu) return -EINVAL;
  if (d.stage === 'S2' && armSmmuSsidsInUse(master)) return -EBUSY;
  if (pasid !== NO_PASID) {
    const sidDomain = iommuDriverGetDomainForDev(master.dev);
    if (d.stage !== 'S1') return -EINVAL;
    const t = sidDomain?.type;
    const ridTranslates = t !== undefined && t !== IOMMU_DOMAIN_IDENTITY && t !== IOMMU_DOMAIN_BLOCKED;
    if (!master.cdTable.inSte && ridTranslates) return -EINVAL;
  }
  const devices = toSmmuDomainDevices(domain);
  if (devices !== null) {
    yield* spinLock(devices.devicesLock);
    const incompatible = devices.enforceCacheCoherency && !master.canwbs;
    yield* spinUnlock(devices.devicesLock);
    if (incompatible) return -EINVAL;
  }
  return 0;
}
