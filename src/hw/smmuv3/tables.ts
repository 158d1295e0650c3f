// Where the SMMU finds STEs and CDs in memory (hardware.md §1.1-§1.3), and the writes a driver
// makes to them. Tables are pages of slots: 64 STEs or 64 CDs per 4 KiB frame, 512 L1
// descriptors per frame. A linear table is contiguous frames; a 2-level stream table has L2
// tables of 256 STEs (STRTAB_SPLIT 8, 4 frames), a 2-level CD table leaves of 1024 CDs (16
// frames). The SMMU reads one slot per step; a driver writes one 64-bit word of an STE or CD per
// step (entry-update.ts decides the order). Only frame layout is modelled, not byte encodings.
import { ENOMEM, type Gen, hwStep, hwStepDone } from '../../sync/index.js';
import { allocPages, pageOwner, type PhysMemory } from '../memory/phys-memory.js';
import { formatSlots, type Slot, slotAt, slotField, slotValue } from '../memory/slots.js';
import { CD_ZERO, type Cd } from './cd.js';
import type { Smmuv3 } from './smmu.js';
import { STE_ABORT, type Ste, type TableFmt } from './ste.js';

export const STES_PER_FRAME = 64;
export const CDS_PER_FRAME = 64;
export const DESCS_PER_FRAME = 512;
export const STRTAB_SPLIT = 8;
export const CTXDESC_SPLIT = 10;

/** an L1 descriptor of a 2-level stream or CD table: span 0 = invalid */
export interface L1Desc {
  readonly span: number;
  readonly l2ptr: number;
}

export const L1_INVALID: L1Desc = { span: 0, l2ptr: 0 };

// ---- stream table

/** STRTAB_BASE / STRTAB_BASE_CFG */
export interface StrtabReg {
  readonly base: number;
  readonly fmt: TableFmt;
  /** log2 of the number of StreamIDs covered */
  readonly log2size: number;
}

/** the L1 descriptor slot of `sid` in a 2-level stream table */
export function strtabL1Slot(mem: PhysMemory, reg: StrtabReg, sid: number): Slot {
  return slotAt(mem, reg.base, sid >>> STRTAB_SPLIT, DESCS_PER_FRAME);
}

/** the STE slot of `sid`: in the linear table, or in the L2 table at `l2ptr` */
export function strtabSteSlot(mem: PhysMemory, reg: StrtabReg, sid: number, l2ptr: number): Slot {
  if (reg.fmt === 'linear') return slotAt(mem, reg.base, sid, STES_PER_FRAME);
  return slotAt(mem, l2ptr, sid & ((1 << STRTAB_SPLIT) - 1), STES_PER_FRAME);
}

/** where `sid`'s STE is now, as the driver computes it (no step: the driver reads its own pointers), or null */
export function steSlot(smmu: Smmuv3, sid: number): Slot | null {
  const reg = smmu.strtab;
  if (reg === null || sid >= 2 ** reg.log2size) return null;
  if (reg.fmt === 'linear') return strtabSteSlot(smmu.mem, reg, sid, 0);
  const d = slotValue<L1Desc>(strtabL1Slot(smmu.mem, reg, sid));
  return d === null || d.span === 0 ? null : strtabSteSlot(smmu.mem, reg, sid, d.l2ptr);
}

/** the STE of `sid` in memory (V=0 when there is none) */
export function steInMemory(smmu: Smmuv3, sid: number): Ste | null {
  const s = steSlot(smmu, sid);
  return s === null ? null : slotValue<Ste>(s);
}

/**
 * arm_smmu_init_strtab() at probe: allocate the stream table, every STE abort (linear) or every L1
 * descriptor invalid (2-level), and program STRTAB_BASE. Setup time (probe runs before any DMA).
 */
export function strtabInitNow(smmu: Smmuv3, fmt: TableFmt, log2size = smmu.opts.sidBits): void {
  const mem = smmu.mem;
  const owner = pageOwner('iommu', `${smmu.name} stream table`);
  if (fmt === 'linear') {
    const frames = Math.max(1, Math.ceil(2 ** log2size / STES_PER_FRAME));
    const head = mem.allocNow(Math.ceil(Math.log2(frames)), owner);
    formatSlots(mem, head, frames, 'ste', STES_PER_FRAME, STE_ABORT);
    smmu.strtab = { base: head * 4096, fmt, log2size };
  } else {
    const descs = Math.max(1, 2 ** Math.max(0, log2size - STRTAB_SPLIT));
    const frames = Math.max(1, Math.ceil(descs / DESCS_PER_FRAME));
    const head = mem.allocNow(Math.ceil(Math.log2(frames)), owner);
    formatSlots(mem, head, frames, 'l1', DESCS_PER_FRAME, L1_INVALID);
    smmu.strtab = { base: head * 4096, fmt, log2size };
  }
}

