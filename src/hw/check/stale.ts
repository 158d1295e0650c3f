// Checks of what the caches still translate (hardware.md §6 H2, H3, H7, H21): a DMA's view now
// (the function's ATC, the unit's configuration caches and TLB) against what memory says, for
// the devices and ranges an oracle names after an unmap or a detach returned; whether a tag
// still holds anything; whether an entry seen mid-update is a torn mixture.
import type { HwEndpoint } from '../endpoint.js';
import type { HwTranslation } from '../translation.js';
import { sameTranslation } from '../translation.js';
import { deviceDmaProbe } from '../txn/device.js';
import { dmaReads } from '../txn/atomic.js';
import { MODE_FRESH } from '../txn/mode.js';
import type { Access } from '../../sync/index.js';
import type { DmaResult } from '../txn/txn.js';
import type { HwIommu } from '../unit.js';
import { sameWord, type Words } from '../smmuv3/entry-update.js';

export interface StaleHit {
  readonly iova: number;
  readonly write: boolean;
  /** what a DMA gets now */
  readonly now: DmaResult;
  /** what the tables in memory give */
  readonly fresh: DmaResult;
}

function reached(r: DmaResult): number | null {
  return r.kind === 'ok' ? r.pa : null;
}

/**
 * H2/H3: the pages of [start, last] (at most `maxPages`) for which a DMA from `ep` would now reach
 * memory the tables no longer give it (a stale IOTLB, walk-cache, configuration-cache or ATC
 * entry). Reads and writes are both tried. Empty when every cache agrees with memory.
 */
export function staleTranslations(
  unit: HwIommu,
  ep: HwEndpoint,
  sid: number,
  pasid: number | null,
  start: number,
  last: number,
  maxPages = 4096,
): StaleHit[] {
  const out: StaleHit[] = [];
  const first = Math.floor(start / 4096);
  const end = Math.min(Math.floor(last / 4096), first + maxPages - 1);
  for (let p = first; p <= end; p++) {
    for (const write of [false, true]) {
      const iova = p * 4096;
      const now = deviceDmaProbe(unit, ep, sid, { pasid, iova, write });
      const pa = reached(now);
      if (pa === null) continue;
      const fresh = deviceDmaProbe(unit, ep, sid, { pasid, iova, write }, true);
      if (reached(fresh) !== pa) out.push({ iova, write, now, fresh });
    }
  }
  return out;
}

/**
 * What `staleTranslations()` with the same arguments reads, for a check that declares its reads:
 * per page and direction, what a DMA would look up now (the function, its ATC, the unit's caches,
 * entries and walk: txn/atomic.ts's `dmaReads()`) and what the fresh walk from memory reads.
 * Duplicates dropped. The set depends on the state: a caller re-reads it in the step it checks in.
 */
export function staleReads(
  unit: HwIommu,
  ep: HwEndpoint,
  sid: number,
  pasid: number | null,
  start: number,
  last: number,
  out: Access[],
  maxPages = 4096,
): Access[] {
  const seen = new Set<string>(out.map((a) => `${a.obj.oid}/${a.field}`));
  const add = (a: Access): void => {
    const k = `${a.obj.oid}/${a.field}`;
    if (seen.has(k)) return;
    seen.add(k);
    // a check only reads: what a DMA would fill is a read here
    out.push(a.write === true ? { obj: a.obj, field: a.field } : a);
  };
  const first = Math.floor(start / 4096);
  const end = Math.min(Math.floor(last / 4096), first + maxPages - 1);
  for (let p = first; p <= end; p++) {
    for (const write of [false, true]) {
      const iova = p * 4096;
      for (const a of dmaReads(unit, ep, sid, { pasid, iova, write }).reads) add(a);
      if (ep.inReset) continue;
      const reads: Access[] = [];
      unit.probeWith({ sid, pasid, iova, write, at: 'untranslated' }, { ...MODE_FRESH, reads });
      for (const a of reads) add(a);
    }
  }
  return out;
}

export function describeStale(unit: HwIommu, sid: number, pasid: number | null, h: StaleHit): string {
  const via = h.now.kind === 'ok' ? h.now.path.via : '';
  const fresh = h.fresh.kind === 'ok' ? `0x${h.fresh.pa.toString(16)}` : h.fresh.kind === 'fault' ? h.fresh.reason : h.fresh.kind;
  return `${unit.name} sid 0x${sid.toString(16)}${pasid === null ? '' : ` pasid ${pasid}`}: a DMA ${h.write ? 'write' : 'read'} to IOVA 0x${h.iova.toString(16)} still reaches 0x${(h.now as { pa: number }).pa.toString(16)} through the ${via === 'atc' ? 'ATC' : via === 'tlb' ? 'IOTLB' : `${via} path`}; the tables say ${fresh}`;
}

/** H21 / H6: does the unit's TLB hold anything under `tag`? */
export function tagHeld(unit: HwIommu, tag: number): boolean {
  return unit.cachedLeaves().some((h) => h.tag === tag);
}

/**
 * H7: what a DMA uses for (sid, pasid) now (cached configuration first) and what memory holds;
 * `stale` when they differ (legitimate only until the config invalidation's fence completes).
 */
export function configView(
  unit: HwIommu,
  sid: number,
  pasid: number | null,
): { installed: HwTranslation; effective: HwTranslation; stale: boolean } {
  const installed = unit.installed(sid, pasid);
  const effective = unit.effective(sid, pasid);
  return { installed, effective, stale: !sameTranslation(installed, effective) };
}

/**
 * H7: an entry as a fetch saw it in the middle of an update from `old` to `target` is torn when it
 * is valid and equals neither (each word is one of the two, the mixture is neither). `valid`
 * reads V (STE, CD) or P (context, PASID entry) of word 0.
 */
export function tornEntry(seen: Words, old: Words, target: Words): boolean {
  const same = (a: Words, b: Words): boolean => a.every((w, i) => sameWord(w, b[i]!));
  const w0 = seen[0] as Readonly<Record<string, unknown>>;
  const valid = w0.v === true || w0.p === true;
  return valid && !same(seen, old) && !same(seen, target);
}
