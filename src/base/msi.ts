// struct msi_desc as the IOMMU sees it [B] (kernel/irq/msi.c): the device that owns the vector
// and the IOVA iommu_dma_prepare_msi() chose for its doorbell, which the MSI message is then
// composed with (msi_msg_set_addr()).
import { KObject } from '../sync/index.js';
import type { Device } from './device.js';

export class MsiDesc extends KObject {
  /** iommu_msi_iova, iommu_msi_shift: 0/0 means "write the doorbell's physical address" */
  iommuMsiIova = 0;
  iommuMsiShift = 0;

  constructor(readonly dev: Device) {
    super();
  }

  override get label(): string {
    return `msi_desc:${this.dev.name}`;
  }
}

/** msi_desc_to_dev() */
export function msiDescToDev(desc: MsiDesc): Device {
  return desc.dev;
}

/** msi_desc_set_iommu_msi_iova() */
export function msiDescSetIommuMsiIova(desc: MsiDesc, iova: number, shift: number): void {
  desc.iommuMsiIova = iova;
  desc.iommuMsiShift = shift;
}
