// The hardware models' own rates (no explorer): one DMA translation per call of the pure fast
// path, with the translation in the IOTLB (hit) or not (a full table walk: the probe, which
// fills nothing, so every call walks), per model and stage; plus the cost of a DMA as explorer
// steps (the device thread's generator under a real execution).
import { HwEndpoint } from '../src/hw/endpoint.js';
import { IOMMU_READ, IOMMU_WRITE } from '../src/hw/io-pgtable.js';
import { pageOwner, PhysMemory } from '../src/hw/memory/phys-memory.js';
import { armLpaeS1, armLpaeS2, SZ_4K, vtdSs, x86Fl } from '../src/hw/pgtable/format.js';
import { ptMap } from '../src/hw/pgtable/map.js';
import { type IoPgtable, ioPgtableNow, runNow } from '../src/hw/pgtable/pgtable.js';
import { cdS1 } from '../src/hw/smmuv3/cd.js';
import { Smmuv3 } from '../src/hw/smmuv3/smmu.js';
import { steCdTable, steS2 } from '../src/hw/smmuv3/ste.js';
import { smmuTransactFast } from '../src/hw/smmuv3/translate.js';
import { cdTableAllocNow, cdWriteNow, steWriteNow, strtabInitL2Now, strtabInitNow } from '../src/hw/smmuv3/tables.js';
import { dmaAccess } from '../src/hw/dma.js';
import { deviceDmaAtomic } from '../src/hw/txn/atomic.js';
import { deviceDma, deviceDmaNow } from '../src/hw/txn/device.js';
import type { Txn } from '../src/hw/txn/txn.js';
import type { HwIommu } from '../src/hw/unit.js';
import { pasidFl, pasidSl, smContext } from '../src/hw/vtd/entries.js';
import { ctxTableAllocNow, ctxWriteNow, pasidDirAllocNow, pasidTableAllocLeafNow, pasidWriteNow, rootTableInitNow } from '../src/hw/vtd/tables.js';
import { vtdTransactFast } from '../src/hw/vtd/translate.js';
import { VtdUnit } from '../src/hw/vtd/vtd.js';
import type { Gen } from '../src/sync/index.js';

/** pages the cases cycle over: the hit cases keep all of them in the IOTLB */
export const PAGES = 256;
const BASE = 0x40000000;
const RW = IOMMU_READ | IOMMU_WRITE;

export interface HwCase {
  readonly unit: string;
  readonly name: string;
  /** one call = one translation; `i` picks the page */
  readonly run: (i: number) => void;
}

function fill(pt: IoPgtable): void {
  for (let i = 0; i < PAGES; i++) {
    const pa = pt.mem.allocNow(0, pageOwner('dma', 'bench')) * SZ_4K;
    runNow(ptMap(pt, BASE + i * SZ_4K, pa, SZ_4K, 1, RW, false));
  }
}

function txn(sid: number, i: number, pasid: number | null = null): Txn {
  return { sid, pasid, iova: BASE + (i % PAGES) * SZ_4K + 0x10, write: (i & 1) === 1, at: 'untranslated' };
}

function expectOk(unit: HwIommu, t: Txn): void {
  const r = unit.transactNow(t);
  if (r.kind !== 'ok') throw new Error(`bench setup: ${unit.name} ${JSON.stringify(r)}`);
}

function smmu(): { smmu: Smmuv3; s1: IoPgtable; s2: IoPgtable } {
  const mem = new PhysMemory('mem', { frames: 1 << 20 });
  const smmu = new Smmuv3('smmu0', mem, { sidBits: 16 });
  strtabInitNow(smmu, '2lvl');
  strtabInitL2Now(smmu, 1);
  smmu.enabled = true;
  const s1 = ioPgtableNow(mem, armLpaeS1(), 's1');
  fill(s1);
  const cd = cdTableAllocNow(mem, 'linear', 0, 'cd');
  cdWriteNow(mem, { base: cd, fmt: 'linear', cdmax: 0 }, 0, cdS1({ asid: 1, ttb: s1.rootPa }));
  steWriteNow(smmu, 1, steCdTable({ ctxptr: cd, cdmax: 0 }));
  steWriteNow(smmu, 4, steCdTable({ ctxptr: cd, cdmax: 0, ats: true }));
  const s2 = ioPgtableNow(mem, armLpaeS2(), 's2');
  fill(s2);
  steWriteNow(smmu, 2, steS2({ vmid: 1, ttb: s2.rootPa }));
  for (let i = 0; i < PAGES; i++) {
    expectOk(smmu, txn(1, i));
    expectOk(smmu, txn(2, i));
  }
  return { smmu, s1, s2 };
}

