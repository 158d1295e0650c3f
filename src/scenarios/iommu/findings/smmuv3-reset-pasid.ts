// Finding F8 (arm-smmu-v3 with the v7.0 reset hooks): pci_dev_reset_iommu_prepare() removes the
// PASIDs before it sets resetting_domain; arm-smmu-v3's blocking set_dev_pasid, on the last PASID,
// re-attaches what iommu_driver_get_domain_for_dev() answers, which is still group->domain. An
// identity RID is put back to bypass inside prepare: the function is reset unblocked.
import { iommuScenario } from '../build.js';

export const iommuSmmuv3ResetIdentityPasid = iommuScenario({
  name: 'iommu-smmuv3-reset-identity-pasid',
  summary: 'finding: arm-smmu-v3, identity RID + a PASID: prepare\'s PASID removal restores bypass, the FLR runs unblocked',
  description:
    'An ATS- and PASID-capable function on arm-smmu-v3 with an identity default domain and one PASID attached is ' +
    'reset (FLR). prepare attaches the blocking domain to the RID (a CD-table STE with S1DSS=TERMINATE, since a ' +
    'PASID is in use), then removes the PASID: the driver sees no SSID left and re-attaches the RID\'s domain as ' +
    'iommu_driver_get_domain_for_dev() reports it. resetting_domain is set only after the removals, so that is ' +
    'group->domain, the identity domain: the STE goes back to bypass and the function enters reset unblocked (I9). ' +
    'The mock never consults the core from set_dev_pasid, so it does not show this.',
  topology: {
    iommus: [{ name: 'smmu0', driver: 'smmuv3' }],
    pci: [{ name: 'ep0', bus: 0, slot: 5, ats: true, pasids: 256, reset: ['flr'] }],
    defaultDomainType: 'identity',
  },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
    { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1 },
  ],
  threads: [{ name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] }],
  expect: { violations: ['invariant'] },
});
