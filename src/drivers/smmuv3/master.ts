// struct arm_smmu_master (hardware.md §1.1): the driver's per-device state (dev_iommu_priv): its
// SMMU, stream IDs, CD table (where it is, how many SSIDs != 0 hold a valid CD, whether the
// installed STE points at it) and ATS state (what the last commit enabled, what the STE says).
import type { Device } from '../../base/device.js';
import type { CdTableReg } from '../../hw/smmuv3/tables.js';
import { KObject } from '../../sync/index.js';
import type { ArmSmmuDevice } from './iommu.js';

/**
 * struct arm_smmu_ctx_desc_cfg, embedded in the master. An object of its own in the model so that
 * ops can name its fields: in the historical release orders arm_smmu_release_device() frees the
 * table without the group mutex while an attach tests it (the yield rule).
 */
export class ArmSmmuCdTable extends KObject {
  /** the table in memory (S1ContextPtr, format, S1CDMax); null until the first S1 attach */
  reg: CdTableReg | null = null;
  /** valid CDs at SSID != 0 */
  usedSsids = 0;
  /** the installed STE is a CD-table STE */
  inSte = false;

  constructor(readonly devName: string) {
    super();
  }

  override get label(): string {
    return `cd_table:${this.devName}`;
  }
}

export class ArmSmmuMaster extends KObject {
  readonly cdTable: ArmSmmuCdTable;
  /** ATS on for this master (PCI ATS enabled by the last commit) */
  atsEnabled = false;
  /** the installed STE has EATS=TRANS */
  steAtsEnabled = false;
  /** IOMMU_FWSPEC_PCI_RC_CANWBS: the model's root complexes do not say so */
  readonly canwbs = false;

  constructor(
    readonly dev: Device,
    readonly smmu: ArmSmmuDevice,
    /** streams[].id */
    readonly streams: readonly number[],
    /** min(SMMU SSIDSIZE, the device's PASID width) */
    readonly ssidBits: number,
  ) {
    super();
    this.cdTable = new ArmSmmuCdTable(dev.name);
  }

  override get label(): string {
    return `arm_smmu_master:${this.dev.name}`;
  }
}

/** arm_smmu_ssids_in_use() */
export function armSmmuSsidsInUse(master: ArmSmmuMaster): boolean {
  return master.cdTable.usedSsids !== 0;
}
