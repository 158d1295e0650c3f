// One DMA transaction as an IOMMU sees it (hardware.md §4) and what becomes of it. A device
// issues a request (PASID or none, IOVA, read or write); with ATS it may first ask for a
// translation (a translation request) and then send the translated address. The result tells
// the checker what the hardware did and how: where the translation came from (a cache, a walk),
// which tables were read and whether one of them was not a page table any more.
import type { UsedKey } from '../cache/fence-log.js';

/** PCIe Address Type */
export type AddrType = 'untranslated' | 'translation-request' | 'translated';

/** what a device asks for */
export interface DmaRequest {
  readonly pasid: number | null;
  readonly iova: number;
  readonly write: boolean;
}

/** a transaction at the IOMMU: the request, from stream `sid`, of address type `at` */
export interface Txn extends DmaRequest {
  readonly sid: number;
  readonly at: AddrType;
}

export type DmaVia = 'none' | 'bypass' | 'tlb' | 'walk' | 'atc';

/** how a translation was made (for checkers) */
export interface DmaPath {
  /** the cache tag it is filed under, -1 when none (bypass, fault before a tag) */
  tag: number;
  /** root frame of the (last-stage) tables, -1 when none */
  root: number;
  via: DmaVia;
  /** table frames the walk read */
  tables: number[];
  /** a frame the walk read that is not a page table now (freed or reused): -1 if none (H4) */
  badTable: number;
  /** the configuration came from the config cache and differs from memory (stale, H7) */
  staleConfig: boolean;
}

export function newPath(): DmaPath {
  return { tag: -1, root: -1, via: 'none', tables: [], badTable: -1, staleConfig: false };
}

const NO_TABLES: number[] = Object.freeze([]) as unknown as number[];

/** a path for a fast-path translation (no tables recorded unless `tables` is given) */
export function fastPath(tag: number, root: number, via: DmaVia, tables: number[] = NO_TABLES, badTable = -1): DmaPath {
  return { tag, root, via, tables, badTable, staleConfig: false };
}

export type DmaResult =
  /** reached physical address `pa`; `prot` is what the leaf grants (IOMMU_READ | IOMMU_WRITE) */
  | { readonly kind: 'ok'; readonly pa: number; readonly prot: number; readonly path: DmaPath }
  /** terminated with a fault; `recorded` if an event/fault record was written */
  | { readonly kind: 'fault'; readonly reason: string; readonly code: number; readonly recorded: boolean; readonly path: DmaPath }
  /** terminated silently (SMMU abort STE, GBPA abort) */
  | { readonly kind: 'abort'; readonly reason: string; readonly path: DmaPath }
  /** a translation request answered: the output page and the permission granted (0: no access) */
  | { readonly kind: 'ats'; readonly pa: number; readonly size: number; readonly prot: number; readonly path: DmaPath }
  /** the function is in reset and issued nothing */
  | { readonly kind: 'not-issued' };

/** a transaction a completed fence overtook: the device issues it again */
export const RESTART = Symbol('restart');
export type Restart = typeof RESTART;

/** what one DMA carries across its steps: the cache keys it used and the generation of each */
export class DmaCtx {
  readonly used: UsedKey[] = [];
}

export const NOT_ISSUED: DmaResult = { kind: 'not-issued' };
