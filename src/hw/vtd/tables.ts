// Where a VT-d unit finds its entries (hardware.md §2.2, §2.3) and the writes a driver makes to
// them. The root table is one frame of 256 root entries; a context table is one frame of 256
// legacy entries, or in scalable mode of 128 (a lower table for devfn 0-127 and an upper one for
// 128-255); the PASID directory has 512 entries per frame and each PASID table 64 entries per
// frame (the leaf of pasid >> 6). Entries are slots of pages (smmuv3/tables.ts does the same).
import { ENOMEM, type Gen, hwStep, hwStepDone } from '../../sync/index.js';
import { allocPages, freePages, pageOwner, type PhysMemory } from '../memory/phys-memory.js';
import { formatSlots, type Slot, slotAt, slotField, slotValue } from '../memory/slots.js';
import { LEGACY_CTX_ZERO, PASID_DIR_ZERO, PASID_ZERO, type PasidDirEntry, type PasidEntry, ROOT_ZERO, type RootEntry, SM_CTX_ZERO } from './entries.js';
import type { LegacyCtx, SmCtx } from './entries.js';
import type { VtdUnit } from './vtd.js';

export const PASIDS_PER_FRAME = 64;
export const DIR_PER_FRAME = 512;

const slotOf = slotAt;

// ---- root and context tables

/** the root entry slot of `bus` */
export function rootSlot(unit: VtdUnit, bus: number): Slot {
  return slotOf(unit.mem, unit.rootTable!, bus, 256);
}

/** the context table address and presence for (bus, devfn) from a root entry */
export function ctxTableOf(unit: VtdUnit, re: RootEntry, devfn: number): { present: boolean; ctp: number } {
  if (unit.sm && devfn >= 128) return { present: re.up, ctp: re.uctp };
  return { present: re.lp, ctp: re.lctp };
}

export function ctxSlotIn(unit: VtdUnit, ctp: number, devfn: number): Slot {
  return unit.sm ? slotOf(unit.mem, ctp, devfn & 127, 128) : slotOf(unit.mem, ctp, devfn, 256);
}

/** where the context entry of `sid` (bus << 8 | devfn) is, as the driver computes it, or null */
export function ctxSlot(unit: VtdUnit, sid: number): Slot | null {
  if (unit.rootTable === null) return null;
  const re = slotValue<RootEntry>(rootSlot(unit, sid >>> 8));
  if (re === null) return null;
  const t = ctxTableOf(unit, re, sid & 255);
  return t.present ? ctxSlotIn(unit, t.ctp, sid & 255) : null;
}

export function ctxInMemory(unit: VtdUnit, sid: number): LegacyCtx | SmCtx | null {
  const s = ctxSlot(unit, sid);
  return s === null || s.page.format !== 'ctx' ? null : slotValue<LegacyCtx | SmCtx>(s);
}

/** the root table, programmed into RTADDR with the translation mode (setup: probe runs before DMA) */
export function rootTableInitNow(unit: VtdUnit, sm: boolean): void {
  const head = unit.mem.allocNow(0, pageOwner('iommu', `${unit.name} root table`));
  formatSlots(unit.mem, head, 1, 'root', 256, ROOT_ZERO);
  unit.rootTable = head * 4096;
  unit.sm = sm;
}

/** the root entry with the context table at frame `head` linked for `devfn` */
function linkCtx(unit: VtdUnit, re: RootEntry, devfn: number, head: number): RootEntry {
  return unit.sm && devfn >= 128 ? { ...re, up: true, uctp: head * 4096 } : { ...re, lp: true, lctp: head * 4096 };
}

function formatCtx(unit: VtdUnit, head: number): void {
  formatSlots(unit.mem, head, 1, 'ctx', unit.sm ? 128 : 256, unit.sm ? SM_CTX_ZERO : LEGACY_CTX_ZERO);
}

/** the context table holding (bus, devfn), allocated and linked from the root entry if missing. 0 or -ENOMEM */
export function* ctxTableAlloc(unit: VtdUnit, sid: number): Gen<number> {
  const rs = rootSlot(unit, sid >>> 8);
  const re = slotValue<RootEntry>(rs)!;
  const devfn = sid & 255;
  if (ctxTableOf(unit, re, devfn).present) return 0;
  const head = yield* allocPages(unit.mem, 0, pageOwner('iommu', `${unit.name} context table`));
  if (head === null) return -ENOMEM;
  formatCtx(unit, head);
  const site = yield* hwStep(rs.page, slotField(rs), 'write', 'iommu_context_addr');
  const cur = slotValue<RootEntry>(rs)!;
  rs.page.slots![rs.index] = linkCtx(unit, cur, devfn, head);
  hwStepDone(site);
  return 0;
}

export function ctxTableAllocNow(unit: VtdUnit, sid: number): void {
  const rs = rootSlot(unit, sid >>> 8);
  const re = slotValue<RootEntry>(rs)!;
  const devfn = sid & 255;
  if (ctxTableOf(unit, re, devfn).present) return;
  const head = unit.mem.allocNow(0, pageOwner('iommu', `${unit.name} context table`));
  formatCtx(unit, head);
  rs.page.slots![rs.index] = linkCtx(unit, re, devfn, head);
}

/** one word of `sid`'s context entry */
export function* ctxWriteWord(unit: VtdUnit, sid: number, word: number, value: LegacyCtx[number] | SmCtx[number]): Gen {
  const s = ctxSlot(unit, sid);
  if (s === null) throw new Error(`${unit.name}: no context table for sid 0x${sid.toString(16)}`);
  const site = yield* hwStep(s.page, slotField(s), 'write', `context_write_word${word}`);
  unit.knownSids.add(sid);
  const cur = [...slotValue<readonly object[]>(s)!];
  cur[word] = value;
  s.page.slots![s.index] = cur;
  hwStepDone(site);
}