const L2_STES = 1 << STRTAB_SPLIT;
const L2_ORDER = Math.log2(L2_STES / STES_PER_FRAME);

/** arm_smmu_init_l2_strtab(): an L2 table of abort STEs for `sid`'s range, then its L1 descriptor. 0 or -ENOMEM */
export function* strtabInitL2(smmu: Smmuv3, sid: number): Gen<number> {
  const reg = smmu.strtab!;
  const l1 = strtabL1Slot(smmu.mem, reg, sid);
  if ((slotValue<L1Desc>(l1)?.span ?? 0) !== 0) return 0;
  const head = yield* allocPages(smmu.mem, L2_ORDER, pageOwner('iommu', `${smmu.name} l2 strtab`));
  if (head === null) return -ENOMEM;
  formatSlots(smmu.mem, head, 1 << L2_ORDER, 'ste', STES_PER_FRAME, STE_ABORT);
  const site = yield* hwStep(l1.page, slotField(l1), 'write', 'arm_smmu_write_strtab_l1_desc');
  l1.page.slots![l1.index] = { span: STRTAB_SPLIT + 1, l2ptr: head * 4096 };
  hwStepDone(site);
  return 0;
}

export function strtabInitL2Now(smmu: Smmuv3, sid: number): void {
  const reg = smmu.strtab!;
  const l1 = strtabL1Slot(smmu.mem, reg, sid);
  if ((slotValue<L1Desc>(l1)?.span ?? 0) !== 0) return;
  const head = smmu.mem.allocNow(L2_ORDER, pageOwner('iommu', `${smmu.name} l2 strtab`));
  formatSlots(smmu.mem, head, 1 << L2_ORDER, 'ste', STES_PER_FRAME, STE_ABORT);
  l1.page.slots![l1.index] = { span: STRTAB_SPLIT + 1, l2ptr: head * 4096 };
}

/** one 64-bit word of `sid`'s STE written (a step the SMMU may fetch around) */
export function* steWriteWord(smmu: Smmuv3, sid: number, word: number, value: Ste[number]): Gen {
  const s = steSlot(smmu, sid);
  if (s === null) throw new Error(`${smmu.name}: no STE for sid ${sid}`);
  const site = yield* hwStep(s.page, slotField(s), 'write', `ste_write_qword${word}`);
  smmu.knownSids.add(sid);
  const cur = [...slotValue<Ste>(s)!] as unknown as Ste[number][];
  cur[word] = value;
  s.page.slots![s.index] = cur as unknown as Ste;
  hwStepDone(site);
}

/** a whole STE at setup time */
export function steWriteNow(smmu: Smmuv3, sid: number, ste: Ste): void {
  const s = steSlot(smmu, sid);
  if (s === null) throw new Error(`${smmu.name}: no STE for sid ${sid}`);
  smmu.knownSids.add(sid);
  s.page.slots![s.index] = ste;
}

// ---- CD tables

export interface CdTableReg {
  /** S1ContextPtr */
  readonly base: number;
  readonly fmt: TableFmt;
  readonly cdmax: number;
}

const CD_L2_ENTRIES = 1 << CTXDESC_SPLIT;
const CD_L2_ORDER = Math.log2(CD_L2_ENTRIES / CDS_PER_FRAME);

/** the L1 descriptor slot of `ssid` in a 2-level CD table at `base` */
export function cdL1Slot(mem: PhysMemory, base: number, ssid: number): Slot {
  return slotAt(mem, base, ssid >>> CTXDESC_SPLIT, DESCS_PER_FRAME);
}

/** the CD slot of `ssid`: in the linear table at `base`, or in the leaf at `l2ptr` */
export function cdSlotAt(mem: PhysMemory, fmt: TableFmt, base: number, ssid: number, l2ptr: number): Slot {
  if (fmt === 'linear') return slotAt(mem, base, ssid, CDS_PER_FRAME);
  return slotAt(mem, l2ptr, ssid & (CD_L2_ENTRIES - 1), CDS_PER_FRAME);
}

