// struct intel_iommu: one DMAR unit as the driver sees it, the Machine's VtdUnit behind it. Its
// domain-ID allocator (domain_ida, IDA_START_DID .. cap_ndoms - 1) under did_lock, iommu->lock
// (PASID and context entries), and the per-source-id tables the driver set up at the unit's probe.
import type { FwNode } from '../../base/device.js';
import { IommuDevice } from '../../core/iommu-device.js';
import type { VtdUnit } from '../../hw/vtd/vtd.js';
import { Mutex, Spinlock } from '../../sync/index.js';
import type { VtdDriver } from './intel-iommu.js';

/** a source-id's PASID directory (what intel_pasid_alloc_table() hands the device at probe) */
export interface SidTables {
  readonly dir: number;
  readonly pdts: number;
}

export class IntelIommu extends IommuDevice {
  /** iommu->did_lock: domain_attach_iommu() / domain_detach_iommu() */
  readonly didLock: Mutex;
  /** iommu->lock: PASID entry and context entry updates */
  readonly lock: Spinlock;
  /** iommu->domain_ida: the DIDs in use (under did_lock) */
  domainIda: ReadonlySet<number> = new Set();
  /** the PASID directory of each source-id the Machine wired to the unit */
  readonly sidTables = new Map<number, SidTables>();

  constructor(
    name: string,
    /** the firmware node of the DMAR unit (what client devices point at) */
    readonly node: FwNode,
    /** iommu->seq_id: the key of a domain's iommu_array */
    readonly seqId: number,
    readonly drv: VtdDriver,
    /** its hardware: the Machine's unit */
    readonly hw: VtdUnit,
  ) {
    super(name);
    this.didLock = new Mutex(`${name}.did_lock`, this, 'iommu->did_lock');
    this.lock = new Spinlock(`${name}.lock`, this, 'iommu->lock');
  }
}
