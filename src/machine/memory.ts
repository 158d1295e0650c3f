// The hook for the Machine's physical memory: the pages that hold IO page tables and DMA buffers.
// The hardware models of memory pages (hw/) plug in here; until then the Machine has none and
// an IO page table is an object of its own (hw/io-pgtable.ts).
export interface MachineMemory {
  readonly label: string;
}
