// Knobs of the arm-smmu-v3 driver model (module parameters and the hardware's ID registers as
// the driver reads them at probe, hardware.md §1.1): which stages and features the SMMU has, the
// sizes of its tags and substreams. Topology key `smmuv3:`.

export interface SmmuKnobs {
  /** SMMU_IDR0.S1P / S2P: the stages it translates (default both) */
  readonly stages?: 's1' | 's2' | 'both';
  /** FEAT_ATS (default true) */
  readonly ats?: boolean;
  /** SSIDSIZE (default 20) */
  readonly ssidBits?: number;
  /** ASID bits, 8 or 16 (default 16) */
  readonly asidBits?: 8 | 16;
  /** VMID bits, 8 or 16 (default 16) */
  readonly vmidBits?: 8 | 16;
  /** FEAT_2_LVL_CDTAB (default true): CD tables of more than 1024 entries are 2-level */
  readonly twoLevelCdTable?: boolean;
  /** FEAT_E2H: host S1 STEs use STRW=EL2 and the TLBI_EL2_* commands (default false) */
  readonly e2h?: boolean;
}

export const smmuKnobDefaults: SmmuKnobs = Object.freeze({});
