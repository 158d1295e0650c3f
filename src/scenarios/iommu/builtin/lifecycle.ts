// A full device lifecycle on one thread: register the IOMMU, hot-add a PCI function, bind a
// DMA-API driver and DMA through the default domain, switch to vfio-pci, claim ownership, attach
// an external domain with a group handle, attach a PASID, DMA through both, detach, release
// ownership, unbind, remove, unregister.
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec, Op } from '../spec.js';

const ops: readonly Op[] = [
  { op: 'register', iommu: 'smmu0' },
  { op: 'hotAdd', dev: 'ep0' },
  { op: 'bind', dev: 'ep0' },
  { op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'buf' },
  { op: 'dma', dev: 'ep0', handle: 'buf' },
  { op: 'dmaUnmap', dev: 'ep0', handle: 'buf' },
  { op: 'unbind', dev: 'ep0' },
  { op: 'bind', dev: 'ep0', driverManagedDma: true },
  { op: 'claim', dev: 'ep0', owner: 'iommufd' },
  { op: 'domainAlloc', dev: 'ep0', domain: 'D1', pasid: true },
  { op: 'map', domain: 'D1', iova: 0x10000, paddr: 0x200000, size: 0x2000 },
  { op: 'attach', dev: 'ep0', domain: 'D1', api: 'handle', handle: 'idev0' },
  { op: 'domainAlloc', dev: 'ep0', domain: 'D2', pasid: true },
  { op: 'map', domain: 'D2', iova: 0x20000, paddr: 0x300000, size: 0x1000 },
  { op: 'pasidAttach', dev: 'ep0', domain: 'D2', pasid: 1, handle: 'idev0-pasid1' },
  { op: 'dma', dev: 'ep0', iova: 0x10000, expect: 0 },
  { op: 'dma', dev: 'ep0', iova: 0x20000, pasid: 1, expect: 0 },
  { op: 'pasidDetach', dev: 'ep0', domain: 'D2', pasid: 1 },
  { op: 'detach', dev: 'ep0', domain: 'D1' },
  { op: 'releaseOwner', dev: 'ep0' },
  { op: 'unmap', domain: 'D2', iova: 0x20000, size: 0x1000 },
  { op: 'domainFree', domain: 'D2' },
  { op: 'unmap', domain: 'D1', iova: 0x10000, size: 0x2000 },
  { op: 'domainFree', domain: 'D1' },
  { op: 'unbind', dev: 'ep0' },
  { op: 'remove', dev: 'ep0' },
  { op: 'unregister', iommu: 'smmu0' },
];

const base: Omit<IommuScenarioSpec, 'name' | 'summary' | 'description' | 'faults'> = {
  topology: {
    iommus: [{ name: 'smmu0', registered: false }],
    pci: [{ name: 'ep0', bus: 0, slot: 2, ats: true, pasids: 16, present: false }],
    defaultDomainType: 'dma',
  },
  threads: [{ name: 'lifecycle', ops }],
  expect: { pass: true },
};

export const iommuLifecycle = iommuScenario({
  ...base,
  name: 'iommu-lifecycle',
  summary: 'one device from hot-add to removal: DMA API, vfio ownership, external domain, PASID',
  description:
    'Registers the IOMMU, hot-adds an ATS/PASID-capable PCI function, binds a DMA-API driver and DMAs through ' +
    'the default domain, switches to vfio-pci, claims ownership, attaches an external domain with a group handle ' +
    'and a second one to PASID 1, DMAs through both, then undoes everything in order. Every operation must ' +
    'succeed and every §6 invariant hold after every step; nothing may leak.',
});

export const iommuLifecycleFailNth = iommuScenario({
  ...base,
  name: 'iommu-lifecycle-fail-nth',
  summary: 'the lifecycle with the fail_nth sweep: fail its 1st, 2nd, ... allocation point',
  description:
    'The lifecycle body under fail_nth, like iommufd_fail_nth: for every allocation and fault point it reaches, ' +
    'one run where that point fails. The body stops at its first error and the cleanup tears everything down; no ' +
    'run may oops, break an invariant or leak. Two points give what the kernel gives (docs/FINDINGS.md): a failed ' +
    'hot-add probe makes the later driver bind replay the probe and WARN ("late IOMMU probe at driver bind"), and ' +
    'a failed IOVA-domain init leaves the device on a translating DMA domain with dma-direct ops, so its DMA faults.',
  faults: { mode: 'nth', nth: 1 },
  expect: { violations: ['warn', 'dma-isolation'] },
});
