// The SMMUv3 command queue (hardware.md §1.14). A driver inserts a batch; the SMMU executes
// commands in order, and a CMD_SYNC completes once every earlier command has taken effect.
// Without a SYNC nothing is guaranteed: the model takes the latest point the architecture allows,
// so inserted commands take effect only when some later batch with a SYNC drains the queue (the
// SMMU's consumption is run by the thread waiting on that SYNC: one step per command, on what the
// command changes, so DMA can run between two of them; then the SYNC's step, on the fence log).
// An ATC_INV to a function in reset gets no answer: the SYNC completes with CERROR_ATC_INV_SYNC,
// which the driver sees as -ETIMEDOUT.
import type { UsedKey } from '../cache/fence-log.js';
import { atcInvalidateNow } from '../endpoint.js';
import { runNow } from '../pgtable/pgtable.js';
import { access, type Access, Completion, completeAll, ETIMEDOUT, type Gen, hwStep, hwStepDone, KObject, type Shared, waitPolled } from '../../sync/index.js';
import { describeCmd, type SmmuCmd } from './commands.js';
import type { CfgLine, Smmuv3 } from './smmu.js';
import { smmuTag, TAG_EL2, TAG_NH, TAG_S2, tagKind, tagVmid } from './tags.js';

export interface CmdRecord {
  /** null: the CMD_SYNC */
  readonly cmd: SmmuCmd | null;
  /** false: an ATC_INV that got no answer, or a SYNC after one */
  readonly ok: boolean;
}

export class SmmuCmdq extends KObject {
  /** inserted, not yet executed */
  posted: SmmuCmd[] = [];
  /** every command, batch by batch in the order their CMD_SYNCs completed, each batch then its SYNC (checkers: H8, H16) */
  readonly log: CmdRecord[] = [];
  /** CMD_SYNCs that completed with CERROR_ATC_INV_SYNC */
  atcInvSyncErrors = 0;
  /** inserted batches whose CMD_SYNC has not completed yet, in insertion order */
  inflight: Completion[] = [];
  /**
   * A broken SMMU (tests of H16's check only): a CMD_SYNC after an ATC_INV that got no answer
   * completes without CERROR_ATC_INV_SYNC, as if the function had answered. Never set by a model.
   */
  syncHidesAtcErrors = false;

  constructor(readonly unitName: string) {
    super();
  }

  override get label(): string {
    return `${this.unitName}.cmdq`;
  }
}

/** the object and field a command's effect changes, and what else it reads */
export interface CmdTarget {
  readonly obj: Shared;
  readonly field: string | null;
  readonly reads?: readonly Access[];
}

/** what a command's effect changes: the object and field its step names, or null (no effect) */
export function smmuCmdTarget(smmu: Smmuv3, c: SmmuCmd): CmdTarget | null {
  switch (c.op) {
    case 'CFGI_STE':
    case 'CFGI_CD':
    case 'CFGI_CD_ALL':
      return { obj: smmu.cfg, field: smmu.cfg.field(c.sid) };
    case 'CFGI_STE_RANGE':
    case 'CFGI_ALL':
      return { obj: smmu.cfg, field: null };
    case 'TLBI_NH_ASID':
    case 'TLBI_NH_VA':
      return { obj: smmu.tlb, field: smmu.tlb.field(smmuTag(TAG_NH, c.vmid, c.asid)) };
    case 'TLBI_EL2_ASID':
    case 'TLBI_EL2_VA':
      return { obj: smmu.tlb, field: smmu.tlb.field(smmuTag(TAG_EL2, 0, c.asid)) };
    case 'TLBI_S2_IPA':
      return { obj: smmu.tlb, field: smmu.tlb.field(smmuTag(TAG_S2, c.vmid, 0)) };
    case 'TLBI_NH_VAA':
    case 'TLBI_NH_ALL':
    case 'TLBI_EL2_ALL':
    case 'TLBI_S12_VMALL':
    case 'TLBI_NSNH_ALL':
      return { obj: smmu.tlb, field: null };
    case 'ATC_INV': {
      // the function's ATC, and whether it is in reset (it answers nothing then)
      const ep = smmu.ports.get(c.sid);
      return ep === undefined ? null : { obj: ep, field: 'atc', reads: [access(ep, 'inReset')] };
    }
    case 'PREFETCH_CFG':
      return null;
  }
}

