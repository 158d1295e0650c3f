// Seed 002 (Nicolin Chen's test_dev, patch 03/20, and Jason Gunthorpe's objection; hardware.md
// §1.17) on arm-smmu-v3. The proposed design: attach requests during a reset are checked with
// test_dev and recorded, done() applies them. User space attaches an S1 domain to PASID 1 and an
// S2 (nest parent) domain to the RID during an FLR. test_dev answers from the driver's view, in
// which no SSID is in use (prepare removed them), so both pass; at done() the PASID goes back over
// the S2 STE. The merged design refuses both with -EBUSY.
import { EBUSY } from '../../../sync/index.js';
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec } from '../spec.js';

const base: Omit<IommuScenarioSpec, 'name' | 'summary' | 'description' | 'expect'> = {
  topology: {
    iommus: [{ name: 'smmu0', driver: 'smmuv3' }],
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, pasids: 256, reset: ['flr'] }],
    defaultDomainType: 'dma',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
    { op: 'domainAlloc', dev: 'ep0', domain: 'S2', nestParent: true },
  ],
  threads: [
    {
      name: 'iommufd',
      ops: [
        { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1, expect: [0, -EBUSY] },
        // -EBUSY also outside the reset: an S2 RID domain while an SSID is in use
        { op: 'attach', dev: 'ep0', domain: 'S2', expect: [0, -EBUSY] },
      ],
    },
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
  ],
};

export const iommuSeed002Merged = iommuScenario({
  ...base,
  name: 'iommu-seed002-reset-refuses',
  summary: 'seed 002, merged design: attaches during an FLR get -EBUSY; PASID then S2 RID never both land',
  description:
    'An FLR races iommufd attaching an S1 domain to PASID 1 and then an S2 (nest parent) domain to the RID of an ' +
    'arm-smmu-v3 function. With the v7.0 hooks both are refused with -EBUSY during the reset; outside it the S2 ' +
    'attach is refused while PASID 1 is in use (arm_smmu_attach_dev: SSIDs in use). Every interleaving keeps the ' +
    'hardware and the core in agreement.',
  expect: { pass: true },
});

export const iommuSeed002Recorded = iommuScenario({
  ...base,
  name: 'iommu-seed002-test-dev-recorded',
  summary: 'seed 002, proposed design: test_dev passes both attaches during the FLR; done() leaves the RID aborting',
  description:
    'Patches testDevOp and resetRecordAttach: during the reset, test_dev accepts the PASID attach and then the S2 ' +
    'RID attach (no SSID is in use in the driver\'s view: prepare removed them, the PASID is only recorded), and ' +
    'the core records both. done() attaches S2 to the RID, then re-installs PASID 1: set_dev_pasid takes the RID\'s ' +
    'domain from iommu_driver_get_domain_for_dev(), still the blocking (resetting) domain, and makes the STE a ' +
    'CD-table one with S1DSS=TERMINATE over the S2 STE. No error reaches anyone; the RID aborts while ' +
    'group->domain is S2 (I3). Jason Gunthorpe\'s objection, as a trace.',
  patches: ['testDevOp', 'resetRecordAttach'],
  // and the driver contracts see done's query answer the blocking domain (F10's done half)
  expect: { violations: ['invariant', 'driver-contract'] },
});
