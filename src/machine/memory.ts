// The Machine's physical memory: the pages that hold IO page tables, IOMMU structures (context,
// PASID, stream and CD tables) and buffers. Made when the first unit that needs it is built (the
// mock's stream table does not); every unit of the machine shares it, and it outlives a kernel.
import { PhysMemory } from '../hw/memory/phys-memory.js';

export interface MachineMemory {
  readonly label: string;
}

/** the machine's physical memory, made on first use (setup) */
export function machinePhysMemory(m: { memory: MachineMemory | null }): PhysMemory {
  if (m.memory === null) m.memory = new PhysMemory('mem', { frames: 1 << 20 });
  if (!(m.memory instanceof PhysMemory)) throw new Error('machine: its memory is not physical memory');
  return m.memory;
}