function vtd(): VtdUnit {
  const mem = new PhysMemory('mem', { frames: 1 << 20 });
  const unit = new VtdUnit('dmar0', mem);
  rootTableInitNow(unit, true);
  ctxTableAllocNow(unit, 0x10);
  const { dir, pdts } = pasidDirAllocNow(mem, 1 << 20, 'pasid dir');
  ctxWriteNow(unit, 0x10, smContext({ pasiddirptr: dir, pdts }));
  unit.te = true;
  const sl = ioPgtableNow(mem, vtdSs(), 'sl');
  fill(sl);
  const fl = ioPgtableNow(mem, x86Fl(), 'fl');
  fill(fl);
  for (const [pasid, e] of [[0, pasidSl({ did: 2, root: sl.rootPa })], [1, pasidFl({ did: 3, root: fl.rootPa })]] as const) {
    pasidTableAllocLeafNow(mem, dir, pasid, 'pasid table');
    pasidWriteNow(mem, dir, pasid, e);
  }
  for (let i = 0; i < PAGES; i++) {
    expectOk(unit, txn(0x10, i));
    expectOk(unit, txn(0x10, i, 1));
  }
  return unit;
}

/** the cases, built (call inside an execution: hardware objects are KObjects) */
export function hwCases(): HwCase[] {
  const s = smmu();
  const v = vtd();
  // the walk cases: configuration cached, TLB empty, and the probe never fills it
  const sw = smmu();
  sw.smmu.tlb.invalidateAll();
  const vw = vtd();
  vw.tlb.invalidateAll();
  const plain = new HwEndpoint('fn');
  const ats = new HwEndpoint('ats fn');
  ats.atsCapable = true;
  ats.atsEnabled = true;
  s.smmu.wire(4, ats);
  const req = (i: number) => ({ pasid: null, iova: BASE + (i % PAGES) * SZ_4K, write: false });
  for (let i = 0; i < PAGES; i++) if (deviceDmaNow(s.smmu, ats, 4, req(i)).kind !== 'ok') throw new Error('bench setup: ATS');
  return [
    { unit: 'smmuv3', name: 'S1, IOTLB hit', run: (i) => s.smmu.transactNow(txn(1, i)) },
    { unit: 'smmuv3', name: 'S1, 4-level walk', run: (i) => smmuTransactFast(sw.smmu, txn(1, i), false) },
    { unit: 'smmuv3', name: 'S2, IOTLB hit', run: (i) => s.smmu.transactNow(txn(2, i)) },
    { unit: 'smmuv3', name: 'S2, 4-level walk', run: (i) => smmuTransactFast(sw.smmu, txn(2, i), false) },
    { unit: 'smmuv3', name: 'device DMA, S1, IOTLB hit', run: (i) => deviceDmaNow(s.smmu, plain, 1, req(i)) },
    { unit: 'smmuv3', name: 'device DMA, ATS, ATC hit', run: (i) => deviceDmaNow(s.smmu, ats, 4, req(i)) },
    { unit: 'vtd', name: 'second level, IOTLB hit', run: (i) => v.transactNow(txn(0x10, i)) },
    { unit: 'vtd', name: 'second level, 4-level walk', run: (i) => vtdTransactFast(vw, txn(0x10, i), false) },
    { unit: 'vtd', name: 'first level, IOTLB hit', run: (i) => v.transactNow(txn(0x10, i, 1)) },
    { unit: 'vtd', name: 'first level, 4-level walk', run: (i) => vtdTransactFast(vw, txn(0x10, i, 1), false) },
  ];
}

/** a device thread doing `n` DMAs (IOTLB hits) as explorer steps */
export function* steppedDmas(unit: HwIommu, ep: HwEndpoint, sid: number, n: number): Gen<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const r = yield* deviceDma(unit, ep, sid, { pasid: null, iova: BASE + (i % PAGES) * SZ_4K, write: false });
    if (r.kind === 'ok') ok++;
  }
  return ok;
}

/**
 * the same as one-step DMAs (txn/atomic.ts): `checked` through the scenario's DMA path (hw/dma.ts:
 * the step declares and runs the H1 checks, page owner and authority(D)), else the bare step
 */
export function* atomicDmas(unit: HwIommu, ep: HwEndpoint, sid: number, n: number, checked: boolean): Gen<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const iova = BASE + (i % PAGES) * SZ_4K;
    if (checked) {
      const r = yield* dmaAccess(unit, ep, sid, null, iova);
      if (r.kind === 'ok') ok++;
    } else {
      const r = yield* deviceDmaAtomic(unit, ep, sid, { pasid: null, iova, write: true });
      if (r.kind === 'ok') ok++;
    }
  }
  return ok;
}

/** the units of the stepped case: an SMMU with its S1 stream warm, and its function */
export function steppedSetup(): { unit: HwIommu; ep: HwEndpoint; sid: number } {
  return { unit: smmu().smmu, ep: new HwEndpoint('fn'), sid: 1 };
}
