// VT-d translation structures (hardware.md §2.2, §2.3): root entries (one per bus), legacy and
// scalable-mode context entries (one per devfn), PASID directory entries and PASID table entries.
// As for SMMUv3, each entry is a few words of named fields (not bit encodings); a driver writes a
// word per step and the unit fetches whole entries, so a multi-word rewrite of a present entry
// can be seen torn (the pre-2026 in-place PASID replace, H7).

/** a root entry: legacy uses the lower context table for all 256 devfns; scalable mode lower (0-127) and upper (128-255) */
export interface RootEntry {
  readonly lp: boolean;
  readonly lctp: number;
  readonly up: boolean;
  readonly uctp: number;
}

export const ROOT_ZERO: RootEntry = { lp: false, lctp: 0, up: false, uctp: 0 };

// ---- legacy context entry

/** TT: multi-level (untranslated only), multi-level with device-TLB (ATS), pass-through */
export type LegacyTt = 'ml' | 'ml-devtlb' | 'pt';

export interface LegacyCtxLo {
  readonly p: boolean;
  readonly fpd: boolean;
  readonly tt: LegacyTt;
  readonly slptptr: number;
}

export interface LegacyCtxHi {
  /** AW as levels of the second-level table */
  readonly levels: number;
  readonly did: number;
}

export type LegacyCtx = readonly [LegacyCtxLo, LegacyCtxHi];

export const LEGACY_CTX_ZERO: LegacyCtx = [{ p: false, fpd: false, tt: 'ml', slptptr: 0 }, { levels: 0, did: 0 }];

// ---- scalable-mode context entry

export interface SmCtxW0 {
  readonly p: boolean;
  readonly fpd: boolean;
  /** device-TLB (ATS) allowed */
  readonly dte: boolean;
  /** PASID-tagged requests allowed */
  readonly paside: boolean;
  /** page requests allowed */
  readonly pre: boolean;
  /** the PASID directory holds 2^(pdts + 7) entries */
  readonly pdts: number;
  readonly pasiddirptr: number;
}

export interface SmCtxW1 {
  /** the PASID used for requests without one (Linux: 0) */
  readonly ridPasid: number;
}

export type SmCtx = readonly [SmCtxW0, SmCtxW1];

const SM_CTX_W0_ZERO: SmCtxW0 = { p: false, fpd: false, dte: false, paside: false, pre: false, pdts: 0, pasiddirptr: 0 };
export const SM_CTX_ZERO: SmCtx = [SM_CTX_W0_ZERO, { ridPasid: 0 }];

/** intel_pasid_setup_sm_context(): present, PASID directory, DTE when the device has ATS */
export function smContext(o: { pasiddirptr: number; pdts: number; dte?: boolean; pre?: boolean }): SmCtx {
  const w0 = { ...SM_CTX_W0_ZERO, p: true, dte: o.dte ?? false, paside: true, pre: o.pre ?? false };
  return [{ ...w0, pdts: o.pdts, pasiddirptr: o.pasiddirptr }, { ridPasid: 0 }];
}

// ---- PASID directory and table entries

export interface PasidDirEntry {
  readonly p: boolean;
  readonly fpd: boolean;
  readonly ptptr: number;
}

export const PASID_DIR_ZERO: PasidDirEntry = { p: false, fpd: false, ptptr: 0 };

export const PGTT_INVALID = 0;
export const PGTT_FL = 1;
export const PGTT_SL = 2;
export const PGTT_NESTED = 3;
export const PGTT_PT = 4;

export interface PasidW0 {
  readonly p: boolean;
  readonly fpd: boolean;
  /** AW: levels of the second-level table */
  readonly aw: number;
  readonly pgtt: number;
  readonly ssade: boolean;
  readonly slptptr: number;
}

export interface PasidW1 {
  readonly did: number;
  readonly pwsnp: boolean;
  readonly pgsnp: boolean;
}

