// ATS and fence checks (hardware.md §6 H9, H10, H16): the function's ATS enable against what its
// IOMMU entry allows, and invalidations that got no answer.
import type { HwEndpoint } from '../endpoint.js';
import type { Smmuv3 } from '../smmuv3/smmu.js';
import { STE_CFG_ABORT, STE_CFG_BYPASS } from '../smmuv3/ste.js';
import { steInMemory } from '../smmuv3/tables.js';
import { describeCmdLog } from '../smmuv3/cmdq.js';
import type { LegacyCtx, SmCtx } from '../vtd/entries.js';
import { ctxInMemory } from '../vtd/tables.js';
import { describeQiLog } from '../vtd/qi.js';
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
  const log = 'cmdq' in unit ? unit.cmdq.log.map((r) => r.ok) : unit.qi.log.map((r) => r.ok);
  const text = 'cmdq' in unit ? describeCmdLog(unit.cmdq.log) : describeQiLog(unit.qi.log);
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < log.length; i++) {
    const isFence = 'cmdq' in unit ? unit.cmdq.log[i]!.cmd === null : unit.qi.log[i]!.desc === null;
    if (!isFence) continue;
    if (!log[i]) out.push(`H16: ${unit.name}: ${text[i]} after ${text.slice(from, i).join(', ')}`);
    from = i + 1;
  }
  return out;
}
