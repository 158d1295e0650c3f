// Finding: a driver_managed_dma driver (vfio-pci) binds while iommu_device_register() is between
// the two phases of bus_iommu_probe(), and its owner claims the group and attaches a domain. The
// §5a fix (-EPROBE_DEFER in iommu_device_use_default_domain()) does not apply to such drivers,
// and phase 2 then sets up the default domain of a group that is already owned: it switches the
// owner's domain out for the kernel's DMA domain.
import { iommuScenario } from '../build.js';
import { heldRegistrationTopology, registeringThread } from './between-phases.js';
import type { IommuScenarioSpec } from '../spec.js';

export const claimBetweenPhasesSpec: IommuScenarioSpec = {
  name: 'iommu-claim-between-phases',
  summary: 'finding: an owner claims a group bus_iommu_probe() has queued; phase 2 replaces its domain',
  description:
    'Phase 1 of bus_iommu_probe() put ep0 in a new group with no default domain. vfio-pci binds to ep0 ' +
    '(driver_managed_dma: the driver core does not call iommu_device_use_default_domain(), so the §5a ' +
    '-EPROBE_DEFER does not apply), iommufd claims it: __iommu_take_dma_ownership() sees group->domain == NULL ' +
    'and attaches the blocking domain, so the group has a domain and no default domain (I4), then the owner ' +
    'attaches its domain D. Phase 2 then runs iommu_setup_default_domain(): group->domain is set, so it switches ' +
    'the owned group to the new DMA default domain with __iommu_group_set_domain(); ep0 no longer translates ' +
    'through D and pasid_array[0] names D while group->domain is the default domain. The I4 oracle stops the ' +
    'execution at the claim (test/iommu-probe.test.ts runs it past that point). See docs/FINDINGS.md.',
  topology: heldRegistrationTopology,
  threads: [
    registeringThread,
    {
      name: 'vfio',
      ops: [
        // bus_iommu_probe() has put ep0 in a group; the group has no default domain yet
        { op: 'wait', event: 'bus_iommu_probe:pci:phase2' },
        { op: 'bind', dev: 'ep0', driverManagedDma: true, expect: 0 },
        { op: 'claim', dev: 'ep0', owner: 'iommufd', expect: 0 },
        { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
        { op: 'map', domain: 'D', iova: 0x40000, paddr: 0x500000, size: 0x1000 },
        { op: 'attach', dev: 'ep0', domain: 'D', api: 'handle', handle: 'idev0', expect: 0 },
        { op: 'signal', event: 'bus_iommu_probe:pci:phase2:resume' },
        { op: 'wait', event: 'registered' },
        // the user's device DMAs to the IOVA it mapped in D
        { op: 'dma', dev: 'ep0', iova: 0x40000, expect: 0 },
      ],
    },
  ],
  expect: { violations: ['invariant'] },
};

export const iommuClaimBetweenPhases = iommuScenario(claimBetweenPhasesSpec);
