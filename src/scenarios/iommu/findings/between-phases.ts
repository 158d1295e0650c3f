// What the "between the two phases of bus_iommu_probe()" reproducers share: ep0 behind an IOMMU
// that registers in a thread, held at the pause point after phase 1 until another thread resumes it.
import type { ThreadSpec, Topology } from '../spec.js';

export const heldRegistrationTopology: Topology = {
  iommus: [{ name: 'smmu0', registered: false }],
  pci: [{ name: 'ep0', bus: 0, slot: 9 }],
  defaultDomainType: 'dma',
  pausePoints: ['bus_iommu_probe:pci:phase2'],
};

/** registers smmu0 (pausing between the phases), then signals "registered" */
export const registeringThread: ThreadSpec = {
  name: 'iommu-probe',
  ops: [
    { op: 'register', iommu: 'smmu0', expect: 0 },
    { op: 'signal', event: 'registered' },
  ],
};
