// Hardware programs the explored tests share: a driver thread and a device thread over one unit.
import { configView, staleTranslations } from '../../src/hw/check/stale.js';
import { SZ_4K } from '../../src/hw/pgtable/format.js';
import { ptGatherInit } from '../../src/hw/pgtable/gather.js';
import type { IoPgtable } from '../../src/hw/pgtable/pgtable.js';
import { ptUnmap } from '../../src/hw/pgtable/unmap.js';
import type { SmmuCmd } from '../../src/hw/smmuv3/commands.js';
import { smmuCmdqIssue } from '../../src/hw/smmuv3/cmdq.js';
import { planEntryUpdate } from '../../src/hw/smmuv3/entry-update.js';
import { type Ste, steUpdateSafe, steUsed } from '../../src/hw/smmuv3/ste.js';
import { steInMemory, steWriteWord } from '../../src/hw/smmuv3/tables.js';
import { deviceDma, deviceDmaNow } from '../../src/hw/txn/device.js';
import type { HwEndpoint } from '../../src/hw/endpoint.js';
import type { HwIommu } from '../../src/hw/unit.js';
import type { DmaRequest } from '../../src/hw/txn/txn.js';
import type { DmaResult } from '../../src/hw/txn/txn.js';
import type { VtdDesc } from '../../src/hw/vtd/descriptors.js';
import { type PasidEntry, pasidFl, pasidSl } from '../../src/hw/vtd/entries.js';
import { qiSubmitSync } from '../../src/hw/vtd/qi.js';
import { pasidInMemory, pasidWriteWord } from '../../src/hw/vtd/tables.js';
import type { Gen } from '../../src/sync/index.js';
import type { HwProgram } from './hw.js';
import { buffer, installS1, mapNow, s1Table, type SmmuRig, smmuRig } from './smmu-rig.js';
import { flTable, setPasid, slTable, type VtdRig, vtdRig } from './vtd-rig.js';

/** how the device thread issues its DMA: step by step (txn/device.ts) or in one step (txn/atomic.ts) */
export type DmaFn = (unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest) => Gen<DmaResult>;

export function outcome(r: DmaResult): string {
  if (r.kind === 'ok') return `ok 0x${r.pa.toString(16)}`;
  if (r.kind === 'fault') return r.reason;
  return r.kind;
}

/** arm_smmu_write_ste() as a driver does it: the plan's batches, each followed by CFGI_STE + CMD_SYNC */
export function* writeSte(r: SmmuRig, target: Ste): Gen<string> {
  const plan = planEntryUpdate({ used: steUsed, safe: steUpdateSafe }, steInMemory(r.smmu, r.sid)!, target);
  for (const batch of plan.batches) {
    for (const w of batch) yield* steWriteWord(r.smmu, r.sid, w.word, w.value as Ste[number]);
    yield* smmuCmdqIssue(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]);
  }
  return plan.kind;
}

export interface SteWorld {
  readonly r: SmmuRig;
  readonly buf: number;
  readonly target: Ste;
}

/**
 * An S1 STE rewritten to `target` while the device DMAs to a mapped IOVA (the configuration cache
 * and TLB warm unless `cold`). The final state says whether the configuration cache ends up
 * disagreeing with memory (it must not: the last CFGI_STE + CMD_SYNC came after every write).
 */
export function steProgram(target: (r: SmmuRig) => Ste, cold = false, dma: DmaFn = deviceDma): HwProgram<SteWorld> {
  return {
    setup: () => {
      const r = smmuRig(5, { linear: true });
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      installS1(r, pt, 1);
      if (!cold) deviceDmaNow(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x10000, write: true });
      return { r, buf, target: target(r) };
    },
    threads: [(w) => writeSte(w.r, w.target), (w) => dma(
      w.r.smmu,
      w.r.ep,
      w.r.sid,
      { pasid: null, iova: 0x10000, write: true },
    )],
    final: (w, results) => {
      const d = outcome(results[1] as DmaResult);
      const stale = configView(
        w.r.smmu,
        w.r.sid,
        null,
      ).stale || w.r.smmu.cfg.get(w.r.sid)?.ste?.[1].eats !== steInMemory(w.r.smmu, w.r.sid)![1].eats;
      return `${results[0] as string}: ${d === `ok 0x${w.buf.toString(16)}` ? 'old' : d}${stale && w.r.smmu.cfg.get(w.r.sid) !== undefined ? ', stale configuration' : ''}`;
    },
  };
}

export interface UnmapWorld {
  readonly r: SmmuRig;
  readonly pt: IoPgtable;
  readonly buf: number;
}

