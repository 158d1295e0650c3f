// The uniform hardware view every IOMMU model offers: what is installed for a stream and PASID
// right now, read from the hardware structures in memory, and the fetch a DMA transaction does
// through them. The Machine holds its units behind this interface, whatever their kind (the
// mock's stream table today; SMMUv3 and VT-d models plug in the same way).
import type { Access, Gen, Shared } from '../sync/index.js';
import type { PhysMemory } from './memory/phys-memory.js';
import type { FenceLog } from './cache/fence-log.js';
import type { CachedLeaf } from './cache/leaf-cache.js';
import type { HwEndpoint } from './endpoint.js';
import type { HwTranslation } from './translation.js';
import type { TxnMode } from './txn/mode.js';
import type { DmaCtx, DmaResult, Restart, Txn } from './txn/txn.js';

export interface TranslationUnit {
  readonly name: string;
  /** the hardware kind (machine/unit-kinds.ts), e.g. "stream-table" */
  readonly kind: string;
  /** installed(sid, pasid): pasid null = the RID (requests without PASID) */
  installed(sid: number, pasid: number | null): HwTranslation;
  /** the PASIDs with a present entry for `sid` */
  installedPasids(sid: number): ReadonlyMap<number, HwTranslation>;
  /** every present entry, for the use-after-free scan */
  all(): ReadonlyArray<{ sid: number; pasid: number | null; t: HwTranslation }>;
  /**
   * The fetch of one DMA transaction: the device issues it and the IOMMU reads the entries for
   * (sid, pasid) in one step (a `dmaRead` yield naming what it reads; `also`: what the issuing
   * device's side of the same step reads, its reset state).
   */
  dmaFetch(sid: number, pasid: number | null, also?: readonly Access[]): Gen<HwTranslation>;
  /**
   * The locations whose contents decide what `sid` (its RID and every PASID) translates through
   * right now, as a check names them in its reads (an entry object's field, a slot of a table
   * page): the entries themselves and the tables they lead to (for SMMUv3, the STE and the CD
   * table it points at). Entries are preallocated: reading them creates nothing.
   */
  entryReads(sid: number): readonly Access[];
  /**
   * What a trace may call those locations (phrase as a step prints it -> name), for requester
   * `who`; only what exists now. Units without it are named by stream (`ste[48]`).
   */
  entryNames?(sid: number, who: string): ReadonlyArray<readonly [string, string]>;
}

/** a translation a cache holds, with the tag it is filed under */
export interface HeldLeaf {
  /** the unit's cache tag (decode with describeTag) */
  readonly tag: number;
  readonly leaf: CachedLeaf;
}

/** a translation installed in memory: its cache tag, the root frame it walks, who uses it */
export interface InstalledTag {
  readonly tag: number;
  /** root frame as a walk records it (for a nested first stage: resolved through the second) */
  readonly root: number;
  readonly sid: number;
  readonly pasid: number | null;
}

/** who refers to a table frame: an installed root, a table reachable from one, a walk cache entry */
export interface FrameRef {
  readonly pfn: number;
  readonly by: string;
}

/**
 * An IOMMU model with its caches and its DMA path (SMMUv3, VT-d): what a Machine holds. A device's
 * DMA reaches it through `transact` (txn/device.ts does the device side: reset, ATC, ATS);
 * checkers read it through the rest. Nothing here names a kernel object.
 */
export interface HwIommu extends TranslationUnit {
  readonly fence: FenceLog;
  /** the memory its tables live in, and DMA lands in */
  readonly mem: PhysMemory;
  /** where a recorded fault goes (SMMUv3 event queue, VT-d fault recording registers) */
  readonly records: Shared;
  /** what a DMA would use now: the cached configuration where there is one, memory otherwise (H7's effective()) */
  effective(sid: number, pasid: number | null): HwTranslation;
  /** one transaction, in explorer steps; RESTART when a completed fence overtook it */
  transact(ctx: DmaCtx, txn: Txn): Gen<DmaResult | Restart>;
  /** one transaction at once (no steps): the fast path */
  transactNow(txn: Txn): DmaResult;
  /** what a transaction would get now, changing nothing (no cache fill, no fault record) */
  probe(txn: Txn): DmaResult;
  /** the same under a mode (MODE_FRESH: from memory alone, ignoring the caches) */
  probeWith(txn: Txn, mode: TxnMode): DmaResult;
  /** every translation installed in memory with the cache tag it uses and the root frame it walks */
  installedTags(): InstalledTag[];
  /** the Machine wires a function: ATS invalidations for `sid` reach `ep` */
  wire(sid: number, ep: HwEndpoint): void;
  /** every translation the IOTLB holds */
  cachedLeaves(): HeldLeaf[];
  /** table frames the walk (paging-structure) caches point at */
  cachedTableFrames(): FrameRef[];
  /** table frames reachable from what is installed in memory (roots and the tables below them) */
  reachableTableFrames(): FrameRef[];
  /** a cache tag in words */
  describeTag(tag: number): string;
}
