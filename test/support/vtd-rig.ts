// A VT-d rig for tests: memory, one scalable-mode unit with translation on, a function at a
// source-id with its context entry and PASID directory, and a driver's helpers for PASID entries.
import { HwEndpoint } from '../../src/hw/endpoint.js';
import { PhysMemory } from '../../src/hw/memory/phys-memory.js';
import { vtdSs, x86Fl } from '../../src/hw/pgtable/format.js';
import { type IoPgtable, ioPgtableNow } from '../../src/hw/pgtable/pgtable.js';
import { type PasidEntry, smContext } from '../../src/hw/vtd/entries.js';
import { ctxTableAllocNow, ctxWriteNow, pasidDirAllocNow, pasidTableAllocLeafNow, pasidWriteNow, rootTableInitNow } from '../../src/hw/vtd/tables.js';
import { type VtdCaps, VtdUnit } from '../../src/hw/vtd/vtd.js';

export interface VtdRig {
  readonly mem: PhysMemory;
  readonly unit: VtdUnit;
  readonly ep: HwEndpoint;
  /** bus 0, device 2, function 0 */
  readonly sid: number;
  readonly dir: number;
  readonly pdts: number;
}

export function vtdRig(opts: { caps?: Partial<VtdCaps>; ats?: boolean; sid?: number } = {}): VtdRig {
  const mem = new PhysMemory('mem', { frames: 1 << 18 });
  const unit = new VtdUnit('dmar0', mem, opts.caps);
  rootTableInitNow(unit, true);
  const sid = opts.sid ?? 0x10;
  ctxTableAllocNow(unit, sid);
  const { dir, pdts } = pasidDirAllocNow(mem, 1 << 20, 'pasid dir');
  ctxWriteNow(unit, sid, smContext({ pasiddirptr: dir, pdts, dte: opts.ats ?? false }));
  unit.te = true;
  const ep = new HwEndpoint('fn0');
  ep.atsCapable = opts.ats ?? false;
  unit.wire(sid, ep);
  return { mem, unit, ep, sid, dir, pdts };
}

export function setPasid(r: VtdRig, pasid: number, e: PasidEntry): void {
  pasidTableAllocLeafNow(r.mem, r.dir, pasid, 'pasid table');
  pasidWriteNow(r.mem, r.dir, pasid, e);
}

export function flTable(mem: PhysMemory, tag = 'dom'): IoPgtable {
  return ioPgtableNow(mem, x86Fl(), tag);
}

export function slTable(mem: PhysMemory, tag = 'dom'): IoPgtable {
  return ioPgtableNow(mem, vtdSs(), tag);
}