export function ctxWriteNow(unit: VtdUnit, sid: number, ctx: LegacyCtx | SmCtx): void {
  const s = ctxSlot(unit, sid);
  if (s === null) throw new Error(`${unit.name}: no context table for sid 0x${sid.toString(16)}`);
  unit.knownSids.add(sid);
  s.page.slots![s.index] = ctx;
}

// ---- PASID directory and tables

/** entries of a PASID directory of size code `pdts` */
export function pasidDirEntries(pdts: number): number {
  return 2 ** (pdts + 7);
}

export function pasidDirSlot(mem: PhysMemory, dir: number, pasid: number): Slot {
  return slotOf(mem, dir, pasid >>> 6, DIR_PER_FRAME);
}

export function pasidSlotIn(mem: PhysMemory, table: number, pasid: number): Slot {
  return slotOf(mem, table, pasid & 63, PASIDS_PER_FRAME);
}

/** where `pasid`'s entry is under directory `dir`, as the driver computes it, or null (no leaf table) */
export function pasidSlot(mem: PhysMemory, dir: number, pasid: number): Slot | null {
  const d = slotValue<PasidDirEntry>(pasidDirSlot(mem, dir, pasid));
  return d === null || !d.p ? null : pasidSlotIn(mem, d.ptptr, pasid);
}

export function pasidInMemory(mem: PhysMemory, dir: number, pasid: number): PasidEntry | null {
  const s = pasidSlot(mem, dir, pasid);
  return s === null || s.page.format !== 'pasid' ? null : slotValue<PasidEntry>(s);
}

/** intel_pasid_alloc_table(): a directory for `maxPasids` PASIDs; its address and size code */
export function pasidDirAllocNow(mem: PhysMemory, maxPasids: number, tag: string): { dir: number; pdts: number } {
  const entries = Math.max(128, 2 ** Math.ceil(Math.log2(Math.max(1, maxPasids) / 64)));
  const frames = Math.max(1, Math.ceil(entries / DIR_PER_FRAME));
  const head = mem.allocNow(Math.ceil(Math.log2(frames)), pageOwner('iommu', tag));
  formatSlots(mem, head, frames, 'pasid-dir', DIR_PER_FRAME, PASID_DIR_ZERO);
  return { dir: head * 4096, pdts: Math.log2(entries) - 7 };
}

export function* pasidDirAlloc(mem: PhysMemory, maxPasids: number, tag: string): Gen<{ dir: number; pdts: number } | null> {
  const entries = Math.max(128, 2 ** Math.ceil(Math.log2(Math.max(1, maxPasids) / 64)));
  const frames = Math.max(1, Math.ceil(entries / DIR_PER_FRAME));
  const head = yield* allocPages(mem, Math.ceil(Math.log2(frames)), pageOwner('iommu', tag));
  if (head === null) return null;
  formatSlots(mem, head, frames, 'pasid-dir', DIR_PER_FRAME, PASID_DIR_ZERO);
  return { dir: head * 4096, pdts: Math.log2(entries) - 7 };
}

/**
 * intel_pasid_get_entry()'s leaf allocation: a PASID table for `pasid`, installed with a cmpxchg
 * on the directory entry (a loser frees its table). 0 or -ENOMEM.
 */
export function* pasidTableAllocLeaf(mem: PhysMemory, dir: number, pasid: number, tag: string): Gen<number> {
  const ds = pasidDirSlot(mem, dir, pasid);
  yield* hwStep(ds.page, slotField(ds), 'read', 'pasid_dir_load');
  if (slotValue<PasidDirEntry>(ds)?.p === true) return 0;
  const head = yield* allocPages(mem, 0, pageOwner('iommu', tag));
  if (head === null) return -ENOMEM;
  formatSlots(mem, head, 1, 'pasid', PASIDS_PER_FRAME, PASID_ZERO);
  const site = yield* hwStep(ds.page, slotField(ds), 'write', 'pasid_dir_cmpxchg');
  if (slotValue<PasidDirEntry>(ds)?.p === true) {
    yield* freePages(mem, head);
    return 0;
  }
  ds.page.slots![ds.index] = { p: true, fpd: false, ptptr: head * 4096 };
  hwStepDone(site);
  return 0;
}

export function pasidTableAllocLeafNow(mem: PhysMemory, dir: number, pasid: number, tag: string): void {
  const ds = pasidDirSlot(mem, dir, pasid);
  if (slotValue<PasidDirEntry>(ds)?.p === true) return;
  const head = mem.allocNow(0, pageOwner('iommu', tag));
  formatSlots(mem, head, 1, 'pasid', PASIDS_PER_FRAME, PASID_ZERO);
  ds.page.slots![ds.index] = { p: true, fpd: false, ptptr: head * 4096 };
}

/** one word of a PASID entry */
export function* pasidWriteWord(mem: PhysMemory, dir: number, pasid: number, word: number, value: PasidEntry[number]): Gen {
  const s = pasidSlot(mem, dir, pasid);
  if (s === null) throw new Error(`no PASID table for pasid ${pasid}`);
  const site = yield* hwStep(s.page, slotField(s), 'write', `pasid_write_word${word}`);
  const cur = [...slotValue<PasidEntry>(s)!] as unknown as PasidEntry[number][];
  cur[word] = value;
  s.page.slots![s.index] = cur as unknown as PasidEntry;
  hwStepDone(site);
}

export function pasidWriteNow(mem: PhysMemory, dir: number, pasid: number, e: PasidEntry): void {
  const s = pasidSlot(mem, dir, pasid);
  if (s === null) throw new Error(`no PASID table for pasid ${pasid}`);
  s.page.slots![s.index] = e;
}
