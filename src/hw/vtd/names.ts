// What a reader calls the VT-d locations a trace step names: a page slot holding a context, PASID
// directory or PASID entry (`page[0x13].e0`), the page holding a table, a cache line
// (`dmar0.context_cache.lines[16]`, `dmar0.pasid_cache.lines[1]`, `dmar0.iotlb.groups[2]`). Named for one source-id
// and `who`, the requester's name as the caller knows it; only what exists now is named.
import { type Slot, slotField, slotValue } from '../memory/slots.js';
import type { PasidDirEntry, PasidEntry, SmCtx } from './entries.js';
import { ctxSlot, DIR_PER_FRAME, PASIDS_PER_FRAME, pasidDirSlot, pasidSlotIn, rootSlot } from './tables.js';
import type { VtdUnit } from './vtd.js';

/** phrase (as a step prints it) -> name */
export type PhraseNames = Array<readonly [string, string]>;

const at = (s: Slot): string => `${s.page.label}.${slotField(s)}`;

/** the names of what decides `sid`'s translation on `unit`, for requester `who` */
export function vtdEntryNames(unit: VtdUnit, sid: number, who: string): PhraseNames {
  const out: PhraseNames = [];
  if (unit.rootTable === null) return out;
  const bus = sid >>> 8;
  const rs = rootSlot(unit, bus);
  out.push([rs.page.label, `${unit.name}.root_table`], [at(rs), `${unit.name}.root_entry[bus ${bus}]`]);
  const cs = ctxSlot(unit, sid);
  if (cs === null) return out;
  out.push([cs.page.label, `${unit.name}.context_table[bus ${bus}]`], [at(cs), `context_entry(${who})`]);
  out.push([`${unit.ctxCache.label}.${unit.ctxCache.field(sid)}`, `${unit.ctxCache.label}(${who})`]);
  const c = slotValue<SmCtx>(cs);
  if (!unit.sm || c === null || c[0].pasiddirptr === 0) return out;
  const dir = c[0].pasiddirptr;
  out.push([pasidDirSlot(unit.mem, dir, 0).page.label, `pasid_dir(${who})`]);
  const dids = new Set<number>();
  for (let i = 0; i < DIR_PER_FRAME; i++) {
    const ds = pasidDirSlot(unit.mem, dir, i * PASIDS_PER_FRAME);
    const de = slotValue<PasidDirEntry>(ds);
    if (de === null || !de.p) continue;
    const first = i * PASIDS_PER_FRAME;
    out.push([at(ds), `pasid_dir[${first}..${first + PASIDS_PER_FRAME - 1}](${who})`]);
    out.push([pasidSlotIn(unit.mem, de.ptptr, 0).page.label, `pasid_table[${first}..${first + PASIDS_PER_FRAME - 1}](${who})`]);
    for (let j = 0; j < PASIDS_PER_FRAME; j++) {
      const ps = pasidSlotIn(unit.mem, de.ptptr, j);
      const pe = slotValue<PasidEntry>(ps);
      // a formatted slot never written says nothing
      if (pe === null || (!pe[0].p && pe[0].pgtt === 0 && pe[1].did === 0)) continue;
      const pasid = first + j;
      out.push([at(ps), `pasid_entry[${pasid}](${who})`]);
      out.push([`${unit.pasidCache.label}.${unit.pasidCache.field(pasid)}`, `${unit.pasidCache.label}(pasid ${pasid})`]);
      if (pe[0].p) dids.add(pe[1].did);
    }
  }
  for (const did of dids) out.push([`${unit.tlb.label}.${unit.tlb.field(did * 2 ** 22)}`, `${unit.tlb.label}(did ${did})`]);
  return out;
}
