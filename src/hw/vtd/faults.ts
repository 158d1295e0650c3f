// VT-d fault reporting (hardware.md §2.9): a blocked or faulting request is aborted; unless FPD
// suppresses it, a record (source-id, PASID, address, read/write, reason) goes to the primary
// fault recording registers; when they are full the overflow bit is set and the fault is lost.
// Reason codes follow QEMU's VTD_FR_* names; the numbers are [uncertain].
import type { Gen } from '../../sync/index.js';
import { HwRecordQueue, hwRecordPop } from '../record-queue.js';

export const FR_ROOT_ENTRY_P = 0x01;
export const FR_CONTEXT_ENTRY_P = 0x02;
export const FR_CONTEXT_ENTRY_INV = 0x03;
export const FR_ADDR_BEYOND_MGAW = 0x04;
export const FR_WRITE = 0x05;
export const FR_READ = 0x06;
export const FR_PAGING_ENTRY_P = 0x07;
export const FR_TRANSLATED_NO_DTE = 0x0d;
export const FR_PASID_TAGGED_NO_PASIDE = 0x3a;
export const FR_PASID_DIR_ENTRY_P = 0x51;
export const FR_PASID_ENTRY_P = 0x59;
export const FR_PASID_ENTRY_PGTT_INV = 0x5b;
export const FR_FS_PAGING_ENTRY_P = 0x70;
export const FR_PASID_OUT_OF_RANGE = 0x50;

export const faultReasons: Readonly<Record<number, string>> = {
  [FR_ROOT_ENTRY_P]: 'root entry not present',
  [FR_CONTEXT_ENTRY_P]: 'context entry not present',
  [FR_CONTEXT_ENTRY_INV]: 'context entry invalid',
  [FR_ADDR_BEYOND_MGAW]: 'address beyond MGAW',
  [FR_WRITE]: 'write to a read-only page',
  [FR_READ]: 'read without permission',
  [FR_PAGING_ENTRY_P]: 'second-level PTE not present',
  [FR_TRANSLATED_NO_DTE]: 'translated request while DTE=0',
  [FR_PASID_TAGGED_NO_PASIDE]: 'PASID-tagged request while PASIDE=0',
  [FR_PASID_DIR_ENTRY_P]: 'PASID directory entry not present',
  [FR_PASID_ENTRY_P]: 'PASID table entry not present',
  [FR_PASID_ENTRY_PGTT_INV]: 'PGTT invalid',
  [FR_FS_PAGING_ENTRY_P]: 'first-level PTE not present',
  [FR_PASID_OUT_OF_RANGE]: 'PASID beyond the directory',
};

export interface VtdFaultRecord {
  readonly sid: number;
  readonly pasid: number | null;
  readonly iova: number;
  readonly write: boolean;
  readonly reason: number;
}

/** the primary fault recording registers: a bounded record queue (hw/record-queue.ts) */
export class VtdFaults extends HwRecordQueue<VtdFaultRecord> {
  constructor(
    readonly unitName: string,
    size: number,
  ) {
    super(`${unitName}.fault_regs`, size);
  }
}

/** dmar_fault(): the driver reads and clears the oldest record */
export function vtdFaultPop(f: VtdFaults): Gen<VtdFaultRecord | null> {
  return hwRecordPop(f, 'dmar_fault');
}

export function describeFault(f: VtdFaultRecord): string {
  const p = f.pasid === null ? '' : ` pasid ${f.pasid}`;
  return `DMAR: [DMA ${f.write ? 'Write' : 'Read'}] Request device [${(f.sid >>> 8).toString(16).padStart(2, '0')}:${((f.sid >>> 3) & 31).toString(16).padStart(2, '0')}.${f.sid & 7}]${p} fault addr 0x${f.iova.toString(16)} [fault reason 0x${f.reason.toString(16).padStart(2, '0')}] ${faultReasons[f.reason] ?? 'unknown'}`;
}
