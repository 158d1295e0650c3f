// One SMMUv3 instance as hardware (hardware.md §1): its registers (SMMUEN, GBPA, the stream table
// base), the caches it keeps (configuration cache of STEs and CDs per StreamID, the TLB tagged by
// ASID/VMID), its command and event queues, the fence log in-flight DMAs consult, and its ports:
// which PCI function answers ATS invalidations for a StreamID (the Machine wires them).
// Knows nothing of the kernel: a driver reaches it through memory (tables.ts), commands (cmdq.ts)
// and register writes.
import { FenceLog } from '../cache/fence-log.js';
import { type InstalledEntry, installedEntries } from '../installed-entries.js';
import { KeyedCache } from '../cache/keyed-cache.js';
import { Tlb } from '../cache/tlb.js';
import type { HwEndpoint } from '../endpoint.js';
import type { PhysMemory } from '../memory/phys-memory.js';
import type { PtFormat } from '../pgtable/format.js';
import type { HwTranslation } from '../translation.js';
import type { DmaCtx, DmaResult, Restart, Txn } from '../txn/txn.js';
import { MODE_PROBE, MODE_STEPS, type TxnMode } from '../txn/mode.js';
import type { FrameRef, HeldLeaf, HwIommu, InstalledTag } from '../unit.js';
import { access, type Access, type Gen, hwStep, KObject } from '../../sync/index.js';
import { slotField, slotValue } from '../memory/slots.js';
import type { Cd } from './cd.js';
import { SmmuCmdq } from './cmdq.js';
import { SmmuEvtq } from './events.js';
import { STE_CFG_S1, type Ste } from './ste.js';
import type { StrtabReg } from './tables.js';
import { CDS_PER_FRAME, steInMemory, steSlot } from './tables.js';
import { describeSmmuTag } from './tags.js';
import { smmuTransact, smmuTransactFast, smmuTransactNow } from './translate.js';
import { cdsInMemory, smmuCachedFrames, smmuDecode, smmuEffective, smmuInstalled, smmuInstalledTags, smmuReachableFrames } from './view.js';

export interface SmmuFeatures {
  readonly twoLvlStrtab: boolean;
  readonly twoLvlCdtab: boolean;
  readonly ats: boolean;
  readonly stalls: boolean;
  readonly transS1: boolean;
  readonly transS2: boolean;
  readonly nesting: boolean;
  readonly rangeInv: boolean;
  /** EL2 host mode: host S1 STEs use STRW=EL2 and the TLBI_EL2_* commands */
  readonly e2h: boolean;
  readonly sva: boolean;
  readonly s2fwb: boolean;
  readonly hd: boolean;
  readonly coherent: boolean;
}

export const SMMU_DEFAULT_FEATURES: SmmuFeatures = {
  twoLvlStrtab: true,
  twoLvlCdtab: true,
  ats: true,
  stalls: false,
  transS1: true,
  transS2: true,
  nesting: true,
  rangeInv: true,
  e2h: false,
  sva: true,
  s2fwb: true,
  hd: false,
  coherent: true,
};

export interface SmmuOptions {
  readonly sidBits: number;
  readonly ssidBits: number;
  /** 8 or 16 */
  readonly asidBits: number;
  readonly vmidBits: number;
  readonly ias: number;
  readonly oas: number;
  readonly evtqSize: number;
  readonly features: SmmuFeatures;
}

export const SMMU_DEFAULTS: SmmuOptions = {
  sidBits: 16,
  ssidBits: 20,
  asidBits: 16,
  vmidBits: 16,
  ias: 48,
  oas: 48,
  evtqSize: 64,
  features: SMMU_DEFAULT_FEATURES,
};

/** what the configuration cache holds for one StreamID: its STE and the CDs fetched through it */
export interface CfgLine {
  readonly ste: Ste | null;
  readonly cds: ReadonlyMap<number, Cd>;
  /** the fast path's derived view of this line, per PASID (-1: none); derived data, not hardware state */
  readonly memo?: Map<number, FastDesc | null>;
}

/** what a translation through a cached STE (and CD) needs: the tag, the format, the root and the input limit */
export interface FastDesc {
  readonly tag: number;
  readonly fmt: PtFormat;
  readonly root: number;
  readonly limit: number;
}

export class Smmuv3 extends KObject implements HwIommu {
  readonly kind = 'smmuv3';
  readonly opts: SmmuOptions;
  /** CR0.SMMUEN */
  enabled = false;
  /** GBPA.ABORT: what happens to every transaction while SMMUEN is 0 */
  gbpaAbort = true;
  /** STRTAB_BASE + STRTAB_BASE_CFG */
  strtab: StrtabReg | null = null;
  readonly cfg: KeyedCache<CfgLine>;
  readonly tlb: Tlb;
  readonly cmdq: SmmuCmdq;
  readonly evtq: SmmuEvtq;
  readonly fence: FenceLog;
  /** StreamID -> the function ATS invalidations for it reach */
  readonly ports = new Map<number, HwEndpoint>();
  /** StreamIDs whose STE was ever written (what all() and the frame scans visit) */
  readonly knownSids = new Set<number>();

