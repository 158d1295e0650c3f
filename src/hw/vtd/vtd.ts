// One VT-d remapping unit (DMAR) as hardware (hardware.md §2): its registers (TE, the root table
// address and translation mode), capabilities, caches (context cache by source-id, PASID cache by
// PASID, the IOTLB by DID and PASID), its invalidation queue, fault recording registers, the
// fence log in-flight DMAs consult, and its ports (which function a device-TLB invalidation for
// a source-id reaches). Knows nothing of the kernel.
import { FenceLog } from '../cache/fence-log.js';
import { type InstalledEntry, installedEntries } from '../installed-entries.js';
import { KeyedCache } from '../cache/keyed-cache.js';
import { Tlb } from '../cache/tlb.js';
import type { HwEndpoint } from '../endpoint.js';
import type { PhysMemory } from '../memory/phys-memory.js';
import { type PtFormat, SZ_1G, SZ_2M, SZ_4K, vtdSs, x86Fl } from '../pgtable/format.js';
import type { HwTranslation } from '../translation.js';
import { MODE_PROBE, MODE_STEPS, type TxnMode } from '../txn/mode.js';
import type { DmaCtx, DmaResult, Restart, Txn } from '../txn/txn.js';
import type { FrameRef, HeldLeaf, HwIommu, InstalledTag } from '../unit.js';
import { access, type Access, type Gen, hwStep, KObject } from '../../sync/index.js';
import { slotField, slotValue } from '../memory/slots.js';
import { ctxSlot, PASIDS_PER_FRAME, pasidDirSlot, pasidSlotIn } from './tables.js';
import type { LegacyCtx, PasidDirEntry, PasidEntry, SmCtx } from './entries.js';
import { VtdFaults } from './faults.js';
import { vtdEntryNames } from './names.js';
import { VtdQi } from './qi.js';
import { describeVtdTag, vtdTagDid } from './tags.js';
import { vtdTransact, vtdTransactFast, vtdTransactNow } from './translate.js';
import { vtdCachedFrames, vtdEffective, vtdInstalled, vtdInstalledPasids, vtdInstalledTags, vtdReachableFrames } from './view.js';

export interface VtdCaps {
  /** cap_ndoms: DIDs 0 .. ndoms - 1 (0 and 1 reserved) */
  readonly ndoms: number;
  /** caching mode: not-present entries may be cached */
  readonly cm: boolean;
  readonly rwbf: boolean;
  /** SLLPS: second-level large pages (SZ_2M | SZ_1G bits) */
  readonly sllps: number;
  readonly fl1gp: boolean;
  readonly flts: boolean;
  readonly slts: boolean;
  readonly nest: boolean;
  readonly passThrough: boolean;
  /** snoop control */
  readonly sc: boolean;
  /** device-TLB (ATS) */
  readonly devTlb: boolean;
  readonly pasid: boolean;
  readonly prs: boolean;
  readonly numFaultRegs: number;
  /** second-level levels supported (SAGAW) */
  readonly sagaw: readonly number[];
}

export const VTD_DEFAULT_CAPS: VtdCaps = {
  ndoms: 256,
  cm: false,
  rwbf: false,
  sllps: SZ_2M | SZ_1G,
  fl1gp: true,
  flts: true,
  slts: true,
  nest: true,
  passThrough: true,
  sc: true,
  devTlb: true,
  pasid: true,
  prs: true,
  numFaultRegs: 8,
  sagaw: [4, 5],
};

/** what the context cache holds for one source-id */
export interface VtdCtxLine {
  readonly ctx: LegacyCtx | SmCtx;
}

export class VtdUnit extends KObject implements HwIommu {
  readonly kind = 'vtd';
  readonly caps: VtdCaps;
  /** GSTS.TES */
  te = false;
  /** RTADDR */
  rootTable: number | null = null;
  /** RTADDR.TTM: scalable mode */
  sm = true;
  readonly ctxCache: KeyedCache<VtdCtxLine>;
  /** PASID -> (source-id -> entry; null: a cached not-present entry, caching mode) */
  readonly pasidCache: KeyedCache<ReadonlyMap<number, PasidEntry | null>>;
  readonly tlb: Tlb;
  readonly qi: VtdQi;
  readonly faults: VtdFaults;
  readonly fence: FenceLog;
  readonly ports = new Map<number, HwEndpoint>();
  /** source-ids whose context entry was ever written */
  readonly knownSids = new Set<number>();
  /**
   * the table formats its caps allow, by levels (fixed with the caps: made here, not on first use,
   * where the first DMA would write what another thread's domain allocation reads)
   */
  readonly formats: { readonly sl: PtFormat[]; readonly fl: PtFormat[] };

