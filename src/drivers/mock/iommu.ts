// A mock IOMMU instance: struct iommu_device for one of the Machine's stream-table units. The
// driver's probe of the unit creates it (drivers/mock/mock.ts: mockProbeUnit); the hardware
// belongs to the Machine and outlives it.
import type { FwNode } from '../../base/device.js';
import { IommuDevice } from '../../core/iommu-device.js';
import type { StreamTable } from '../../hw/stream-table.js';
import type { MockDriver } from './mock.js';

export class MockIommu extends IommuDevice {
  /** probed devices per stream ID: DMA aliases share one (devices behind a PCIe-to-PCI bridge, quirks) */
  readonly sidUsers = new Map<number, number>();
  constructor(
    name: string,
    /** the firmware node of the IOMMU device (what client devices point at) */
    readonly node: FwNode,
    maxPasids: number,
    /** the driver state of this boot */
    readonly drv: MockDriver,
    /** its hardware: the Machine's unit */
    readonly hw: StreamTable,
  ) {
    super(name);
    this.maxPasids = maxPasids;
  }
}
