// The SMMUv3 event queue (hardware.md §1.16): records the SMMU writes for configuration errors
// and recorded faults, read by the driver's event thread. Bounded: when full, events are lost and
// the overflow flag is raised [uncertain].
import type { Gen } from '../../sync/index.js';
import { HwRecordQueue, hwRecordPop } from '../record-queue.js';

export const EVT_F_UUT = 0x01;
export const EVT_C_BAD_STREAMID = 0x02;
export const EVT_F_STE_FETCH = 0x03;
export const EVT_C_BAD_STE = 0x04;
export const EVT_F_BAD_ATS_TREQ = 0x05;
export const EVT_F_STREAM_DISABLED = 0x06;
export const EVT_F_TRANSL_FORBIDDEN = 0x07;
export const EVT_C_BAD_SUBSTREAMID = 0x08;
export const EVT_F_CD_FETCH = 0x09;
export const EVT_C_BAD_CD = 0x0a;
export const EVT_F_WALK_EABT = 0x0b;
export const EVT_F_TRANSLATION = 0x10;
export const EVT_F_ADDR_SIZE = 0x11;
export const EVT_F_ACCESS = 0x12;
export const EVT_F_PERMISSION = 0x13;

export const eventNames: Readonly<Record<number, string>> = {
  [EVT_F_UUT]: 'F_UUT',
  [EVT_C_BAD_STREAMID]: 'C_BAD_STREAMID',
  [EVT_F_STE_FETCH]: 'F_STE_FETCH',
  [EVT_C_BAD_STE]: 'C_BAD_STE',
  [EVT_F_BAD_ATS_TREQ]: 'F_BAD_ATS_TREQ',
  [EVT_F_STREAM_DISABLED]: 'F_STREAM_DISABLED',
  [EVT_F_TRANSL_FORBIDDEN]: 'F_TRANSL_FORBIDDEN',
  [EVT_C_BAD_SUBSTREAMID]: 'C_BAD_SUBSTREAMID',
  [EVT_F_CD_FETCH]: 'F_CD_FETCH',
  [EVT_C_BAD_CD]: 'C_BAD_CD',
  [EVT_F_WALK_EABT]: 'F_WALK_EABT',
  [EVT_F_TRANSLATION]: 'F_TRANSLATION',
  [EVT_F_ADDR_SIZE]: 'F_ADDR_SIZE',
  [EVT_F_ACCESS]: 'F_ACCESS',
  [EVT_F_PERMISSION]: 'F_PERMISSION',
};

export interface SmmuEvent {
  readonly code: number;
  readonly sid: number;
  readonly ssid: number | null;
  readonly iova: number;
  readonly write: boolean;
  /** stage 2 faulted */
  readonly s2: boolean;
  /** what was being fetched: the CD, a translation table, the input address */
  readonly class: 'CD' | 'TT' | 'IN';
}

/** the event queue: a bounded record queue (hw/record-queue.ts) */
export class SmmuEvtq extends HwRecordQueue<SmmuEvent> {
  constructor(
    readonly unitName: string,
    size: number,
  ) {
    super(`${unitName}.evtq`, size);
  }
}

/** the driver's event thread takes the oldest event (arm_smmu_evtq_thread) */
export function smmuEvtqPop(q: SmmuEvtq): Gen<SmmuEvent | null> {
  return hwRecordPop(q, 'evtq_read');
}

export function describeEvent(e: SmmuEvent): string {
  const ss = e.ssid === null ? '' : ` ssid ${e.ssid}`;
  return `${eventNames[e.code] ?? `0x${e.code.toString(16)}`} sid ${e.sid}${ss} iova 0x${e.iova.toString(16)} ${e.write ? 'write' : 'read'}${e.s2 ? ' (S2)' : ''}`;
}
