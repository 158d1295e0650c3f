// The Stream Table Entry (hardware.md §1.2). A 64-byte entry of which Linux uses four 64-bit
// words; the model keeps each word as a record of the fields a model needs (word 0: V, Config and
// the CD table pointer; word 1: S1DSS, EATS, STRW, SHCFG, MEV, S1STALLD; word 2: S2VMID and VTCR;
// word 3: S2TTB). A driver writes one word per step; the SMMU fetches the whole entry in one, so
// it can see any mixture of old and new words mid-update (§1.4).

export const STE_CFG_ABORT = 0;
export const STE_CFG_BYPASS = 4;
export const STE_CFG_S1 = 5;
export const STE_CFG_S2 = 6;
export const STE_CFG_NESTED = 7;

export type S1Dss = 'terminate' | 'bypass' | 'ssid0';
export type Eats = 'abt' | 'trans' | 's1chk';
export type Strw = 'nsel1' | 'el2';
export type TableFmt = 'linear' | '2lvl';

export interface SteWord0 {
  readonly v: boolean;
  /** 0 abort, 4 bypass, 5 S1, 6 S2, 7 nested (1..3 are illegal) */
  readonly config: number;
  readonly s1fmt: TableFmt;
  /** CD table address (an IPA for nested) */
  readonly s1ctxptr: number;
  /** log2 of the number of CDs; 0 = no substreams */
  readonly s1cdmax: number;
}

export interface SteWord1 {
  readonly s1dss: S1Dss;
  readonly eats: Eats;
  readonly strw: Strw;
  readonly shcfg: 'incoming' | 'nsh';
  readonly mev: boolean;
  readonly s1stalld: boolean;
}

export interface SteWord2 {
  /** the tag of S2 (and nested) translations; 0 in S1-only STEs */
  readonly s2vmid: number;
  /** VTCR: levels of the S2 table (from T0SZ/SL0) */
  readonly s2levels: number;
  /** record S2 faults */
  readonly s2r: boolean;
  readonly s2ptw: boolean;
  readonly s2s: boolean;
  readonly s2fwb: boolean;
}

export interface SteWord3 {
  /** S2 table root address */
  readonly s2ttb: number;
}

export type Ste = readonly [SteWord0, SteWord1, SteWord2, SteWord3];

export const STE_W0_ZERO: SteWord0 = { v: false, config: 0, s1fmt: 'linear', s1ctxptr: 0, s1cdmax: 0 };
export const STE_W1_ZERO: SteWord1 = { s1dss: 'terminate', eats: 'abt', strw: 'nsel1', shcfg: 'nsh', mev: false, s1stalld: false };
export const STE_W2_ZERO: SteWord2 = { s2vmid: 0, s2levels: 0, s2r: false, s2ptw: false, s2s: false, s2fwb: false };
export const STE_W3_ZERO: SteWord3 = { s2ttb: 0 };

/** all-zero: V=0 (C_BAD_STE) */
export const STE_ZERO: Ste = [STE_W0_ZERO, STE_W1_ZERO, STE_W2_ZERO, STE_W3_ZERO];

/** arm_smmu_make_abort_ste() */
export const STE_ABORT: Ste = [{ ...STE_W0_ZERO, v: true, config: STE_CFG_ABORT }, STE_W1_ZERO, STE_W2_ZERO, STE_W3_ZERO];

/** arm_smmu_make_bypass_ste(): incoming shareability */
export const STE_BYPASS: Ste = [{ ...STE_W0_ZERO, v: true, config: STE_CFG_BYPASS }, { ...STE_W1_ZERO, shcfg: 'incoming' }, STE_W2_ZERO, STE_W3_ZERO];

export interface CdTableSteOptions {
  readonly ctxptr: number;
  readonly fmt?: TableFmt;
  readonly cdmax: number;
  readonly s1dss?: S1Dss;
  readonly ats?: boolean;
  readonly strw?: Strw;
  readonly stalld?: boolean;
}

/** arm_smmu_make_cdtable_ste(): S1 through a CD table */
export function steCdTable(o: CdTableSteOptions): Ste {
  return [
    { v: true, config: STE_CFG_S1, s1fmt: o.fmt ?? 'linear', s1ctxptr: o.ctxptr, s1cdmax: o.cdmax },
    { ...STE_W1_ZERO, s1dss: o.s1dss ?? 'ssid0', eats: o.ats === true ? 'trans' : 'abt', strw: o.strw ?? 'nsel1', s1stalld: o.stalld ?? false },
    STE_W2_ZERO,
    STE_W3_ZERO,
  ];
}

export interface S2SteOptions {
  readonly vmid: number;
  readonly ttb: number;
  readonly levels?: number;
  readonly ats?: boolean;
  readonly record?: boolean;
  readonly fwb?: boolean;
  readonly stall?: boolean;
}

