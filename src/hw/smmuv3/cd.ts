// The Context Descriptor (hardware.md §1.3): a stage-1 context, indexed by SubstreamID in a CD
// table. Word 0 holds V, the ASID and the translation controls (T0SZ, TG0, EPD0/EPD1, IPS, R/A/S,
// ASET, HA/HD); word 1 holds TTB0. EPD0 set makes every access fault (an SVA CD "quieted" after
// its mm went away); TTB1 is never used (EPD1 always set).

export interface CdWord0 {
  readonly v: boolean;
  readonly asid: number;
  /** input size is 64 - t0sz bits */
  readonly t0sz: number;
  /** levels of the table TTB0 points at (from T0SZ and TG0 in the hardware) */
  readonly levels: number;
  readonly epd0: boolean;
  readonly epd1: boolean;
  /** record faults (the event queue gets F_* events) */
  readonly r: boolean;
  /** abort on fault (vs stall) */
  readonly a: boolean;
  readonly s: boolean;
  /** ASID not shared with the CPU (no broadcast TLB maintenance) */
  readonly aset: boolean;
  readonly ha: boolean;
  readonly hd: boolean;
}

export interface CdWord1 {
  readonly ttb0: number;
}

export type Cd = readonly [CdWord0, CdWord1];

export const CD_W0_ZERO: CdWord0 = {
  v: false,
  asid: 0,
  t0sz: 0,
  levels: 0,
  epd0: false,
  epd1: false,
  r: false,
  a: false,
  s: false,
  aset: false,
  ha: false,
  hd: false,
};
export const CD_ZERO: Cd = [CD_W0_ZERO, { ttb0: 0 }];

export interface S1CdOptions {
  readonly asid: number;
  readonly ttb: number;
  /** input address bits (default 48) */
  readonly ias?: number;
  readonly levels?: number;
  readonly record?: boolean;
  readonly stall?: boolean;
  readonly dirty?: boolean;
}

/** arm_smmu_make_s1_cd(): a valid CD walking `ttb` under `asid` (EPD1, ASET, R and A set) */
export function cdS1(o: S1CdOptions): Cd {
  return [
    {
      v: true,
      asid: o.asid,
      t0sz: 64 - (o.ias ?? 48),
      levels: o.levels ?? 4,
      epd0: false,
      epd1: true,
      r: o.record ?? true,
      a: !(o.stall ?? false),
      s: o.stall ?? false,
      aset: true,
      ha: o.dirty ?? false,
      hd: o.dirty ?? false,
    },
    { ttb0: o.ttb },
  ];
}

/** arm_smmu_make_sva_cd() with no mm: the quiet CD, EPD0 set, so every access faults */
export function cdQuiet(asid: number): Cd {
  return [{ ...CD_W0_ZERO, v: true, asid, epd0: true, epd1: true, r: true, a: true, aset: true }, { ttb0: 0 }];
}

/** arm_smmu_get_cd_used(): V only when invalid; with EPD0 the TTB0 controls and TTB0 are ignored */
export function cdUsed(cd: Cd): string[][] {
  if (!cd[0].v) return [['v'], []];
  const w0 = ['v', 'asid', 'epd0', 'epd1', 'r', 'a', 's', 'aset', 'ha', 'hd'];
  if (cd[0].epd0) return [w0, []];
  return [[...w0, 't0sz', 'levels'], ['ttb0']];
}

export function cdUpdateSafe(_cur: Cd, _target: Cd): string[][] {
  return [[], []];
}

export function describeCd(cd: Cd): string {
  if (!cd[0].v) return 'invalid';
  if (cd[0].epd0) return `quiet(asid ${cd[0].asid})`;
  return `s1(asid ${cd[0].asid}, ttb0 0x${cd[1].ttb0.toString(16)})`;
}
