// How the driver writes STEs and CDs that may be live (hardware.md §1.3, §1.4): the used-bits
// plan of arm_smmu_write_entry() (hitless or breaking), one 64-bit word per step, each batch
// followed by the entry's sync (CFGI_STE or CFGI_CD for every stream, then CMD_SYNC); the CD
// table's lazy allocation, used_ssids, and in_ste / ste_ats_enabled kept with the STE.
import { cdUpdateSafe, cdUsed, CD_ZERO, type Cd } from '../../hw/smmuv3/cd.js';
import { smmuCmdqIssue } from '../../hw/smmuv3/cmdq.js';
import type { SmmuCmd } from '../../hw/smmuv3/commands.js';
import { planEntryUpdate } from '../../hw/smmuv3/entry-update.js';
import { STE_CFG_S1, type Ste, steUpdateSafe, steUsed } from '../../hw/smmuv3/ste.js';
import { cdSlot, cdTableAlloc, cdTableAllocLeaf, cdL1Slot, type L1Desc, steInMemory, steWriteWord, cdWriteWord } from '../../hw/smmuv3/tables.js';
import { freePages } from '../../hw/memory/phys-memory.js';
import { slotValue } from '../../hw/memory/slots.js';
import { type Gen, readOnce, WARN_ON, writeOnce } from '../../sync/index.js';
import type { ArmSmmuMaster } from './master.js';

const steRules = { used: steUsed, safe: steUpdateSafe };
const cdRules = { used: cdUsed, safe: cdUpdateSafe };

/** CTXDESC_L2_ENTRIES */
const CD_L2_ENTRIES = 1024;

/** arm_smmu_write_ste(): one stream's STE to `target`, synced with CFGI_STE + CMD_SYNC after each batch */
function* armSmmuWriteSte(master: ArmSmmuMaster, sid: number, target: Ste): Gen {
  const hw = master.smmu.hw;
  const cur = steInMemory(hw, sid);
  if (cur === null) return;
  const plan = planEntryUpdate(steRules, cur, target);
  for (const batch of plan.batches) {
    for (const w of batch) yield* steWriteWord(hw, sid, w.word, w.value as Ste[number]);
    // arm_smmu_ste_writer_sync_entry()
    yield* smmuCmdqIssue(hw, [{ op: 'CFGI_STE', sid, leaf: true }], true);
  }
}

/** arm_smmu_install_ste_for_dev(): in_ste and ste_ats_enabled follow the target, then every stream's STE */
export function* armSmmuInstallSteForDev(master: ArmSmmuMaster, target: Ste): Gen {
  master.cdTable.inSte = target[0].v && target[0].config === STE_CFG_S1;
  master.steAtsEnabled = target[1].eats === 'trans';
  const seen = new Set<number>();
  for (const sid of master.streams) {
    // bridged PCI devices may end up with duplicated IDs
    if (seen.has(sid)) continue;
    seen.add(sid);
    yield* armSmmuWriteSte(master, sid, target);
  }
}

/** arm_smmu_sync_cd(): CFGI_CD for every stream, then CMD_SYNC */
function* armSmmuSyncCd(master: ArmSmmuMaster, ssid: number, leaf: boolean): Gen {
  const cmds: SmmuCmd[] = master.streams.map((sid) => ({ op: 'CFGI_CD', sid, ssid, leaf }));
  yield* smmuCmdqIssue(master.smmu.hw, cmds, true);
}

/** arm_smmu_cdtab_allocated() */
export function* armSmmuCdtabAllocated(master: ArmSmmuMaster): Gen<boolean> {
  // READ_ONCE: in the historical release orders arm_smmu_free_cd_tables() runs beside an attach
  return (yield* readOnce(master.cdTable, 'reg')) !== null;
}

/** arm_smmu_alloc_cd_tables(): linear, or 2-level when the SMMU can and one leaf is not enough. 0 or -ENOMEM */
function* armSmmuAllocCdTables(master: ArmSmmuMaster): Gen<boolean> {
  const cdmax = master.ssidBits;
  const fmt = master.smmu.feat.twoLvlCdtab && 2 ** cdmax > CD_L2_ENTRIES ? '2lvl' : 'linear';
  const base = yield* cdTableAlloc(master.smmu.hw.mem, fmt, cdmax, `${master.dev.name} cd table`);
  if (base === null) return false;
  yield* writeOnce(master.cdTable, 'reg', { base, fmt, cdmax });
  return true;
}

/** arm_smmu_alloc_cd_ptr(): the CD slot of `ssid`, allocating the table or its leaf; false on -ENOMEM */
export function* armSmmuAllocCdPtr(master: ArmSmmuMaster, ssid: number): Gen<boolean> {
  if (!(yield* armSmmuCdtabAllocated(master)) && !(yield* armSmmuAllocCdTables(master))) return false;
  const reg = master.cdTable.reg!;
  if (reg.fmt === '2lvl' && cdSlot(master.smmu.hw.mem, reg, ssid) === null) {
    const r = yield* cdTableAllocLeaf(master.smmu.hw.mem, reg, ssid, `${master.dev.name} cd leaf`);
    if (r !== 0) return false;
    // the L1 descriptor is visible: drop a cached one
    yield* armSmmuSyncCd(master, ssid, false);
  }
  return cdSlot(master.smmu.hw.mem, reg, ssid) !== null;
}

/** arm_smmu_write_cd_entry(): used_ssids follows validity changes at SSID != 0, then the used-bits update */
export function* armSmmuWriteCdEntry(master: ArmSmmuMaster, ssid: number, target: Cd): Gen {
  const mem = master.smmu.hw.mem;
  const reg = master.cdTable.reg!;
  const slot = cdSlot(mem, reg, ssid)!;
  const cur = slotValue<Cd>(slot) ?? CD_ZERO;
  if (ssid !== 0 && cur[0].v !== target[0].v) master.cdTable.usedSsids += cur[0].v ? -1 : 1;
  const plan = planEntryUpdate(cdRules, cur, target);
  for (const batch of plan.batches) {
    for (const w of batch) yield* cdWriteWord(mem, reg, ssid, w.word, w.value as Cd[number]);
    yield* armSmmuSyncCd(master, ssid, true);
  }
}

/** arm_smmu_clear_cd() */
export function* armSmmuClearCd(master: ArmSmmuMaster, ssid: number): Gen {
  if (!(yield* armSmmuCdtabAllocated(master))) return;
  if (WARN_ON(cdSlot(master.smmu.hw.mem, master.cdTable.reg!, ssid) === null, 'WARN_ON(!cdptr)')) return;
  yield* armSmmuWriteCdEntry(master, ssid, CD_ZERO);
}

/** arm_smmu_free_cd_tables(): the leaves of a 2-level table, then the table */
export function* armSmmuFreeCdTables(master: ArmSmmuMaster): Gen {
  const reg = yield* readOnce(master.cdTable, 'reg');
  if (reg === null) return;
  const mem = master.smmu.hw.mem;
  if (reg.fmt === '2lvl') {
    const l1s = Math.ceil(2 ** reg.cdmax / CD_L2_ENTRIES);
    for (let i = 0; i < l1s; i++) {
      const d = slotValue<L1Desc>(cdL1Slot(mem, reg.base, i * CD_L2_ENTRIES));
      if (d !== null && d.span !== 0) yield* freePages(mem, Math.floor(d.l2ptr / 4096));
    }
  }
  yield* freePages(mem, Math.floor(reg.base / 4096));
  yield* writeOnce(master.cdTable, 'reg', null);
}