function range(addr: number, size: number): { start: number; last: number } {
  return { start: addr, last: addr + size - 1 };
}

/** one command's effect; false when it was an ATC_INV that timed out. Pushes what the fence completes. */
export function smmuApplyCmd(smmu: Smmuv3, c: SmmuCmd, done: UsedKey[]): boolean {
  const tlb = smmu.tlb;
  switch (c.op) {
    case 'CFGI_STE':
      // the whole line: the STE and the CDs fetched through it (QEMU's reading) [uncertain]
      done.push(smmu.cfg.invalidate(c.sid));
      return true;
    case 'CFGI_CD':
      done.push(smmu.cfg.invalidate(c.sid, (l: CfgLine) => {
        const cds = new Map(l.cds);
        cds.delete(c.ssid);
        return { ste: l.ste, cds, memo: new Map() };
      }));
      return true;
    case 'CFGI_CD_ALL':
      done.push(smmu.cfg.invalidate(c.sid, (l: CfgLine) => ({ ste: l.ste, cds: new Map(), memo: new Map() })));
      return true;
    case 'CFGI_STE_RANGE': {
      const lo = c.sid - (c.sid % 2 ** c.log2range);
      done.push(smmu.cfg.invalidateMatching((sid) => sid >= lo && sid < lo + 2 ** c.log2range));
      return true;
    }
    case 'CFGI_ALL':
      done.push(smmu.cfg.invalidateMatching(() => true));
      return true;
    case 'TLBI_NH_ASID':
      done.push(tlb.invalidateTag(smmuTag(TAG_NH, c.vmid, c.asid)));
      return true;
    case 'TLBI_NH_VA': {
      const r = range(c.addr, c.size);
      done.push(tlb.invalidateRange(smmuTag(TAG_NH, c.vmid, c.asid), r.start, r.last, c.leaf));
      return true;
    }
    case 'TLBI_EL2_ASID':
      done.push(tlb.invalidateTag(smmuTag(TAG_EL2, 0, c.asid)));
      return true;
    case 'TLBI_EL2_VA': {
      const r = range(c.addr, c.size);
      done.push(tlb.invalidateRange(smmuTag(TAG_EL2, 0, c.asid), r.start, r.last, c.leaf));
      return true;
    }
    case 'TLBI_S2_IPA': {
      const r = range(c.addr, c.size);
      done.push(tlb.invalidateRange(smmuTag(TAG_S2, c.vmid, 0), r.start, r.last, c.leaf));
      return true;
    }
    case 'TLBI_NH_VAA':
      done.push(tlb.invalidateMatching(
        (t) => tagKind(t) === TAG_NH && tagVmid(t) === c.vmid,
        { ...range(c.addr, c.size), leafOnly: c.leaf },
      ));
      return true;
    case 'TLBI_NH_ALL':
      done.push(tlb.invalidateMatching((t) => tagKind(t) === TAG_NH && tagVmid(t) === c.vmid));
      return true;
    case 'TLBI_EL2_ALL':
      done.push(tlb.invalidateMatching((t) => tagKind(t) === TAG_EL2));
      return true;
    case 'TLBI_S12_VMALL':
      done.push(tlb.invalidateMatching((t) => (tagKind(t) === TAG_NH || tagKind(t) === TAG_S2) && tagVmid(t) === c.vmid));
      return true;
    case 'TLBI_NSNH_ALL':
      done.push(tlb.invalidateMatching((t) => tagKind(t) !== TAG_EL2));
      return true;
    case 'ATC_INV': {
      const ep = smmu.ports.get(c.sid);
      if (ep === undefined) return true;
      const k = atcInvalidateNow(ep, c.ssid === null ? undefined : c.ssid, c.size === 0 ? null : range(c.addr, c.size));
      if (k === null) return false;
      done.push(k);
      return true;
    }
    case 'PREFETCH_CFG':
      return true;
  }
}

