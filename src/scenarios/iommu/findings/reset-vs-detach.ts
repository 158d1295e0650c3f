// Finding: the owner detaching and releasing a function while it is being reset. The nofail
// switches of detach and ownership release are refused with -EBUSY while resetting_domain is set
// (WARN), group->domain keeps the owner's domain, the owner frees it, and reset done re-attaches
// the freed domain.
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec } from '../spec.js';

export const resetVsDetachSpec: IommuScenarioSpec = {
  name: 'iommu-reset-vs-detach',
  summary: 'finding: detach + free during an FLR; the nofail switch is refused, done re-attaches a freed domain',
  description:
    'An owned ATS function with an external domain attached is reset (FLR) while its owner detaches and frees ' +
    'the domain (what closing a VFIO/iommufd device does). In the v7.0 baseline ' +
    '__iommu_group_set_domain_internal() returns -EBUSY while group->resetting_domain is set, also for the ' +
    'MUST_SUCCEED switch of iommu_detach_group(), which WARNs and leaves group->domain on the owner\'s domain. The ' +
    'owner then frees it (group->domain points at freed memory, I5) and pci_dev_reset_iommu_done() attaches it ' +
    'again: a use-after-free. See docs/FINDINGS.md.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 6, ats: true, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'vfio' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
    { op: 'attach', dev: 'ep0', domain: 'D', api: 'group' },
  ],
  threads: [
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
    {
      name: 'close',
      ops: [
        { op: 'detach', dev: 'ep0', domain: 'D', api: 'group', expect: 0 },
        { op: 'domainFree', domain: 'D', expect: 0 },
      ],
    },
  ],
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['warn', 'invariant', 'use-after-free', 'driver-contract'] },
  // intel-iommu: domain_free() WARNs and keeps a domain still on its device list (the failed
  // nofail detach left ep0 on D), so D is also leaked (docs/FINDINGS.md, Built-ins on VT-d)
  // On both drivers the DMA --driver adds after the reset walks D's freed table, which done
  // re-attached (dma-isolation, H4: F1's consequence for the device)
  expectByDriver: {
    smmuv3: { violations: ['warn', 'invariant', 'use-after-free', 'driver-contract', 'dma-isolation'] },
    vtd: { violations: ['warn', 'invariant', 'use-after-free', 'leak', 'driver-contract', 'dma-isolation'] },
  },
};

export const iommuResetVsDetach = iommuScenario(resetVsDetachSpec);
