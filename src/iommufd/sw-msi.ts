// iommufd's software MSI path [B] (drivers/iommu/iommufd/device.c: iommufd_sw_msi()), the one
// iommu_dma_prepare_msi() takes for a domain with an IOMMUFD cookie. iommufd maps the doorbell
// into the SW_MSI window the group's reserved regions name (igroup->sw_msi_start). The model's
// drivers report no IOMMU_RESV_SW_MSI region, so sw_msi_start stays PHYS_ADDR_MAX and the kernel
// leaves the MSI message untranslated: that is the branch modelled here.
import { type MsiDesc, msiDescToDev } from '../base/msi.js';
import { IOMMU_NO_PASID } from '../core/domain-types.js';
import type { IommuDomain } from '../core/domain.js';
import { iommuAttachHandleGet } from '../core/group-handle.js';
import { deref, type Gen, IS_ERR, lockdepAssertHeld } from '../sync/index.js';

/** iommufd_sw_msi(): called under group->mutex, which keeps the attach handle stable */
export function* iommufdSwMsi(_domain: IommuDomain, desc: MsiDesc, _msiAddr: number): Gen<number> {
  const dev = msiDescToDev(desc);
  const group = deref(dev.iommuGroup, 'dev->iommu_group');
  lockdepAssertHeld(group.mutex);
  // not attached through an iommufd handle: nothing to do
  const handle = yield* iommuAttachHandleGet(group, IOMMU_NO_PASID, 0);
  if (IS_ERR(handle)) return 0;
  // no IOMMU_RESV_SW_MSI means no change to the msi_msg (igroup->sw_msi_start == PHYS_ADDR_MAX)
  return 0;
}