  constructor(
    readonly name: string,
    readonly mem: PhysMemory,
    opts: Partial<Omit<SmmuOptions, 'features'>> & { features?: Partial<SmmuFeatures> } = {},
  ) {
    super();
    this.opts = { ...SMMU_DEFAULTS, ...opts, features: { ...SMMU_DEFAULT_FEATURES, ...opts.features } };
    this.cfg = new KeyedCache<CfgLine>(`${name}.cfg_cache`);
    this.tlb = new Tlb(`${name}.tlb`);
    this.cmdq = new SmmuCmdq(name);
    this.evtq = new SmmuEvtq(name, this.opts.evtqSize);
    this.fence = new FenceLog(name);
  }

  override get label(): string {
    return this.name;
  }

  /** the Machine wires a function to a StreamID (ATS invalidations for `sid` reach `ep`) */
  wire(sid: number, ep: HwEndpoint): void {
    this.ports.set(sid, ep);
  }

  installed(sid: number, pasid: number | null): HwTranslation {
    return smmuInstalled(this, sid, pasid);
  }

  installedPasids(sid: number): ReadonlyMap<number, HwTranslation> {
    const ste = steInMemory(this, sid);
    const out = new Map<number, HwTranslation>();
    if (ste === null) return out;
    for (const [ssid, cd] of cdsInMemory(this, ste)) {
      const t = smmuDecode(this, ste, (s) => (s === ssid ? cd : null), ssid);
      if (t.kind !== 'abort') out.set(ssid, t);
    }
    return out;
  }

  all(): InstalledEntry[] {
    return installedEntries(this, this.knownSids);
  }

  effective(sid: number, pasid: number | null): HwTranslation {
    return smmuEffective(this, sid, pasid);
  }

  /**
   * TranslationUnit's one-step fetch (the mock's DMA path): reads the configuration cache line
   * and the STE slot, gives what a DMA would use now. The SMMU's own DMA path is `transact`
   * (txn/device.ts), step by step.
   */
  *dmaFetch(sid: number, pasid: number | null, also?: readonly Access[]): Gen<HwTranslation> {
    const s = steSlot(this, sid);
    const reads = [...(also ?? []), ...(s === null ? [] : [access(s.page, slotField(s))])];
    yield* hwStep(this.cfg, this.cfg.field(sid), 'dma', 'ste_fetch', reads);
    return smmuEffective(this, sid, pasid);
  }

  /**
   * The STE slot of `sid` (page and slot field) and, when that STE points at a CD table now, the
   * pages of that table (whole pages: the L1 of a 2-level one, every frame of a linear one). Empty
   * before the driver programmed STRTAB_BASE. The STE slot is fixed once the stream table exists;
   * the CD table comes and goes with the driver's attachments.
   */
  entryReads(sid: number): readonly Access[] {
    const s = steSlot(this, sid);
    if (s === null) return [];
    const out: Access[] = [access(s.page, slotField(s))];
    const ste = slotValue<Ste>(s);
    if (ste !== null && ste[0].v && ste[0].config === STE_CFG_S1 && ste[0].s1ctxptr !== 0) {
      const frames = ste[0].s1fmt === '2lvl' ? 1 : Math.max(1, Math.ceil(2 ** ste[0].s1cdmax / CDS_PER_FRAME));
      const head = Math.floor(ste[0].s1ctxptr / 4096);
      for (let f = 0; f < frames; f++) out.push(access(this.mem.page(head + f), null));
    }
    return out;
  }

  transact(ctx: DmaCtx, txn: Txn): Gen<DmaResult | Restart> {
    return smmuTransact(this, ctx, txn, MODE_STEPS);
  }

  get records(): SmmuEvtq {
    return this.evtq;
  }

  transactNow(txn: Txn): DmaResult {
    return smmuTransactFast(this, txn);
  }

  probeWith(txn: Txn, mode: TxnMode): DmaResult {
    return smmuTransactNow(this, txn, mode);
  }

  installedTags(): InstalledTag[] {
    return smmuInstalledTags(this);
  }

  probe(txn: Txn): DmaResult {
    return smmuTransactNow(this, txn, MODE_PROBE);
  }

  cachedLeaves(): HeldLeaf[] {
    return this.tlb.heldLeaves();
  }

  cachedTableFrames(): FrameRef[] {
    return smmuCachedFrames(this);
  }

  reachableTableFrames(): FrameRef[] {
    return smmuReachableFrames(this);
  }

  describeTag(tag: number): string {
    return describeSmmuTag(tag);
  }
}
