// Knobs of the mock IOMMU driver (like the kernel selftests' mock, spec hardware.md §5): which
// static domains it has, per-device answers, PASID support, and failure injection per callback.

/** a callback the mock can be told to fail */
export type MockCallback =
  | 'probe_device'
  | 'device_group'
  | 'attach_dev'
  | 'set_dev_pasid'
  | 'domain_alloc_paging'
  | 'domain_alloc_identity'
  | 'map_pages'
  | 'iotlb_sync_map';

export const mockCallbacks: readonly MockCallback[] = [
  'probe_device',
  'device_group',
  'attach_dev',
  'set_dev_pasid',
  'domain_alloc_paging',
  'domain_alloc_identity',
  'map_pages',
  'iotlb_sync_map',
];

/** fail the `nth` matching call (1-based; every matching call when nth is 0) with `err` */
export interface MockFault {
  readonly callback: MockCallback;
  /** only calls for this device */
  readonly dev?: string;
  /** only calls with a domain of this kind */
  readonly domain?: 'paging' | 'blocked' | 'identity';
  readonly nth?: number;
  /** negative errno; -ENOMEM by default (-ENODEV for probe_device) */
  readonly err?: number;
  /** device_group only: return NULL instead of an error */
  readonly returnNull?: boolean;
}

export interface MockOptions {
  /** ops->blocked_domain: a static one (default), or none (the core allocates an empty paging domain) */
  readonly blockedDomain?: 'static' | 'none';
  /** ops->identity_domain static, domain_alloc_identity, or no identity support (default: static) */
  readonly identityDomain?: 'static' | 'alloc' | 'none';
  /** ops->release_domain (default: none; release_device blocks the device itself) */
  readonly releaseDomain?: 'blocked' | 'identity' | 'none';
  /** legacy ops->default_domain */
  readonly legacyDefaultDomain?: 'identity' | 'blocked' | 'none';
  /** ops->device_group: PCI rules (generic for platform devices), one group per device, or one per instance */
  readonly deviceGroup?: 'pci' | 'generic' | 'single';
  /** paging domains implement set_dev_pasid (default: true) */
  readonly pasid?: boolean;
  /** iommu_device::max_pasids of every instance (default 0x100) */
  readonly maxPasids?: number;
  /** devices whose first attach waits for the first DMA map (is_attach_deferred) */
  readonly deferredAttach?: readonly string[];
  /** def_domain_type answers per device */
  readonly defDomainType?: Readonly<Record<string, 'identity' | 'dma'>>;
  /** implement probe_finalize */
  readonly probeFinalize?: boolean;
  /**
   * when a device's last PASID is removed, re-attach its RID domain if that is identity or
   * blocked, asking the core which it is (iommu_driver_get_domain_for_dev()): what
   * arm_smmu_blocking_set_dev_pasid() does to downgrade a CD-table STE (default: false)
   */
  readonly lastPasidRestoresRid?: boolean;
  readonly faults?: readonly MockFault[];
  /**
   * Callbacks whose failure is explored rather than placed: each call is a fault point (should_fail)
   * that fails when the fault plan says so: both outcomes under `--faults choice`, the Nth point
   * under fail_nth. attach_dev and set_dev_pasid fail so only on paging domains (a blocked or
   * identity attach never fails in a real driver).
   */
  readonly failAsChoice?: readonly MockCallback[];
}