export interface PasidW2 {
  readonly sre: boolean;
  /** first-level paging mode: 4 or 5 levels */
  readonly flpm: number;
  readonly wpe: boolean;
  readonly eafe: boolean;
  readonly flptptr: number;
}

export type PasidEntry = readonly [PasidW0, PasidW1, PasidW2];

export const PASID_W0_ZERO: PasidW0 = { p: false, fpd: false, aw: 0, pgtt: PGTT_INVALID, ssade: false, slptptr: 0 };
export const PASID_W1_ZERO: PasidW1 = { did: 0, pwsnp: false, pgsnp: false };
export const PASID_W2_ZERO: PasidW2 = { sre: false, flpm: 0, wpe: false, eafe: false, flptptr: 0 };
export const PASID_ZERO: PasidEntry = [PASID_W0_ZERO, PASID_W1_ZERO, PASID_W2_ZERO];

/** FLPT_DEFAULT_DID: pass-through and first-level SVA entries */
export const FLPT_DEFAULT_DID = 1;
/** IDA_START_DID: the first DID a paging domain gets */
export const IDA_START_DID = 2;

/** intel_pasid_setup_first_level() */
export function pasidFl(o: { did: number; root: number; levels?: number; snoop?: boolean; sre?: boolean }): PasidEntry {
  return [
    { ...PASID_W0_ZERO, p: true, pgtt: PGTT_FL },
    { did: o.did, pwsnp: false, pgsnp: o.snoop ?? false },
    { ...PASID_W2_ZERO, sre: o.sre ?? false, flpm: o.levels ?? 4, flptptr: o.root },
  ];
}

/** intel_pasid_setup_second_level() */
export function pasidSl(o: { did: number; root: number; levels?: number; dirty?: boolean }): PasidEntry {
  const w0: PasidW0 = { p: true, fpd: false, aw: o.levels ?? 4, pgtt: PGTT_SL, ssade: o.dirty ?? false, slptptr: o.root };
  return [w0, { ...PASID_W1_ZERO, did: o.did }, PASID_W2_ZERO];
}

/** intel_pasid_setup_nested(): the guest's first-level root (a GPA) over the parent's second level */
export interface NestedPasidOptions {
  readonly did: number;
  readonly s1root: number;
  readonly s1levels?: number;
  readonly s2root: number;
  readonly s2levels?: number;
}

export function pasidNested(o: NestedPasidOptions): PasidEntry {
  return [
    { p: true, fpd: false, aw: o.s2levels ?? 4, pgtt: PGTT_NESTED, ssade: false, slptptr: o.s2root },
    { ...PASID_W1_ZERO, did: o.did },
    { ...PASID_W2_ZERO, flpm: o.s1levels ?? 4, flptptr: o.s1root },
  ];
}

/** intel_pasid_setup_pass_through(): DID 1 */
export function pasidPt(): PasidEntry {
  return [{ ...PASID_W0_ZERO, p: true, pgtt: PGTT_PT }, { ...PASID_W1_ZERO, did: FLPT_DEFAULT_DID }, PASID_W2_ZERO];
}

export function describePasidEntry(e: PasidEntry): string {
  const w0 = e[0];
  if (!w0.p) return w0.fpd ? 'not present (fpd)' : 'not present';
  const did = e[1].did;
  switch (w0.pgtt) {
    case PGTT_FL:
      return `first-level(did ${did}, root 0x${e[2].flptptr.toString(16)})`;
    case PGTT_SL:
      return `second-level(did ${did}, root 0x${w0.slptptr.toString(16)})`;
    case PGTT_NESTED:
      return `nested(did ${did}, s1 0x${e[2].flptptr.toString(16)} over 0x${w0.slptptr.toString(16)})`;
    case PGTT_PT:
      return `pass-through(did ${did})`;
    default:
      return `invalid pgtt ${w0.pgtt}`;
  }
}
