// ATS and fence checks (hardware.md §6 H9, H10, H16): the function's ATS enable against what its
// IOMMU entry allows, and invalidations that got no answer.
import type { HwEndpoint } from '../endpoint.js';
import type { Smmuv3 } from '../smmuv3/smmu.js';
import { STE_CFG_ABORT, STE_CFG_BYPASS } from '../smmuv3/ste.js';
import { steInMemory } from '../smmuv3/tables.js';
import { describeCmdLog, SmmuCmdq } from '../smmuv3/cmdq.js';
import type { LegacyCtx, SmCtx } from '../vtd/entries.js';
import { ctxInMemory } from '../vtd/tables.js';
import { describeQiLog, VtdQi } from '../vtd/qi.js';
import type { VtdUnit } from '../vtd/vtd.js';

/** H9: a function with ATS enabled sits behind an STE with EATS=TRANS and a translating Config */
export function smmuAtsProblem(smmu: Smmuv3, sid: number, ep: HwEndpoint): string | null {
  if (!ep.atsEnabled) return null;
  const ste = steInMemory(smmu, sid);
  if (ste === null || !ste[0].v) return `H9: ${ep.label} has ATS enabled behind an invalid STE (sid ${sid})`;
  if (ste[1].eats !== 'trans') return `H9: ${ep.label} has ATS enabled but its STE (sid ${sid}) has EATS=${ste[1].eats}`;
  if (ste[0].config === STE_CFG_ABORT || ste[0].config === STE_CFG_BYPASS) return `H9: ${ep.label} has ATS enabled behind a ${ste[0].config === STE_CFG_ABORT ? 'abort' : 'bypass'} STE (sid ${sid})`;
  return null;
}

/** H10 (the hardware half): a function with ATS enabled sits behind a context entry that allows device-TLB requests */
export function vtdAtsProblem(unit: VtdUnit, sid: number, ep: HwEndpoint): string | null {
  if (!ep.atsEnabled) return null;
  const c = ctxInMemory(unit, sid);
  if (c === null || !c[0].p) return `H10: ${ep.label} has ATS enabled behind a non-present context entry (sid 0x${sid.toString(16)})`;
  if (unit.sm && !(c as SmCtx)[0].dte) return `H10: ${ep.label} has ATS enabled but its context entry has DTE=0`;
  if (!unit.sm && (c as LegacyCtx)[0].tt === 'ml') return `H10: ${ep.label} has ATS enabled but its context entry has TT=multi-level without device-TLB`;
  return null;
}

/** H16: ATS invalidations the function could not answer (it was in reset) */
export function atcTimeouts(ep: HwEndpoint): string | null {
  return ep.atcInvTimeouts === 0 ? null : `H16: ${ep.atcInvTimeouts} ATS invalidation(s) sent to ${ep.label} timed out (the function was in reset)`;
}

/** H16: fences that completed with an error, with the commands or descriptors before them */
export function fenceErrors(unit: Smmuv3 | VtdUnit): string[] {
  return fenceLog(unit.name, 'cmdq' in unit ? unit.cmdq : unit.qi, false);
}

/**
 * H16 at the completion of the last fence in a queue's log (a CMD_SYNC, a wait descriptor): a
 * command or descriptor of its batch that got no answer (an ATC_INV / device-TLB invalidation to a
 * function in reset) must make the fence report the error (CERROR_ATC_INV_SYNC, ITE), which the
 * driver sees as -ETIMEDOUT; a fence that completes cleanly after it is a silent success.
 */
export function silentFence(unitName: string, q: SmmuCmdq | VtdQi): string | null {
  return fenceLog(unitName, q, true)[0] ?? null;
}

/** the fences of a queue's log that completed with an error (or, `silentLast`, the last one if it hid one) */
function fenceLog(unitName: string, q: SmmuCmdq | VtdQi, silentLast: boolean): string[] {
  const smmu = q instanceof SmmuCmdq;
  const log: ReadonlyArray<{ readonly ok: boolean }> = q.log;
  const isFence = (i: number): boolean => (smmu ? q.log[i]!.cmd === null : (q as VtdQi).log[i]!.desc === null);
  const text = smmu ? describeCmdLog(q.log) : describeQiLog((q as VtdQi).log);
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < log.length; i++) {
    if (!isFence(i)) continue;
    const batch = text.slice(from, i);
    if (silentLast) {
      if (i === log.length - 1 && log[i]!.ok && log.slice(from, i).some((r) => !r.ok)) {
        out.push(`H16: ${unitName}: ${text[i]} completed without error after ${batch.join(', ')}`);
      }
    } else if (!log[i]!.ok) out.push(`H16: ${unitName}: ${text[i]} after ${batch.join(', ')}`);
    from = i + 1;
  }
  return out;
}