  constructor(
    readonly name: string,
    readonly mem: PhysMemory,
    caps: Partial<VtdCaps> = {},
  ) {
    super();
    this.caps = { ...VTD_DEFAULT_CAPS, ...caps };
    const f = { sl: [] as PtFormat[], fl: [] as PtFormat[] };
    for (let l = 3; l <= 5; l++) {
      f.sl[l] = vtdSs({ levels: l, pgsizeBitmap: SZ_4K | (this.caps.sllps & (SZ_2M | SZ_1G)) });
      f.fl[l] = x86Fl({ levels: l, pgsizeBitmap: SZ_4K | SZ_2M | (this.caps.fl1gp ? SZ_1G : 0) });
    }
    this.formats = f;
    this.ctxCache = new KeyedCache<VtdCtxLine>(`${name}.context_cache`);
    this.pasidCache = new KeyedCache<ReadonlyMap<number, PasidEntry | null>>(`${name}.pasid_cache`);
    this.tlb = new Tlb(`${name}.iotlb`, vtdTagDid);
    this.qi = new VtdQi(name);
    this.faults = new VtdFaults(name, this.caps.numFaultRegs);
    this.fence = new FenceLog(name);
  }

  override get label(): string {
    return this.name;
  }

  wire(sid: number, ep: HwEndpoint): void {
    this.ports.set(sid, ep);
  }

  installed(sid: number, pasid: number | null): HwTranslation {
    return vtdInstalled(this, sid, pasid);
  }

  installedPasids(sid: number): ReadonlyMap<number, HwTranslation> {
    return vtdInstalledPasids(this, sid);
  }

  all(): InstalledEntry[] {
    return installedEntries(this, this.knownSids);
  }

  effective(sid: number, pasid: number | null): HwTranslation {
    return vtdEffective(this, sid, pasid);
  }

  /**
   * TranslationUnit's one-step fetch (the mock's DMA path): reads the context cache line and the
   * context entry slot, gives what a DMA would use now. The unit's own DMA path is `transact`.
   */
  *dmaFetch(sid: number, pasid: number | null, also?: readonly Access[]): Gen<HwTranslation> {
    const s = ctxSlot(this, sid);
    const reads = [...(also ?? []), ...(s === null ? [] : [access(s.page, slotField(s))])];
    yield* hwStep(this.ctxCache, this.ctxCache.field(sid), 'dma', 'context_fetch', reads);
    return vtdEffective(this, sid, pasid);
  }

  /**
   * The slots deciding what `sid` translates through: its context entry and, through the PASID
   * directory that entry names (present or not: a driver may name it ahead), the first directory
   * entry and the 64 PASID entries of its first leaf table (PASIDs 0-63, RID_PASID among them).
   * Leaves of higher PASIDs, allocated later, are not named. Nothing before the root table exists.
   */
  entryReads(sid: number): readonly Access[] {
    const s = ctxSlot(this, sid);
    if (s === null) return [];
    const out: Access[] = [access(s.page, slotField(s))];
    const c = slotValue<SmCtx>(s);
    if (!this.sm || c === null || c[0].pasiddirptr === 0) return out;
    const ds = pasidDirSlot(this.mem, c[0].pasiddirptr, 0);
    out.push(access(ds.page, slotField(ds)));
    const de = slotValue<PasidDirEntry>(ds);
    if (de === null || !de.p) return out;
    for (let i = 0; i < PASIDS_PER_FRAME; i++) {
      const ps = pasidSlotIn(this.mem, de.ptptr, i);
      out.push(access(ps.page, slotField(ps)));
    }
    return out;
  }

  entryNames(sid: number, who: string): ReadonlyArray<readonly [string, string]> {
    return vtdEntryNames(this, sid, who);
  }

  transact(ctx: DmaCtx, txn: Txn): Gen<DmaResult | Restart> {
    return vtdTransact(this, ctx, txn, MODE_STEPS);
  }

  get records(): VtdFaults {
    return this.faults;
  }

  transactNow(txn: Txn): DmaResult {
    return vtdTransactFast(this, txn);
  }

  probeWith(txn: Txn, mode: TxnMode): DmaResult {
    return vtdTransactNow(this, txn, mode);
  }

  installedTags(): InstalledTag[] {
    return vtdInstalledTags(this);
  }

  probe(txn: Txn): DmaResult {
    return vtdTransactNow(this, txn, MODE_PROBE);
  }

  cachedLeaves(): HeldLeaf[] {
    return this.tlb.heldLeaves();
  }

  cachedTableFrames(): FrameRef[] {
    return vtdCachedFrames(this);
  }

  reachableTableFrames(): FrameRef[] {
    return vtdReachableFrames(this);
  }

  describeTag(tag: number): string {
    return describeVtdTag(tag);
  }
}
