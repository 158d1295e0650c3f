// A simple IOMMU as hardware (kind "stream-table"): a stream table indexed by stream (requester)
// ID, each entry holding the RID translation and a PASID table. This is the mock IOMMU's hardware (hardware.md §5);
// SMMUv3 (STE + CD table) and VT-d (context + PASID entries) get their own structures behind the
// same `TranslationUnit` view.
import { type Access, access, dmaRead, type Gen, KObject } from '../sync/index.js';
import type { HwTranslation } from './translation.js';
import { HW_ABORT, HW_NONE } from './translation.js';
import type { TranslationUnit } from './unit.js';
import { Tlb } from './cache/tlb.js';

export class StreamEntry extends KObject {
  /** translation for requests without PASID */
  rid: HwTranslation = HW_NONE;
  /** PASID table: pasid -> translation (absent = not present = fault) */
  readonly pasids = new Map<number, HwTranslation>();

  constructor(readonly sid: number) {
    super();
  }

  override get label(): string {
    return `ste[${this.sid}]`;
  }
}

export class StreamTable extends KObject implements TranslationUnit {
  readonly kind = 'stream-table';
  readonly streams = new Map<number, StreamEntry>();
  /**
   * The IOTLB (hw/cache): leaf translations a walk filled, tagged by the IO page table walked (the
   * mock's stand-in for an ASID), kept until an invalidation removes them.
   */
  readonly tlb: Tlb;

  constructor(readonly name: string) {
    super();
    this.tlb = new Tlb(`${name}.iotlb`);
  }

  override get label(): string {
    return `${this.name}.strtab`;
  }

  /** the entry of `sid`, created empty on first use (the table is preallocated in hardware) */
  entry(sid: number): StreamEntry {
    let e = this.streams.get(sid);
    if (e === undefined) {
      e = new StreamEntry(sid);
      this.streams.set(sid, e);
    }
    return e;
  }

  entryReads(sid: number): readonly Access[] {
    const e = this.entry(sid);
    return [access(e, 'rid'), access(e, 'pasids')];
  }

  installed(sid: number, pasid: number | null): HwTranslation {
    const e = this.streams.get(sid);
    if (e === undefined) return HW_NONE;
    if (pasid === null) return e.rid;
    return e.pasids.get(pasid) ?? HW_ABORT;
  }

  installedPasids(sid: number): ReadonlyMap<number, HwTranslation> {
    return this.streams.get(sid)?.pasids ?? new Map();
  }

  /** the DMA's stream entry fetch (and PASID entry) */
  *dmaFetch(sid: number, pasid: number | null, also?: readonly Access[]): Gen<HwTranslation> {
    const ste = this.entry(sid);
    if (pasid === null) return yield* dmaRead(ste, 'rid', 'dma_issue+ste_fetch', also);
    const pasids = yield* dmaRead(ste, 'pasids', 'dma_issue+pasid_fetch', also);
    return pasids.get(pasid) ?? HW_ABORT;
  }

  all(): Array<{ sid: number; pasid: number | null; t: HwTranslation }> {
    const out: Array<{ sid: number; pasid: number | null; t: HwTranslation }> = [];
    for (const e of this.streams.values()) {
      out.push({ sid: e.sid, pasid: null, t: e.rid });
      for (const [p, t] of e.pasids) out.push({ sid: e.sid, pasid: p, t });
    }
    return out;
  }
}
