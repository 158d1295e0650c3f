// struct arm_smmu_device: one SMMUv3 as the driver sees it, the iommu_device of one of the
// Machine's SMMUv3 units. Its probe (drivers/smmuv3/probe.ts: armSmmuProbeUnit) programs the
// stream table and enables the SMMU; the hardware belongs to the Machine and outlives it.
import type { FwNode } from '../../base/device.js';
import { IommuDevice } from '../../core/iommu-device.js';
import type { Smmuv3 } from '../../hw/smmuv3/smmu.js';
import { Spinlock } from '../../sync/index.js';
import type { ArmSmmuDriver } from './driver.js';

export class ArmSmmuDevice extends IommuDevice {
  /** vmid_map (an IDA): VMIDs in use on this SMMU; its own lock, as ida_alloc() has */
  readonly vmids = new Set<number>();
  readonly vmidLock: Spinlock;

  constructor(
    name: string,
    /** the firmware node of the SMMU (what client devices' fwspecs point at) */
    readonly node: FwNode,
    /** the driver state of this boot */
    readonly drv: ArmSmmuDriver,
    /** its hardware: the Machine's unit */
    readonly hw: Smmuv3,
    readonly asidBits: number,
    readonly vmidBits: number,
    readonly ssidBits: number,
    /** smmu->features as probe read them (the unit's, narrowed by the knobs) */
    readonly feat: ArmSmmuFeatures,
  ) {
    super(name);
    this.maxPasids = 2 ** ssidBits;
    this.vmidLock = new Spinlock('vmid_map', this);
  }
}

/** the ARM_SMMU_FEAT_* bits the driver model acts on */
export interface ArmSmmuFeatures {
  readonly transS1: boolean;
  readonly transS2: boolean;
  readonly ats: boolean;
  readonly twoLvlCdtab: boolean;
  readonly e2h: boolean;
}
