// Hardware accesses: a driver writing a hardware table entry or a device register, and a device
// doing DMA that reads them. Both are yields naming the entry and the field, so DMA can be
// scheduled between two writes of a driver (OpKind.HwWrite / OpKind.Dma).
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { type CheckSite, withReads } from '../rt/check.js';
import { type Access, type Op, OpKind, type Shared } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

/** a driver's write to a hardware structure (STE, context entry, page table, PCI config) */
export function* hwWrite<T extends KObject, K extends keyof T & string>(obj: T, field: K, value: T[K], verb = 'hw_write'): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const op: Op = { kind: OpKind.HwWrite, obj, field, verb };
  const site = exec.checker === null ? null : exec.checker.at(op);
  yield site === null ? op : withReads(op, site.reads);
  if (obj.freed) exec.useAfterFree(obj, `${verb} of ${field}`);
  obj[field] = value;
  if (site !== null) exec.runCheck(site);
}

/** a hardware update done by a function (several fields at once, e.g. a page-table range; null: the whole object) */
export function* hwUpdate<T extends KObject>(obj: T, field: string | null, update: (o: T) => void, verb = 'hw_write'): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const op: Op = { kind: OpKind.HwWrite, obj, field, verb };
  const site = exec.checker === null ? null : exec.checker.at(op);
  yield site === null ? op : withReads(op, site.reads);
  if (obj.freed) exec.useAfterFree(obj, `${verb} of ${field ?? obj.label}`);
  update(obj);
  if (site !== null) exec.runCheck(site);
}

/**
 * a device's DMA reading hardware state (the IOMMU walking its tables for it); `also` names what
 * else the same step reads (the device's own state, say whether it is in reset)
 */
export function* dmaRead<T extends KObject, K extends keyof T & string>(obj: T, field: K, verb = 'dma', also?: readonly Access[]): Gen<T[K]> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield also === undefined ? { kind: OpKind.Dma, obj, field, verb } : { kind: OpKind.Dma, obj, field, verb, reads: also };
  return obj[field];
}

/**
 * One step of a hardware model (or of code touching hardware-visible memory) on an object or a
 * field the helpers above cannot name: a physical page (not a KObject: pages materialize lazily
 * and their ids derive from the frame number) or a field computed at run time (an entry index, a
 * cache tag). Yields the op only; the caller performs the access after it, in the same step.
 * `kind`: 'dma' a hardware read (a walk, a cache lookup), 'read' software reading hardware-visible
 * memory, 'write' anything that changes it (a driver's entry write, a command's effect, a cache
 * fill). `reads`: what else the step reads (Op.reads). A write asks the program's checker for a
 * check at this point and returns it: the caller runs it with hwStepDone() once it has written.
 */
export function* hwStep(obj: Shared, field: string | null, kind: 'dma' | 'read' | 'write', verb: string, reads?: readonly Access[]): Gen<CheckSite | null> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const op: Op = {
    kind: kind === 'dma' ? OpKind.Dma : kind === 'read' ? OpKind.Read : OpKind.HwWrite,
    obj,
    field,
    verb,
    ...(reads === undefined ? {} : { reads }),
  };
  const site = kind === 'write' && exec.checker !== null ? exec.checker.at(op) : null;
  yield site === null || site.reads.length === 0 ? op : { ...op, reads: [...(reads ?? []), ...site.reads] };
  return site;
}

/**
 * A device's one-step DMA on `obj`'s `field`, reading `reads` (Op.reads): a step whose footprint
 * depends on the state. Until it runs, the runtime declares it again with `declare()` after every
 * other thread's step that writes something it reads (Op.redeclare), so a write that moves the
 * walk is seen by the step itself, not by a second step of the thread.
 */
export function* hwDmaStep(
  obj: Shared,
  field: string | null,
  verb: string,
  reads: readonly Access[],
  declare: () => readonly Access[],
): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  const opWith = (r: readonly Access[]): Op => ({
    kind: OpKind.Dma,
    obj,
    field,
    verb,
    reads: r,
    redeclare: () => opWith(declare()),
  });
  yield opWith(reads);
}

/** run the check a written hwStep() returned, now that the write is done */
export function hwStepDone(site: CheckSite | null): void {
  if (site !== null) current.runCheck(site);
}
