// Seed 000's driver-facing query, iommu_driver_get_domain_for_dev(), with a driver that asks it
// from set_dev_pasid: SMMUv3's arm_smmu_blocking_set_dev_pasid() re-attaches the RID's domain
// when the last PASID goes and that domain is identity or blocked (the mock knob
// lastPasidRestoresRid). Prepare moves the PASIDs before it sets resetting_domain, so the
// driver hears group->domain (finding).
import { iommuScenario } from '../build.js';
import type { IommuScenarioSpec } from '../spec.js';

const topology: IommuScenarioSpec['topology'] = {
  iommus: [{ name: 'smmu0' }],
  mock: { lastPasidRestoresRid: true },
  pci: [{ name: 'ep0', bus: 0, slot: 6, ats: true, pasids: 8, reset: ['flr'] }],
  defaultDomainType: 'identity',
};

const prologue: IommuScenarioSpec['prologue'] = [
  { op: 'domainAlloc', dev: 'ep0', domain: 'S', pasid: true },
  { op: 'pasidAttach', dev: 'ep0', domain: 'S', pasid: 1 },
];

export const iommuResetPasidIdentity = iommuScenario({
  name: 'iommu-reset-pasid-identity',
  summary: 'finding F10: prepare removes the last PASID before setting resetting_domain; an SMMUv3-like driver puts the RID back on identity',
  description:
    'An ATS/PASID function on an identity default domain has a paging domain on PASID 1 (SVA-like) and is reset ' +
    '(FLR). The driver, like arm_smmu_blocking_set_dev_pasid(), re-attaches the RID\'s domain when a device\'s last ' +
    'PASID goes and iommu_driver_get_domain_for_dev() says it is identity or blocked. ' +
    'pci_dev_reset_iommu_prepare() moves the RID to the blocking domain, then removes the PASIDs, and sets ' +
    'resetting_domain only after that: removing PASID 1 asks the query, which still answers group->domain ' +
    '(identity), and the driver puts the RID back on identity: the function is reset while bypassing, ATS aside ' +
    '(I9). Variant resetPrepareOrder=early (resetting_domain set before staging, cleared if staging fails) fixes ' +
    'it; done then re-installs PASID 1 before it clears resetting_domain, and the driver is told the blocking ' +
    'domain while the RID is on identity (F10\'s done half, a driver-contract report), which resetDoneOrder=early fixes too. ' +
    'See docs/FINDINGS.md.',
  topology,
  prologue,
  threads: [{ name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] }],
  // the driver contract sees F10 at the query: the answer is identity, the RID is on abort
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['invariant', 'driver-contract'] },
  // on arm-smmu-v3 the early order fixes prepare, but done restores PASID 1 while resetting_domain
  // is still set: set_dev_pasid hears the blocking domain and makes the identity RID S1DSS=TERMINATE (I3)
  // intel-iommu: no RID downgrade when the last PASID goes (that half is SMMUv3's), but done hands
  // set_dev_pasid old = the blocking domain and the replace branch reads its DID: F17 (null-deref)
  expectByDriver: { vtd: { violations: ['null-deref'] } },
  variants: [
    // prepare fixed, done still re-installs PASID 1 with resetting_domain set: the driver hears
    // the blocking domain while the RID is back on identity (F10's done half)
    {
      patches: [{ resetPrepareOrder: 'early' }],
      expect: { violations: ['driver-contract'] },
      expectByDriver: { smmuv3: { violations: ['invariant', 'driver-contract'] }, vtd: { violations: ['null-deref'] } },
    },
    // (intel-iommu: F17 is not about the query, the fixes leave it)
    { patches: [{ resetPrepareOrder: 'early', resetDoneOrder: 'early' }], expect: { pass: true }, expectByDriver: { vtd: { violations: ['null-deref'] } } },
  ],
});

export const iommuResetPasidDetach = iommuScenario({
  name: 'iommu-reset-pasid-detach',
  summary: 'seed 000: the driver-facing query during a reset: a PASID detached mid-reset must not unblock the RID',
  description:
    'As iommu-reset-pasid-identity with its prepare fixed (resetPrepareOrder=early), and the owner detaches PASID ' +
    '1 while the function is reset, in any interleaving. During the reset the PASID detach is ' +
    'not fenced: __iommu_remove_group_pasid() runs the blocked domain\'s set_dev_pasid() on the function in reset, ' +
    'and the driver asks iommu_driver_get_domain_for_dev() what the RID is on. As merged the query answers ' +
    'resetting_domain, the blocking domain, and the RID stays blocked. Variant resetDriverQuery=groupDomain (the ' +
    'query as iommu_get_domain_for_dev() answers, before the series) answers identity, and the driver unblocks ' +
    'the function in reset (I9): what the query is for (seed 000). The driver contracts report two things in the ' +
    'merged order: done re-installs PASID 1 while resetting_domain is still set (F10\'s done half; variant resetDoneOrder=early ' +
    'fixes it), and a detach during the reset calls remove_dev_pasid with old = S for a PASID prepare already ' +
    'removed (F22).',
  topology,
  patches: [{ resetPrepareOrder: 'early' }],
  prologue,
  threads: [
    { name: 'reset', ops: [{ op: 'reset', dev: 'ep0', expect: 0 }] },
    { name: 'owner', ops: [{ op: 'pasidDetach', dev: 'ep0', domain: 'S', pasid: 1, expect: 0 }] },
  ],
  // the driver contracts: done's query while it re-installs PASID 1 (F10's done half), and the detach's
  // remove_dev_pasid told old = S for a PASID prepare already removed (F22)
  // --driver smmuv3|vtd: a DMA at a chosen point (a thread of its own multiplies the interleavings; docs/FINDINGS.md)
  overrideDma: { thread: 'reset', after: 0 },
  expect: { violations: ['driver-contract'] },
  // arm-smmu-v3: done's PASID restore aborts the identity RID (F10, the done half)
  // intel-iommu: F17 at done, whatever the query answers
  expectByDriver: { smmuv3: { violations: ['invariant', 'driver-contract'] }, vtd: { violations: ['null-deref', 'driver-contract'] } },
  variants: [
    { patches: [{ resetDriverQuery: 'groupDomain' }], expect: { violations: ['invariant', 'driver-contract'] }, expectByDriver: { vtd: { violations: ['null-deref', 'driver-contract'] } } },
    // arm-smmu-v3: the owner's PASID detach turns ATS off after done, between the reset's read of
    // pdev->ats_enabled and its pci_restore_ats_state() write: ATS on behind a non-EATS STE (H9, F26)
    { patches: [{ resetDoneOrder: 'early' }], expect: { violations: ['driver-contract'] }, expectByDriver: { vtd: { violations: ['null-deref', 'driver-contract'] }, smmuv3: { violations: ['driver-contract', 'invariant'] } } },
  ],
});
