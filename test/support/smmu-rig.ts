// An SMMUv3 rig for tests: memory, one SMMU with a 2-level stream table, a function wired at a
// StreamID, and helpers a driver would have: a paging domain's table with a CD, STE writes.
import { HwEndpoint } from '../../src/hw/endpoint.js';
import { IOMMU_READ, IOMMU_WRITE } from '../../src/hw/io-pgtable.js';
import { pageOwner, PhysMemory } from '../../src/hw/memory/phys-memory.js';
import { armLpaeS1, armLpaeS2, SZ_4K } from '../../src/hw/pgtable/format.js';
import { ptMap } from '../../src/hw/pgtable/map.js';
import { type IoPgtable, ioPgtableNow, runNow } from '../../src/hw/pgtable/pgtable.js';
import { cdS1 } from '../../src/hw/smmuv3/cd.js';
import { Smmuv3 } from '../../src/hw/smmuv3/smmu.js';
import { steCdTable, steS2, type Ste } from '../../src/hw/smmuv3/ste.js';
import { type CdTableReg, cdTableAllocNow, cdWriteNow, steWriteNow, strtabInitL2Now, strtabInitNow } from '../../src/hw/smmuv3/tables.js';

export const RW = IOMMU_READ | IOMMU_WRITE;

export interface SmmuRig {
  readonly mem: PhysMemory;
  readonly smmu: Smmuv3;
  readonly ep: HwEndpoint;
  readonly sid: number;
}

export function smmuRig(sid = 5, opts: { ats?: boolean; linear?: boolean } = {}): SmmuRig {
  const mem = new PhysMemory('mem', { frames: 1 << 18 });
  const smmu = new Smmuv3('smmu0', mem, { sidBits: opts.linear === true ? 6 : 12 });
  if (opts.linear === true) strtabInitNow(smmu, 'linear');
  else {
    strtabInitNow(smmu, '2lvl');
    strtabInitL2Now(smmu, sid);
  }
  smmu.enabled = true;
  const ep = new HwEndpoint('fn0');
  ep.atsCapable = opts.ats ?? false;
  smmu.wire(sid, ep);
  return { mem, smmu, ep, sid };
}

/** a data page owned by `tag`: its physical address */
export function buffer(mem: PhysMemory, tag = 'buf', kind: 'dma' | 'user' | 'kernel' = 'dma'): number {
  return mem.allocNow(0, pageOwner(kind, tag)) * 4096;
}

export function s1Table(mem: PhysMemory, tag = 'dom'): IoPgtable {
  return ioPgtableNow(mem, armLpaeS1(), tag);
}

export function s2Table(mem: PhysMemory, tag = 'dom'): IoPgtable {
  return ioPgtableNow(mem, armLpaeS2(), tag);
}

export function mapNow(pt: IoPgtable, iova: number, pa: number, size = SZ_4K, prot = RW): void {
  const r = runNow(ptMap(pt, iova, pa, size, 1, prot, false));
  if (r.ret !== 0) throw new Error(`map failed ${r.ret}`);
}

/** a linear CD table with CD0 (and more) pointing at `pt` under `asid`; returns the table */
export function cdTableWith(
  mem: PhysMemory,
  cds: ReadonlyArray<{ ssid: number; pt: IoPgtable; asid: number }>,
  cdmax = 0,
): CdTableReg {
  const base = cdTableAllocNow(mem, 'linear', cdmax, 'cdtab');
  const t: CdTableReg = { base, fmt: 'linear', cdmax };
  for (const c of cds) cdWriteNow(mem, t, c.ssid, cdS1({ asid: c.asid, ttb: c.pt.rootPa }));
  return t;
}

/** the STE of an S1 RID domain over `pt` (CD0, ASID `asid`) */
export function s1Ste(mem: PhysMemory, pt: IoPgtable, asid = 1, ats = false): { ste: Ste; cdt: CdTableReg } {
  const cdt = cdTableWith(mem, [{ ssid: 0, pt, asid }]);
  return { ste: steCdTable({ ctxptr: cdt.base, cdmax: 0, ats }), cdt };
}

export function installS1(r: SmmuRig, pt: IoPgtable, asid = 1, ats = false): CdTableReg {
  const { ste, cdt } = s1Ste(r.mem, pt, asid, ats);
  steWriteNow(r.smmu, r.sid, ste);
  return cdt;
}

export function installS2(r: SmmuRig, pt: IoPgtable, vmid = 3): void {
  steWriteNow(r.smmu, r.sid, steS2({ vmid, ttb: pt.rootPa }));
}