/** arm_smmu_make_s2_domain_ste() */
export function steS2(o: S2SteOptions): Ste {
  return [
    { ...STE_W0_ZERO, v: true, config: STE_CFG_S2 },
    { ...STE_W1_ZERO, eats: o.ats === true ? 'trans' : 'abt', shcfg: 'incoming' },
    { s2vmid: o.vmid, s2levels: o.levels ?? 4, s2r: o.record ?? true, s2ptw: true, s2s: o.stall ?? false, s2fwb: o.fwb ?? false },
    { s2ttb: o.ttb },
  ];
}

export interface NestedSteOptions extends S2SteOptions {
  /** the guest's CD table (an IPA) and its format */
  readonly ctxptr: number;
  readonly fmt?: TableFmt;
  readonly cdmax: number;
  readonly s1dss?: S1Dss;
}

/** arm_smmu_make_nested_cd_table_ste(): guest S1 over the parent's S2, MEV set */
export function steNested(o: NestedSteOptions): Ste {
  const s2 = steS2(o);
  return [
    { v: true, config: STE_CFG_NESTED, s1fmt: o.fmt ?? 'linear', s1ctxptr: o.ctxptr, s1cdmax: o.cdmax },
    { ...s2[1], s1dss: o.s1dss ?? 'ssid0', mev: true },
    s2[2],
    s2[3],
  ];
}

export function steTranslatesS1(ste: Ste): boolean {
  return ste[0].v && (ste[0].config & 1) === 1 && ste[0].config >= 4;
}

export function steTranslatesS2(ste: Ste): boolean {
  return ste[0].v && (ste[0].config & 2) === 2 && ste[0].config >= 4;
}

/** Config 1..3 (or a translating Config without its table) is illegal: C_BAD_STE */
export function steIllegal(ste: Ste): boolean {
  const c = ste[0].config;
  if (c > 0 && c < 4) return true;
  if (steTranslatesS2(ste) && (ste[3].s2ttb === 0 || ste[2].s2levels < 3 || ste[2].s2levels > 5)) return true;
  return steTranslatesS1(ste) && ste[0].s1ctxptr === 0;
}

/**
 * The fields of each word the SMMU uses given the entry itself (arm_smmu_get_ste_used()): only V
 * when invalid; Config; the CD-table fields and S1 attributes with S1; the S2 fields with S2;
 * SHCFG for bypass; EATS whenever it translates. S1-only entries use S2VMID as the tag.
 */
export function steUsed(ste: Ste): string[][] {
  const used: string[][] = [['v'], [], [], []];
  const w0 = ste[0];
  if (!w0.v) return used;
  used[0]!.push('config');
  const c = w0.config;
  if (c === STE_CFG_BYPASS) used[1]!.push('shcfg');
  if (c >= 4 && (c & 1) === 1) {
    used[0]!.push('s1fmt', 's1ctxptr', 's1cdmax');
    used[1]!.push('s1dss', 's1stalld', 'strw', 'eats', 'mev');
    used[2]!.push('s2vmid');
  }
  if (c >= 4 && (c & 2) === 2) {
    used[1]!.push('eats', 'shcfg', 'mev');
    used[2]!.push('s2vmid', 's2levels', 's2r', 's2ptw', 's2s', 's2fwb');
    used[3]!.push('s2ttb');
  }
  used[1] = [...new Set(used[1])];
  used[2] = [...new Set(used[2])];
  return used;
}

/**
 * Fields that may change without a break even though they are used (arm_smmu_get_ste_update_safe()):
 * MEV always; EATS unless S1CHK (split stage) or S2S is involved on either side.
 */
export function steUpdateSafe(cur: Ste, target: Ste): string[][] {
  const safe: string[][] = [[], ['mev'], [], []];
  const involved = (s: Ste): boolean => s[1].eats === 's1chk' || (steTranslatesS2(s) && s[2].s2s);
  if (!involved(cur) && !involved(target)) safe[1]!.push('eats');
  return safe;
}

export function describeSte(ste: Ste): string {
  const w0 = ste[0];
  if (!w0.v) return 'invalid';
  switch (w0.config) {
    case STE_CFG_ABORT:
      return 'abort';
    case STE_CFG_BYPASS:
      return 'bypass';
    case STE_CFG_S1:
      return `s1(cd@0x${w0.s1ctxptr.toString(16)}, cdmax ${w0.s1cdmax}, s1dss ${ste[1].s1dss}, eats ${ste[1].eats})`;
    case STE_CFG_S2:
      return `s2(vmid ${ste[2].s2vmid}, ttb 0x${ste[3].s2ttb.toString(16)}, eats ${ste[1].eats})`;
    case STE_CFG_NESTED:
      return `nested(cd@ipa 0x${w0.s1ctxptr.toString(16)}, vmid ${ste[2].s2vmid}, ttb 0x${ste[3].s2ttb.toString(16)})`;
    default:
      return `illegal config ${w0.config}`;
  }
}
