// A mock IOMMU instance: struct iommu_device plus its hardware (a stream table).
import type { FwNode } from '../../base/device.js';
import { IommuDevice } from '../../core/iommu-device.js';
import { StreamTable } from '../../hw/stream-table.js';

export class MockIommu extends IommuDevice {
  readonly hw: StreamTable;
  /** probed devices per stream ID: DMA aliases share one (devices behind a PCIe-to-PCI bridge, quirks) */
  readonly sidUsers = new Map<number, number>();
  constructor(
    name: string,
    /** the firmware node of the IOMMU device (what client devices point at) */
    readonly node: FwNode,
    maxPasids: number,
  ) {
    super(name);
    this.hw = new StreamTable(name);
    this.maxPasids = maxPasids;
  }
}
