// Hardware accesses: a driver writing a hardware table entry or a device register, and a device
// doing DMA that reads them. Both are yields naming the entry and the field, so DMA can be
// scheduled between two writes of a driver (OpKind.HwWrite / OpKind.Dma).
import { current } from '../rt/current.js';
import type { KObject } from '../rt/kobject.js';
import { OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

/** a driver's write to a hardware structure (STE, context entry, page table, PCI config) */
export function* hwWrite<T extends KObject, K extends keyof T & string>(obj: T, field: K, value: T[K], verb = 'hw_write'): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.HwWrite, obj, field, verb };
  if (obj.freed) exec.useAfterFree(obj, `${verb} of ${field}`);
  obj[field] = value;
}

/**
 * a hardware update done by a function (several fields at once, e.g. a page-table range); `field`
 * null: it touches the whole object (a function reset clobbers every register of the function)
 */
export function* hwUpdate<T extends KObject>(obj: T, field: string | null, update: (o: T) => void, verb = 'hw_write'): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.HwWrite, obj, field, verb };
  if (obj.freed) exec.useAfterFree(obj, field === null ? verb : `${verb} of ${field}`);
  update(obj);
}

/** a device's DMA reading hardware state (the IOMMU walking its tables for it) */
export function* dmaRead<T extends KObject, K extends keyof T & string>(obj: T, field: K, verb = 'dma'): Gen<T[K]> {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield { kind: OpKind.Dma, obj, field, verb };
  return obj[field];
}
