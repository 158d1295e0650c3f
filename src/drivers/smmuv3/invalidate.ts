// The invalidations the driver issues (hardware.md §1.9, §1.15): TLBI by range or by tag, then the
// ATC of every ATS master attached to the domain, each batch ending with a CMD_SYNC (IOTLB first,
// then ATC, then the fence). nr_ats_masters is read locklessly after a full barrier, which pairs
// with attach_prepare counting a master before its STE enables ATS.
import { smmuCmdqIssue } from '../../hw/smmuv3/cmdq.js';
import type { SmmuCmd } from '../../hw/smmuv3/commands.js';
import { type Gen, readOnce, spinLock, spinUnlock } from '../../sync/index.js';
import type { ArmSmmuDomain } from './domain.js';
import type { ArmSmmuMaster } from './master.js';

/** the ATC_INV span: the range rounded up to an aligned power-of-two number of pages (size 0: everything) */
function atcSpan(iova: number, size: number): { addr: number; size: number } {
  if (size === 0) return { addr: 0, size: 0 };
  const first = Math.floor(iova / 4096);
  const last = Math.floor((iova + size - 1) / 4096);
  let span = 1;
  while (Math.floor(first / span) !== Math.floor(last / span)) span *= 2;
  return { addr: Math.floor(first / span) * span * 4096, size: span * 4096 };
}

function atcCmd(sid: number, ssid: number, iova: number, size: number): SmmuCmd {
  // arm_smmu_atc_inv_to_cmd(): SSV only for a PASID
  return { op: 'ATC_INV', sid, ssid: ssid === 0 ? null : ssid, ...atcSpan(iova, size) };
}

/** arm_smmu_atc_inv_master(): the whole ATC of one master for `ssid` (0: every PASID) */
export function* armSmmuAtcInvMaster(master: ArmSmmuMaster, ssid: number): Gen<number> {
  const cmds = master.streams.map((sid) => atcCmd(sid, ssid, 0, 0));
  return yield* smmuCmdqIssue(master.smmu.hw, cmds, true);
}

/** arm_smmu_atc_inv_domain(): every ATS master of the domain, over [iova, iova + size) (size 0: all) */
export function* armSmmuAtcInvDomain(d: ArmSmmuDomain, iova: number, size: number): Gen<number> {
  // smp_mb(), then the lockless count
  if ((yield* readOnce(d, 'nrAtsMasters')) === 0) return 0;
  const cmds: SmmuCmd[] = [];
  yield* spinLock(d.devicesLock);
  for (const md of [...d.devices]) {
    if (!(yield* readOnce(md.master, 'atsEnabled'))) continue;
    for (const sid of md.master.streams) cmds.push(atcCmd(sid, md.ssid, iova, size));
  }
  yield* spinUnlock(d.devicesLock);
  if (cmds.length === 0) return 0;
  return yield* smmuCmdqIssue(d.smmu!.hw, cmds, true);
}

/** arm_smmu_tlb_inv_range_domain(): TLBI over the range (leaf-only or walks too) + CMD_SYNC, then the ATCs */
export function* armSmmuTlbInvRangeDomain(d: ArmSmmuDomain, iova: number, size: number, leaf: boolean): Gen<number> {
  const smmu = d.smmu!;
  const cmd: SmmuCmd =
    d.stage === 'S1'
      ? smmu.feat.e2h
        ? { op: 'TLBI_EL2_VA', asid: d.asid, addr: iova, size, leaf }
        : { op: 'TLBI_NH_VA', asid: d.asid, vmid: 0, addr: iova, size, leaf }
      : { op: 'TLBI_S2_IPA', vmid: d.vmid, addr: iova, size, leaf };
  // a nest parent's S2 change also stales the S1 entries nested walks made under its VMID
  const cmds: SmmuCmd[] = d.nestParent ? [cmd, { op: 'TLBI_NH_ALL', vmid: d.vmid }] : [cmd];
  const r = yield* smmuCmdqIssue(smmu.hw, cmds, true);
  // "this can't be leaf-only since we may have zapped an entire table"
  const a = yield* armSmmuAtcInvDomain(d, iova, size);
  return r !== 0 ? r : a;
}

/** arm_smmu_tlb_inv_context(): everything tagged with the domain's ASID / VMID, then every ATC */
export function* armSmmuTlbInvContext(d: ArmSmmuDomain): Gen<number> {
  const smmu = d.smmu!;
  const cmd: SmmuCmd =
    d.stage === 'S1'
      ? smmu.feat.e2h
        ? { op: 'TLBI_EL2_ASID', asid: d.asid }
        : { op: 'TLBI_NH_ASID', asid: d.asid, vmid: 0 }
      : { op: 'TLBI_S12_VMALL', vmid: d.vmid };
  const r = yield* smmuCmdqIssue(smmu.hw, [cmd], true);
  const a = yield* armSmmuAtcInvDomain(d, 0, 0);
  return r !== 0 ? r : a;
}
