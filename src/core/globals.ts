// The IOMMU core's global state (spec core.md §2.10): the instance list and its spinlock, the
// probe lock, the default domain type, the buses watched. One per execution: a scenario's setup
// calls iommuSubsysInit(), as the kernel does at subsys_initcall time.
import type { BusType } from '../base/device.js';
import { KObject, Mutex } from '../sync/index.js';
import { IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_DMA_FQ, IOMMU_DOMAIN_IDENTITY } from './domain-types.js';
import type { IommuGroup } from './group.js';
import type { IommuDevice } from './iommu-device.js';
import { noPatches, type Patches } from './patches.js';

export class IommuGlobals extends KObject {
  /** iommu_device_list; each iommu_device_lock critical section is one atomic step on it */
  iommuDeviceList: readonly IommuDevice[] = [];
  /** iommu_probe_device_lock */
  readonly iommuProbeDeviceLock = new Mutex('iommu_probe_device_lock', null);
  /** iommu_def_domain_type */
  iommuDefDomainType = IOMMU_DOMAIN_DMA_FQ;
  /** iommu_dma_strict */
  iommuDmaStrict = false;
  /** the buses with an IOMMU notifier (iommu_buses[]) */
  readonly iommuBuses: BusType[] = [];
  /** iommu_group_ida: ids in use */
  readonly groupIds = new Set<number>();
  /** iommu_global_pasid_ida: pasids in use */
  readonly globalPasids = new Set<number>();
  /** model-only: every group ever allocated, for the checker's scans */
  readonly ghostGroups = new Set<IommuGroup>();

  constructor(readonly patches: Patches) {
    super();
  }

  override get label(): string {
    return 'iommu';
  }
}

/**
 * The running kernel's IOMMU core globals, like `current`: set by iommuSubsysInit() when a kernel
 * boots, and switched by iommuCoreSwitch() when a booted world is resumed from a snapshot.
 */
export let iommuCore: IommuGlobals = null as unknown as IommuGlobals;

/** make `g` the running kernel's core (null: no kernel runs, the last one ended) */
export function iommuCoreSwitch(g: IommuGlobals | null): void {
  iommuCore = g as IommuGlobals;
}

export type DefaultDomainTypeName = 'identity' | 'dma' | 'dma-fq';

export interface SubsysOptions {
  /** iommu.passthrough / iommu.strict as the command line or Kconfig set them */
  readonly defaultDomainType?: DefaultDomainTypeName;
  readonly patches?: Patches;
}

/** iommu_subsys_init(): pick the default domain type, watch the buses. Setup only (no yields). */
export function iommuSubsysInit(buses: readonly BusType[], opts: SubsysOptions = {}): IommuGlobals {
  const g = new IommuGlobals(opts.patches ?? noPatches);
  const t = opts.defaultDomainType ?? 'dma-fq';
  g.iommuDefDomainType = t === 'identity' ? IOMMU_DOMAIN_IDENTITY : t === 'dma' ? IOMMU_DOMAIN_DMA : IOMMU_DOMAIN_DMA_FQ;
  g.iommuDmaStrict = t === 'dma';
  g.iommuBuses.push(...buses);
  iommuCore = g;
  return g;
}