/** where `ssid`'s CD is now, as the driver computes it, or null (no leaf yet) */
export function cdSlot(mem: PhysMemory, t: CdTableReg, ssid: number): Slot | null {
  if (ssid >= 2 ** t.cdmax) return null;
  if (t.fmt === 'linear') return cdSlotAt(mem, 'linear', t.base, ssid, 0);
  const d = slotValue<L1Desc>(cdL1Slot(mem, t.base, ssid));
  return d === null || d.span === 0 ? null : cdSlotAt(mem, '2lvl', t.base, ssid, d.l2ptr);
}

function cdTableFrames(t: { fmt: TableFmt; cdmax: number }): { frames: number; perFrame: number; format: string; fill: unknown } {
  const n = 2 ** t.cdmax;
  if (t.fmt === 'linear') return { frames: Math.max(1, Math.ceil(n / CDS_PER_FRAME)), perFrame: CDS_PER_FRAME, format: 'cd', fill: CD_ZERO };
  return { frames: Math.max(1, Math.ceil(Math.ceil(n / CD_L2_ENTRIES) / DESCS_PER_FRAME)), perFrame: DESCS_PER_FRAME, format: 'l1', fill: L1_INVALID };
}

/** arm_smmu_alloc_cd_tables(): a linear table of invalid CDs or an L1 of invalid descriptors. The base PA, or null */
export function* cdTableAlloc(mem: PhysMemory, fmt: TableFmt, cdmax: number, tag: string): Gen<number | null> {
  const f = cdTableFrames({ fmt, cdmax });
  const head = yield* allocPages(mem, Math.ceil(Math.log2(f.frames)), pageOwner('iommu', tag));
  if (head === null) return null;
  formatSlots(mem, head, f.frames, f.format, f.perFrame, f.fill);
  return head * 4096;
}

export function cdTableAllocNow(mem: PhysMemory, fmt: TableFmt, cdmax: number, tag: string, kind: 'iommu' | 'user' = 'iommu'): number {
  const f = cdTableFrames({ fmt, cdmax });
  const head = mem.allocNow(Math.ceil(Math.log2(f.frames)), pageOwner(kind, tag));
  formatSlots(mem, head, f.frames, f.format, f.perFrame, f.fill);
  return head * 4096;
}

/** a 2-level CD table's leaf for `ssid` (arm_smmu_alloc_cd_ptr), L1 descriptor written. 0 or -ENOMEM */
export function* cdTableAllocLeaf(mem: PhysMemory, t: CdTableReg, ssid: number, tag: string): Gen<number> {
  const l1 = cdL1Slot(mem, t.base, ssid);
  if ((slotValue<L1Desc>(l1)?.span ?? 0) !== 0) return 0;
  const head = yield* allocPages(mem, CD_L2_ORDER, pageOwner('iommu', tag));
  if (head === null) return -ENOMEM;
  formatSlots(mem, head, 1 << CD_L2_ORDER, 'cd', CDS_PER_FRAME, CD_ZERO);
  const site = yield* hwStep(l1.page, slotField(l1), 'write', 'arm_smmu_write_cd_l1_desc');
  l1.page.slots![l1.index] = { span: 1, l2ptr: head * 4096 };
  hwStepDone(site);
  return 0;
}

export function cdTableAllocLeafNow(mem: PhysMemory, t: CdTableReg, ssid: number, tag: string, kind: 'iommu' | 'user' = 'iommu'): void {
  const l1 = cdL1Slot(mem, t.base, ssid);
  if ((slotValue<L1Desc>(l1)?.span ?? 0) !== 0) return;
  const head = mem.allocNow(CD_L2_ORDER, pageOwner(kind, tag));
  formatSlots(mem, head, 1 << CD_L2_ORDER, 'cd', CDS_PER_FRAME, CD_ZERO);
  l1.page.slots![l1.index] = { span: 1, l2ptr: head * 4096 };
}

/** one word of a CD written */
export function* cdWriteWord(mem: PhysMemory, t: CdTableReg, ssid: number, word: number, value: Cd[number]): Gen {
  const s = cdSlot(mem, t, ssid);
  if (s === null) throw new Error(`no CD slot for ssid ${ssid}`);
  const site = yield* hwStep(s.page, slotField(s), 'write', `cd_write_qword${word}`);
  const cur = [...slotValue<Cd>(s)!] as unknown as Cd[number][];
  cur[word] = value;
  s.page.slots![s.index] = cur as unknown as Cd;
  hwStepDone(site);
}

export function cdWriteNow(mem: PhysMemory, t: CdTableReg, ssid: number, cd: Cd): void {
  const s = cdSlot(mem, t, ssid);
  if (s === null) throw new Error(`no CD slot for ssid ${ssid}`);
  s.page.slots![s.index] = cd;
}
