// Finding F10 (prepare and done halves) as the driver contracts see it: during
// pci_dev_reset_iommu_prepare()/done() the answer of iommu_driver_get_domain_for_dev() is not the
// domain the RID is on. prepare parks the RID on the blocking domain, then removes the PASIDs, and
// sets resetting_domain only after: a driver that asks from remove_dev_pasid
// (arm_smmu_blocking_set_dev_pasid(), to downgrade the STE when the last PASID goes) is told
// group->domain. done re-attaches group->domain, then re-installs the
// PASIDs while resetting_domain is still set: a driver asking from set_dev_pasid
// (arm_smmu_set_pasid()) is told the blocking domain. The mock asks where arm-smmu-v3 does.
import { iommuScenario } from '../build.js';

export const iommuResetPasidQuery = iommuScenario({
  name: 'iommu-reset-pasid-query',
  summary: 'finding F10 (both halves): during a reset with PASIDs attached, iommu_driver_get_domain_for_dev() names a domain the RID is not on',
  description:
    'An ATS/PASID function owned by iommufd, its RID on D and PASID 3 on D, is reset (FLR). prepare parks the RID on ' +
    'the blocking domain and removes PASID 3 before it sets group->resetting_domain, so the driver, asking from ' +
    'remove_dev_pasid which domain the RID is on (as arm_smmu_blocking_set_dev_pasid() does), is told D. done ' +
    're-attaches D and re-installs PASID 3 before it clears resetting_domain, so set_dev_pasid (arm_smmu_set_pasid()) ' +
    'is told the blocking domain while the RID is on D. Each is a driver-contract report (F10\'s prepare and done halves); ' +
    'variant resetPrepareOrder=early,resetDoneOrder=early fixes both. See docs/FINDINGS.md.',
  topology: {
    iommus: [{ name: 'smmu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 2, ats: true, pasids: 8 }],
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D', pasid: true },
    { op: 'attach', dev: 'ep0', domain: 'D', api: 'group' },
    { op: 'pasidAttach', dev: 'ep0', domain: 'D', pasid: 3 },
  ],
  threads: [{ name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] }],
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['driver-contract'] },
  // intel-iommu: F17 (done's set_dev_pasid with old = the blocking domain) first
  expectByDriver: { vtd: { violations: ['null-deref'] } },
  // both halves fixed: prepare announces the reset before staging (F10), done ends it before it
  // re-installs the PASIDs (F10's done half)
  variants: [{ patches: [{ resetPrepareOrder: 'early', resetDoneOrder: 'early' }], expect: { pass: true }, expectByDriver: { vtd: { violations: ['null-deref'] } } }],
});
