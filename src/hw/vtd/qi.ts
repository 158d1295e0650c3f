// VT-d queued invalidation (hardware.md §2.8): descriptors executed in order; an invalidation wait
// descriptor completes once every earlier descriptor took effect, whoever queued it. Like the
// SMMUv3 command queue (smmuv3/cmdq.ts), descriptors submitted without a wait take effect only at
// a later wait, one step per descriptor on what it invalidates, then the wait's step on the fence
// log; a wait first waits out every batch queued before its own (in-order consumption: two CPUs'
// qi_submit_sync() calls never see the later wait complete before the earlier batch). A device-TLB
// invalidation to a function in reset gets no answer: an invalidation time-out error (ITE), which
// qi_submit_sync() returns as -ETIMEDOUT.
import type { UsedKey } from '../cache/fence-log.js';
import { atcInvalidateNow } from '../endpoint.js';
import { runNow } from '../pgtable/pgtable.js';
import { access, Completion, completeAll, ETIMEDOUT, type Gen, hwStep, hwStepDone, KObject, waitPolled } from '../../sync/index.js';
import type { CmdTarget } from '../smmuv3/cmdq.js';
import { describeDesc, type VtdDesc } from './descriptors.js';
import type { PasidEntry } from './entries.js';
import { VTD_FL, VTD_NESTED, VTD_SL, vtdTagKind, vtdTagPasid } from './tags.js';
import type { VtdUnit } from './vtd.js';

export interface DescRecord {
  /** null: the wait descriptor */
  readonly desc: VtdDesc | null;
  readonly ok: boolean;
  /** a wait's place in the queue (the n-th batch queued with a wait); absent for descriptors */
  readonly queued?: number;
}

export class VtdQi extends KObject {
  posted: VtdDesc[] = [];
  /** every descriptor, batch by batch in the order their waits completed, each batch then its wait (checkers: H8, H16) */
  readonly log: DescRecord[] = [];
  /** waits that completed with an invalidation time-out error */
  iteErrors = 0;
  /**
   * A broken unit (tests of H16's check only): a wait descriptor after a device-TLB invalidation
   * that got no answer completes without ITE, as if the function had answered. Never set by a model.
   */
  waitHidesIte = false;
  /** queued batches whose wait has not completed yet, in queue order */
  inflight: Completion[] = [];
  /** batches queued with a wait so far */
  queuedWaits = 0;

  constructor(readonly unitName: string) {
    super();
  }

  override get label(): string {
    return `${this.unitName}.qi`;
  }
}

/** the object and field a descriptor's effect names, or null */
export function vtdDescTarget(unit: VtdUnit, d: VtdDesc): CmdTarget | null {
  switch (d.type) {
    case 'cc':
      return { obj: unit.ctxCache, field: d.scope === 'device' ? unit.ctxCache.field(d.sid) : null };
    case 'pc':
      return { obj: unit.pasidCache, field: d.scope === 'pasid' ? unit.pasidCache.field(d.pasid) : null };
    case 'iotlb':
      return { obj: unit.tlb, field: d.scope === 'global' ? null : unit.tlb.field(d.did * 2 ** 22) };
    case 'piotlb':
      return { obj: unit.tlb, field: unit.tlb.field(d.did * 2 ** 22) };
    case 'devtlb':
    case 'pdevtlb': {
      const ep = unit.ports.get(d.sid);
      return ep === undefined ? null : { obj: ep, field: 'atc', reads: [access(ep, 'inReset')] };
    }
  }
}

function pages(addr: number, am: number): { start: number; last: number } {
  const size = 2 ** am * 4096;
  const start = Math.floor(addr / size) * size;
  return { start, last: start + size - 1 };
}

