// struct arm_smmu_domain (hardware.md §1.6) and struct arm_smmu_master_domain: a paging domain
// finalised for one SMMU (stage, ASID or VMID, its io-pgtable), the masters attached to it (one
// master_domain per (master, ssid), under devices_lock) and how many of them use ATS; the static
// identity and blocked domains have none of these.
import { IommuDomain } from '../../core/domain.js';
import type { IoPgtable } from '../../hw/pgtable/pgtable.js';
import { KObject, Spinlock } from '../../sync/index.js';
import type { ArmSmmuDriver } from './driver.js';
import type { ArmSmmuDevice } from './iommu.js';
import type { ArmSmmuMaster } from './master.js';

export type ArmSmmuDomainKind = 'paging' | 'identity' | 'blocked';
export type ArmSmmuStage = 'S1' | 'S2';

/** struct arm_smmu_master_domain: one attachment of a master (RID: ssid 0, or a PASID) to a domain */
export class ArmSmmuMasterDomain extends KObject {
  constructor(
    readonly master: ArmSmmuMaster,
    readonly domain: ArmSmmuDomain,
    readonly ssid: number,
  ) {
    super();
  }

  override get label(): string {
    return `arm_smmu_master_domain:${this.master.dev.name}/${this.ssid}`;
  }
}

export class ArmSmmuDomain extends IommuDomain {
  /** the SMMU it was finalised for (paging domains only) */
  smmu: ArmSmmuDevice | null = null;
  stage: ArmSmmuStage = 'S1';
  /** cd.asid (S1) */
  asid = 0;
  /** s2_cfg.vmid (S2) */
  vmid = 0;
  pgtbl: IoPgtable | null = null;
  /** the attachments, under devices_lock */
  readonly devices: ArmSmmuMasterDomain[] = [];
  /** atomic nr_ats_masters: written under devices_lock, read locklessly by the invalidation */
  nrAtsMasters = 0;
  readonly devicesLock: Spinlock;
  enforceCacheCoherency = false;
  /** an S2 domain allocated as a nesting parent (IOMMU_HWPT_ALLOC_NEST_PARENT) */
  nestParent = false;

  constructor(
    readonly kind: ArmSmmuDomainKind,
    tag: string,
    /** the driver state of this boot */
    readonly drv: ArmSmmuDriver,
  ) {
    super(tag);
    this.devicesLock = new Spinlock('arm_smmu_domain.devices_lock', this);
  }
}

/** to_smmu_domain_devices(): the domain whose device list tracks attachments (paging), or null */
export function toSmmuDomainDevices(d: IommuDomain | null): ArmSmmuDomain | null {
  return d instanceof ArmSmmuDomain && d.kind === 'paging' ? d : null;
}