/**
 * The SMMU executing `cmds` and then a CMD_SYNC: 0, or -ETIMEDOUT (CERROR_ATC_INV_SYNC). In steps,
 * the SYNC completes only after every batch inserted before this one (`earlier`) has completed:
 * the queue is consumed in order, so a CMD_SYNC implies every earlier command took effect.
 */
function* execute(
  smmu: Smmuv3,
  cmds: readonly SmmuCmd[],
  stepped: boolean,
  earlier: readonly Completion[] = [],
  mine: Completion | null = null,
): Gen<number> {
  const q = smmu.cmdq;
  const done: UsedKey[] = [];
  const records: CmdRecord[] = [];
  let ok = true;
  for (const c of cmds) {
    const t = smmuCmdTarget(smmu, c);
    const site = t !== null && stepped ? yield* hwStep(t.obj, t.field, 'write', c.op, t.reads) : null;
    const r = t === null || smmuApplyCmd(smmu, c, done);
    hwStepDone(site);
    records.push({ cmd: c, ok: r });
    if (!r) ok = false;
  }
  for (const e of earlier) yield* waitPolled(e);
  // the fence log as a whole (the fences and what they completed)
  if (stepped) yield* hwStep(smmu.fence, null, 'write', 'CMD_SYNC');
  smmu.fence.complete(done);
  // the queue as a whole: the log (ordered between submitters), the batch off the in-flight list
  if (q.syncHidesAtcErrors) ok = true;
  const site = stepped ? yield* hwStep(q, null, 'write', 'cmdq_cons') : null;
  q.log.push(...records, { cmd: null, ok });
  if (!ok) q.atcInvSyncErrors++;
  // H16 is checked on the log now that the fence is in it (core/checks.ts)
  hwStepDone(site);
  if (mine !== null) {
    q.inflight = q.inflight.filter((b) => b !== mine);
    yield* completeAll(mine);
  }
  return ok ? 0 : -ETIMEDOUT;
}

/**
 * arm_smmu_cmdq_issue_cmdlist(): insert `cmds` (one step on the queue); with `sync`, execute
 * everything inserted so far, by anyone, then the CMD_SYNC. Returns 0 or -ETIMEDOUT.
 */
export function* smmuCmdqIssue(smmu: Smmuv3, cmds: readonly SmmuCmd[], sync = true): Gen<number> {
  const q = smmu.cmdq;
  // the whole queue: what is posted, what is in flight
  yield* hwStep(q, null, 'write', 'arm_smmu_cmdq_issue_cmdlist');
  q.posted.push(...cmds);
  if (!sync) return 0;
  // a copy, read in this step: the commands run in later steps, the queue's array is the queue's
  const take = [...q.posted];
  q.posted = [];
  // batches inserted before this one whose SYNC has not completed: this SYNC waits for them
  const earlier = q.inflight;
  const mine = new Completion(`${q.label} CMD_SYNC`);
  q.inflight = [...earlier, mine];
  return yield* execute(smmu, take, true, earlier, mine);
}

/** the same at once (setup, tests of the hardware alone) */
export function smmuCmdqIssueNow(smmu: Smmuv3, cmds: readonly SmmuCmd[], sync = true): number {
  const q = smmu.cmdq;
  q.posted.push(...cmds);
  if (!sync) return 0;
  const take = q.posted;
  q.posted = [];
  return runNow(execute(smmu, take, false));
}

export function describeCmdLog(log: readonly CmdRecord[]): string[] {
  return log.map((r) => (r.cmd === null ? `CMD_SYNC${r.ok ? '' : ' (CERROR_ATC_INV_SYNC)'}` : `${describeCmd(r.cmd)}${r.ok ? '' : ' (no answer)'}`));
}
