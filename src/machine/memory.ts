// The Machine's physical memory: the pages that hold IO page tables, stream/context tables and DMA
// buffers. Units whose tables live in memory (SMMUv3, VT-d) share the machine's one PhysMemory,
// made when the first of them is built; the mock's stream table keeps its IO page tables as
// objects of their own (hw/io-pgtable.ts) and needs none.
import { PhysMemory } from '../hw/memory/phys-memory.js';

export interface MachineMemory {
  readonly label: string;
}

/** frames of a machine's memory (4 GiB: page tables and buffers of a scenario need few) */
export const MACHINE_FRAMES = 1 << 20;

/** the machine's physical memory, made on first use */
export function machinePhysMemory(m: { memory: MachineMemory | null }): PhysMemory {
  if (m.memory instanceof PhysMemory) return m.memory;
  const mem = new PhysMemory('mem', { frames: MACHINE_FRAMES });
  m.memory = mem;
  return mem;
}
