// Knobs of the intel-iommu driver (its module parameters and boot options, hardware.md §2): which
// table paging domains use (first level when the unit has it, as Linux prefers, or second level,
// like intel_iommu=sm_on with FS off), and max_pasids of every unit. The hardware's capabilities
// are the unit's (hw/vtd/vtd.ts VtdCaps), not knobs.
export interface VtdOptions {
  /** paging domains use first-level tables when the unit supports them (default true) */
  readonly firstLevel?: boolean;
  /** iommu_device::max_pasids of every unit (default 0x100; Linux: from ecap_pss) */
  readonly maxPasids?: number;
}

export const vtdDefaults: VtdOptions = Object.freeze({});
