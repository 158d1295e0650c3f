// A bounded queue of records the hardware writes for the driver to read: SMMUv3's event queue,
// VT-d's primary fault recording registers. When it is full a new record is lost and the overflow
// flag raised (SMMUv3 [uncertain], VT-d's PFO); the driver takes the oldest in a step of its own.
import { type Gen, hwStep, KObject } from '../sync/index.js';

export class HwRecordQueue<R> extends KObject {
  readonly records: R[] = [];
  /** a record was lost because the queue was full */
  overflow = false;
  lost = 0;

  constructor(
    private readonly queueLabel: string,
    readonly size: number,
  ) {
    super();
  }

  override get label(): string {
    return this.queueLabel;
  }

  /** the hardware writes a record (false when the queue is full and it is lost) */
  push(r: R): boolean {
    if (this.records.length >= this.size) {
      this.overflow = true;
      this.lost++;
      return false;
    }
    this.records.push(r);
    return true;
  }
}

/** the driver reads and retires the oldest record (`verb`: the driver's function) */
export function* hwRecordPop<R>(q: HwRecordQueue<R>, verb: string): Gen<R | null> {
  yield* hwStep(q, 'q', 'write', verb);
  return q.records.shift() ?? null;
}