/**
 * A strict unmap (PTE clear, then the driver's command batches, each with a CMD_SYNC) racing a DMA
 * to the page, whose translation the TLB (and with ATS the ATC) already holds.
 */
export function unmapProgram(
  batches: ReadonlyArray<readonly SmmuCmd[]>,
  ats = false,
  dma: DmaFn = deviceDma,
): HwProgram<UnmapWorld> {
  return {
    setup: () => {
      const r = smmuRig(5, { ats, linear: true });
      r.ep.atsEnabled = ats;
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      installS1(r, pt, 4, ats);
      deviceDmaNow(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x10000, write: true });
      return { r, pt, buf };
    },
    threads: [
      function* (w) {
        yield* ptUnmap(w.pt, 0x10000, SZ_4K, 1, ptGatherInit(), true);
        for (const b of batches) yield* smmuCmdqIssue(w.r.smmu, b);
      },
      function* (w) {
        const r = yield* dma(w.r.smmu, w.r.ep, w.r.sid, { pasid: null, iova: 0x10000, write: true });
        // read in the DMA's last step (it names the fence log): how many fences completed before it
        return { r: outcome(r), fences: w.r.smmu.fence.fences };
      },
    ],
    final: (w, results) => {
      const d = results[1] as { r: string; fences: number };
      const stale = staleTranslations(w.r.smmu, w.r.ep, w.r.sid, null, 0x10000, 0x10fff).length > 0;
      const when = d.fences === batches.length ? 'after the last sync' : d.fences === 0 ? 'before any sync' : `after ${d.fences} sync`;
      return `${when}: ${d.r === `ok 0x${w.buf.toString(16)}` ? 'old page' : d.r}${stale ? ', stale at the end' : ''}`;
    },
  };
}

export const tlbiPage: SmmuCmd = { op: 'TLBI_NH_VA', asid: 4, vmid: 0, addr: 0x10000, size: SZ_4K, leaf: true };
export const atcInvPage: SmmuCmd = { op: 'ATC_INV', sid: 5, ssid: null, addr: 0x10000, size: SZ_4K };

export interface PasidWorld {
  readonly r: VtdRig;
  readonly oldBuf: number;
  readonly newBuf: number;
  readonly target: PasidEntry;
}

/**
 * VT-d: the entry of PASID 1 (second level, DID 2) replaced by a first-level one (DID 3) while the
 * device DMAs with PASID 1: in place (the whole entry written over the present one, pre-2026), or
 * torn down (P cleared, PASID cache and IOTLB flushed) and set up again. `warm`: the unit's caches
 * hold the old entry and translation when the threads start.
 */
export function pasidProgram(inPlace: boolean, warm = false, dma: DmaFn = deviceDma): HwProgram<PasidWorld> {
  return {
    setup: () => {
      const r = vtdRig();
      const sl = slTable(r.mem, 'old');
      const fl = flTable(r.mem, 'new');
      const oldBuf = buffer(r.mem, 'old');
      const newBuf = buffer(r.mem, 'new');
      mapNow(sl, 0x10000, oldBuf);
      mapNow(fl, 0x10000, newBuf);
      setPasid(r, 1, pasidSl({ did: 2, root: sl.rootPa }));
      if (warm) deviceDmaNow(r.unit, r.ep, r.sid, { pasid: 1, iova: 0x10000, write: true });
      return { r, oldBuf, newBuf, target: pasidFl({ did: 3, root: fl.rootPa }) };
    },
    threads: [
      function* (w) {
        const { r, target } = w;
        const flushOld: VtdDesc[] = [
          { type: 'pc', scope: 'pasid', did: 2, pasid: 1 },
          { type: 'iotlb', scope: 'dsi', did: 2 },
        ];
        if (inPlace) {
          for (let i = 0; i < 3; i++) yield* pasidWriteWord(r.mem, r.dir, 1, i, target[i]!);
          yield* qiSubmitSync(r.unit, flushOld);
        } else {
          yield* pasidWriteWord(r.mem, r.dir, 1, 0, { ...pasidInMemory(r.mem, r.dir, 1)![0], p: false });
          yield* qiSubmitSync(r.unit, flushOld);
          for (const i of [1, 2, 0]) yield* pasidWriteWord(r.mem, r.dir, 1, i, target[i]!);
        }
      },
      (w) => dma(w.r.unit, w.r.ep, w.r.sid, { pasid: 1, iova: 0x10000, write: true }),
    ],
    final: (w, results) => {
      const d = outcome(results[1] as DmaResult);
      return d === `ok 0x${w.oldBuf.toString(16)}` ? 'old' : d === `ok 0x${w.newBuf.toString(16)}` ? 'new' : d;
    },
  };
}
