// iommu_dma_prepare_msi() (spec core.md §4.13): before an MSI vector is composed, map its doorbell
// into the domain the device's group is on, by who owns that domain's cookie.
import type { MsiDesc } from '../base/msi.js';
import { msiDescToDev } from '../base/msi.js';
import { iommuDmaSwMsi } from '../dma/dma-iommu.js';
import { iommufdSwMsi } from '../iommufd/sw-msi.js';
import { EOPNOTSUPP, type Gen, mutexLock, mutexUnlock, readOnce } from '../sync/index.js';
import { IOMMU_COOKIE_DMA_IOVA, IOMMU_COOKIE_DMA_MSI, IOMMU_COOKIE_IOMMUFD, IOMMU_DOMAIN_IDENTITY } from './domain-types.js';

/** iommu_dma_prepare_msi(): 0 without a group or on an IDENTITY domain; -EOPNOTSUPP for a cookie no one maps MSIs for */
export function* iommuDmaPrepareMsi(desc: MsiDesc, msiAddr: number): Gen<number> {
  const dev = msiDescToDev(desc);
  const group = yield* readOnce(dev, 'iommuGroup');
  if (group === null) return 0;
  yield* mutexLock(group.mutex);
  let ret = 0;
  const domain = group.domain;
  // an IDENTITY domain must pass through
  if (domain !== null && domain.type !== IOMMU_DOMAIN_IDENTITY) {
    switch (domain.cookieType) {
      case IOMMU_COOKIE_DMA_MSI:
      case IOMMU_COOKIE_DMA_IOVA:
        ret = yield* iommuDmaSwMsi(domain, desc, msiAddr);
        break;
      case IOMMU_COOKIE_IOMMUFD:
        ret = yield* iommufdSwMsi(domain, desc, msiAddr);
        break;
      default:
        ret = -EOPNOTSUPP;
        break;
    }
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}
