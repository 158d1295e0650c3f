// IO page-table formats (hardware.md §3.1): a radix tree of 4 KiB tables of 512 entries, each level
// resolving 9 bits above the 12-bit page offset. Formats differ in levels, in the leaf sizes the
// hardware accepts and in the input/output address sizes; the entry encoding is shared (pte.ts).
// The model keeps addresses below 2^52 (exact in a JS number), so a 5-level table's top index
// stays below 16.
import { EADDRINUSE, EEXIST } from '../../sync/index.js';

export const SZ_4K = 0x1000;
export const SZ_2M = 0x200000;
export const SZ_1G = 0x40000000;

export interface PtFormat {
  /** io-pgtable / generic_pt name: 'arm-lpae-s1', 'arm-lpae-s2', 'x86-64' (VT-d first level), 'vtd-ss' */
  readonly name: string;
  /** 3, 4 or 5 */
  readonly levels: number;
  /** leaf sizes the hardware accepts, a bitmap of SZ_4K | SZ_2M | SZ_1G */
  readonly pgsizeBitmap: number;
  /** input (IOVA) and output address bits */
  readonly ias: number;
  readonly oas: number;
  /** 2^ias: the first IOVA the table cannot translate */
  readonly inputLimit: number;
  /** errno of a map over an occupied range: iommupt -EADDRINUSE, io-pgtable-arm -EEXIST (with a WARN) */
  readonly overlapErrno: number;
  readonly overlapWarns: boolean;
}

export interface PtFormatOptions {
  readonly levels?: number;
  readonly pgsizeBitmap?: number;
  readonly ias?: number;
  readonly oas?: number;
}

const MAX_BITS = 52;

function make(name: string, o: PtFormatOptions, arm: boolean, defLevels: number): PtFormat {
  const levels = o.levels ?? defLevels;
  if (levels < 3 || levels > 5) throw new Error(`${name}: ${levels} levels (3 to 5 supported)`);
  const ias = Math.min(o.ias ?? 12 + 9 * levels, 12 + 9 * levels, MAX_BITS);
  // frozen: a constant, shared by world snapshots rather than copied
  return Object.freeze({
    name,
    levels,
    pgsizeBitmap: o.pgsizeBitmap ?? SZ_4K | SZ_2M | SZ_1G,
    ias,
    inputLimit: 2 ** ias,
    oas: Math.min(o.oas ?? 48, MAX_BITS),
    overlapErrno: arm ? -EEXIST : -EADDRINUSE,
    overlapWarns: arm,
  });
}

/** ARM_64_LPAE_S1: SMMUv3 stage 1 (and the CPU's format, for SVA) */
export function armLpaeS1(o: PtFormatOptions = {}): PtFormat {
  return make('arm-lpae-s1', o, true, 4);
}

/** ARM_64_LPAE_S2: SMMUv3 stage 2 (start-level concatenation not modelled) */
export function armLpaeS2(o: PtFormatOptions = {}): PtFormat {
  return make('arm-lpae-s2', o, true, 4);
}

/** x86-64 (generic_pt): VT-d first-level tables; 1G leaves only with FL1GP */
export function x86Fl(o: PtFormatOptions = {}): PtFormat {
  return make('x86-64', o, false, 4);
}

/** vtdss (generic_pt): VT-d second-level tables; levels from AW, 2M/1G from SLLPS */
export function vtdSs(o: PtFormatOptions = {}): PtFormat {
  return make('vtd-ss', o, false, 4);
}

/** log2 of the span of one entry at `level` (0 = root) */
export function levelShift(fmt: PtFormat, level: number): number {
  return 12 + 9 * (fmt.levels - 1 - level);
}

/** the level whose entries are leaves of `size` bytes, or -1 */
export function leafLevel(fmt: PtFormat, size: number): number {
  for (let l = fmt.levels - 1; l >= 0; l--) if (2 ** levelShift(fmt, l) === size) return l;
  return -1;
}

const POW2: number[] = [];
for (let i = 0; i <= 60; i++) POW2.push(2 ** i);

/** the index of `addr` in a table whose entries span 2^shift bytes */
export function tableIndex(addr: number, shift: number): number {
  if (addr < 2147483648 && shift < 31) return (addr >>> shift) & 511;
  return Math.floor(addr / POW2[shift]!) % 512;
}

/** 2^shift */
export function pow2(shift: number): number {
  return POW2[shift]!;
}