/** one descriptor's effect; false when a device-TLB invalidation timed out */
export function vtdApplyDesc(unit: VtdUnit, d: VtdDesc, done: UsedKey[]): boolean {
  const tlb = unit.tlb;
  switch (d.type) {
    case 'cc':
      if (d.scope === 'device') done.push(unit.ctxCache.invalidate(d.sid));
      else if (d.scope === 'global') done.push(unit.ctxCache.invalidateMatching(() => true));
      else done.push(unit.ctxCache.invalidateMatching((_sid, l) => l.ctx.length !== 2 || !('did' in l.ctx[1]) || l.ctx[1].did === d.did));
      return true;
    case 'pc': {
      const dropDid = (
        m: ReadonlyMap<number, PasidEntry | null>,
        did: number | null,
      ): ReadonlyMap<number, PasidEntry | null> | undefined => {
        const n = new Map([...m].filter(([, e]) => e !== null && did !== null && e[1].did !== did));
        return n.size === 0 ? undefined : n;
      };
      if (d.scope === 'pasid') done.push(unit.pasidCache.invalidate(d.pasid, (m) => dropDid(m, d.did)));
      else if (d.scope === 'did') done.push(unit.pasidCache.invalidateMatching(() => true, (m) => dropDid(m, d.did)));
      else done.push(unit.pasidCache.invalidateMatching(() => true));
      return true;
    }
    case 'iotlb': {
      if (d.scope === 'global') {
        done.push(tlb.invalidateAll());
        return true;
      }
      // second-level entries by range; combined (nested) entries are keyed by the first-level
      // input, not the second-level address a PSI names, so they all go (over-invalidating is
      // always allowed)
      const range = d.scope === 'psi' ? { ...pages(d.addr, d.am), leafOnly: d.ih } : null;
      tlb.invalidateInGroup(d.did, (t) => vtdTagKind(t) === VTD_NESTED);
      done.push(tlb.invalidateInGroup(d.did, (t) => vtdTagKind(t) === VTD_SL, range));
      return true;
    }
    case 'piotlb': {
      const pasidGranular = (t: number): boolean => vtdTagKind(t) === VTD_FL || vtdTagKind(t) === VTD_NESTED;
      const mine = (t: number): boolean => pasidGranular(t) && vtdTagPasid(t) === d.pasid;
      const range = d.range === null ? null : { ...pages(d.range.addr, d.range.am), leafOnly: d.range.ih };
      done.push(tlb.invalidateInGroup(d.did, mine, range));
      return true;
    }
    case 'devtlb':
    case 'pdevtlb': {
      const ep = unit.ports.get(d.sid);
      if (ep === undefined) return true;
      const range = d.size === 0 ? null : { start: d.addr, last: d.addr + d.size - 1 };
      const k = atcInvalidateNow(ep, d.type === 'devtlb' ? undefined : d.pasid, range);
      if (k === null) return false;
      done.push(k);
      return true;
    }
  }
}

/**
 * The unit executing `descs` and then the wait descriptor: 0, or -ETIMEDOUT (ITE). In steps, the
 * wait completes only after every batch queued before this one (`earlier`) has completed.
 */
function* execute(
  unit: VtdUnit,
  descs: readonly VtdDesc[],
  stepped: boolean,
  earlier: readonly Completion[] = [],
  mine: Completion | null = null,
  queued = 0,
): Gen<number> {
  const q = unit.qi;
  const done: UsedKey[] = [];
  const records: DescRecord[] = [];
  let ok = true;
  for (const d of descs) {
    const t = vtdDescTarget(unit, d);
    const site = t !== null && stepped ? yield* hwStep(t.obj, t.field, 'write', `qi_${d.type}`, t.reads) : null;
    const r = t === null || vtdApplyDesc(unit, d, done);
    hwStepDone(site);
    records.push({ desc: d, ok: r });
    if (!r) ok = false;
  }
  for (const e of earlier) yield* waitPolled(e);
  // the fence log as a whole (the fences and what they completed)
  if (stepped) yield* hwStep(unit.fence, null, 'write', 'qi_wait');
  unit.fence.complete(done);
  // the queue as a whole: the log (ordered between submitters), the batch off the in-flight list
  if (q.waitHidesIte) ok = true;
  const site = stepped ? yield* hwStep(q, null, 'write', 'qi_wait_done') : null;
  q.log.push(...records, { desc: null, ok, queued });
  if (!ok) q.iteErrors++;
  // H16 is checked on the log now that the fence is in it (core/checks.ts)
  hwStepDone(site);
  if (mine !== null) {
    q.inflight = q.inflight.filter((b) => b !== mine);
    yield* completeAll(mine);
  }
  return ok ? 0 : -ETIMEDOUT;
}

/** qi_submit_sync(): submit `descs` and a wait descriptor, spin until it completes. 0 or -ETIMEDOUT (ITE) */
export function* qiSubmitSync(unit: VtdUnit, descs: readonly VtdDesc[]): Gen<number> {
  const q = unit.qi;
  // the whole queue: what is posted, what is in flight
  yield* hwStep(q, null, 'write', 'qi_submit_sync');
  const take = [...q.posted, ...descs];
  q.posted = [];
  // batches queued before this one whose wait has not completed: this wait waits for them
  const earlier = q.inflight;
  const mine = new Completion(`${q.label} wait`);
  q.inflight = [...earlier, mine];
  return yield* execute(unit, take, true, earlier, mine, q.queuedWaits++);
}

/** descriptors queued without a wait: nothing is guaranteed until some later wait */
export function* qiSubmit(unit: VtdUnit, descs: readonly VtdDesc[]): Gen {
  yield* hwStep(unit.qi, null, 'write', 'qi_submit');
  unit.qi.posted.push(...descs);
}

export function qiSubmitSyncNow(unit: VtdUnit, descs: readonly VtdDesc[]): number {
  const take = [...unit.qi.posted, ...descs];
  unit.qi.posted = [];
  return runNow(execute(unit, take, false, [], null, unit.qi.queuedWaits++));
}

export function describeQiLog(log: readonly DescRecord[]): string[] {
  return log.map((r) => (r.desc === null ? `wait${r.ok ? '' : ' (ITE)'}` : `${describeDesc(r.desc)}${r.ok ? '' : ' (no answer)'}`));
}
