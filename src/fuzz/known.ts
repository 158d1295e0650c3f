// Signatures the user already knows: reported as known, not new, and not triaged again. By
// default the built-in findings (docs/FINDINGS.md) as iommulab fuzz names them; a file lists
// one signature per line (`# note` lines name the next signature; blank lines are skipped).
// Matched by key (sigkey.ts): the names of devices, domains, IOMMUs, ... in an entry do not matter.
import { readFileSync } from 'node:fs';
import { signatureKey } from './sigkey.js';

export interface KnownSignature {
  readonly signature: string;
  /** what it is (a finding of docs/FINDINGS.md, or a note) */
  readonly note: string;
  /**
   * a built-in scenario (or, with `file`, a scenario of that file, relative to the package root:
   * a finding with a reproducer and no built-in yet) and a replay key whose execution reports
   * this signature (domain names aside)
   */
  readonly replay?: { readonly scenario: string; readonly schedule: string; readonly file?: string };
}

/**
 * The built-in findings (docs/FINDINGS.md), as iommulab fuzz names them: the canonical
 * signatures of its minimized reproducers (names as canonical.ts gives them: domain D0, device
 * ep0). A finding can show as several signatures (its WARN, the invariant, the use-after-free
 * that follows); each one its built-in scenario reports is listed, with the replay key that
 * shows it (test/fuzz-known.test.ts replays them: npm test the first entry of each finding, the note's first word, F3 or F-BRANCH-1; npm run test:heavy every entry). Other symptoms of the same bugs that the
 * fuzzer finds (docs/FUZZING.md) are reported as new: no built-in scenario shows them.
 */
export const builtinKnown: readonly KnownSignature[] = [
  {
    signature: 'warn in __iommu_group_set_domain_nofail via iommu_detach_group: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F1: detach during a PCI reset is refused (the WARN)',
    replay: { scenario: 'iommu-reset-vs-detach', schedule: '1x6.2x4' },
  },
  {
    signature: 'invariant in mock_domain_free via iommu_domain_free: invariant violated: I5: domain:D0#N freed while group#N->domain points at it',
    note: 'F1: the owner frees the domain the group still points at',
    replay: { scenario: 'iommu-reset-vs-detach', schedule: '1x6.2x4' },
  },
  {
    signature: 'use-after-free in mock_translation_of via pci_reset_function_with: KASAN: slab-use-after-free: Read of mock->pt of io_pgtable#N',
    note: 'F1: the reset re-attaches the freed domain (DMA through it)',
    replay: { scenario: 'iommu-reset-vs-detach', schedule: '1x8.2x4.1' },
  },
  {
    signature: 'warn in prepare_locked via pci_reset_function_with: WARNING: WARN_ON(group->resetting_domain)',
    note: 'F2: reset methods that call other hooked methods re-enter prepare',
    replay: { scenario: 'iommu-reset-nested', schedule: '-' },
  },
  {
    signature: 'use-after-free in bus_iommu_probe via iommu_device_register: KASAN: slab-use-after-free: lock &group#N->mutex of group#N',
    note: 'F3: hot-remove between the two phases of bus_iommu_probe() frees a queued group',
    replay: { scenario: 'iommu-remove-between-phases', schedule: '-' },
  },
  {
    signature: 'warn in __iommu_probe_device via really_probe: WARNING: dev_WARN: late IOMMU probe at driver bind, something fishy here!',
    note: 'F4: a failed hot-add probe makes the later driver bind WARN',
    replay: { scenario: 'iommu-lifecycle-fail-nth', schedule: 'n1/-' },
  },
  {
    signature: 'dma-isolation in device_dma: DMA isolation: dev:ep0 DMA to mapped 0xN failed (fault) while its driver is bound',
    note: 'F5: a failed IOVA-domain init leaves a translating domain with dma-direct ops',
    replay: { scenario: 'iommu-lifecycle-fail-nth', schedule: 'n15/-' },
  },
  {
    signature: 'invariant in iommu_device_claim_dma_owner: invariant violated: I4: group#N has domain domain:blocked#N but no default_domain',
    note: 'F7: an owner claims a group between the bus_iommu_probe() phases',
    replay: { scenario: 'iommu-claim-between-phases', schedule: '-' },
  },
  {
    signature: 'null-deref in alloc_iova_fast via dma_map_page: BUG: kernel NULL pointer dereference: iovad->rcaches',
    note: 'F5 followed: the next device on the domain maps through an IOVA domain without rcaches',
    replay: { scenario: 'iommu-iova-init-once', schedule: 'n15/-' },
  },
  {
    signature: 'warn in prepare_locked via reset_method_store: WARNING: WARN_ON(group->resetting_domain)',
    note: 'F8: a sysfs reset_method write racing a reset re-enters prepare',
    replay: { scenario: 'iommu-reset-method-vs-reset', schedule: '1x14.2x4' },
  },
  {
    signature: 'dma-isolation in device_dma: DMA isolation: dev:ep0 DMA to mapped 0xN failed (abort) while its driver is bound',
    note: 'F9: writing reset_method blocks a live device\'s DMA',
    replay: { scenario: 'iommu-reset-method-live', schedule: '2x8.1' },
  },
  {
    signature: 'invariant in hw_function_reset_start via pci_reset_function_with: invariant violated: I9: dev:ep0 is in reset but its RID is bypass',
    note: 'F10: prepare removes the PASIDs before it sets resetting_domain; the driver puts the RID back on identity',
    replay: { scenario: 'iommu-reset-pasid-identity', schedule: '-' },
  },
  {
    signature: 'invariant in mock_attach_dev via device_add: invariant violated: I9: dev:ep0 is in reset but its RID is translate(io_pgtable#N)',
    note: 'F11: a function hot-added during a reset with a DMA alias of the reset one reprograms its requester ID',
    replay: { scenario: 'iommu-reset-vs-hotadd-alias', schedule: '1x16.2x27' },
  },
  {
    signature: 'null-deref in __iommu_attach_device via pci_reset_function_with: BUG: kernel NULL pointer dereference: domain',
    note: 'F12: a PCI reset racing the IOMMU registration that probes its device (between the probe phases: no default domain yet)',
    replay: { scenario: 'iommu-register-vs-reset', schedule: '-' },
  },
  {
    signature: 'warn in __iommu_probe_device via iommu_device_register: WARNING: dev_WARN: late IOMMU probe at driver bind, something fishy here!',
    note: 'F13: a driver binds while a registering IOMMU has dropped the probe lock for the firmware replay (the WARN)',
    replay: { scenario: 'iommu-register-vs-bind', schedule: '1x21.2x7' },
  },
  {
    signature: 'invariant in iommu_setup_dma_ops via iommu_device_register: invariant violated: I11: dev->dma_iommu of dev:ep0 changed from false to true while its driver was bound',
    note: 'F13: phase 2 switches the bound driver\'s DMA ops (I11)',
    replay: { scenario: 'iommu-register-vs-bind', schedule: '1x21.2x7' },
  },
  {
    signature: 'invalidation-timeout in execute via iommu_unmap: IOMMU invalidation timeout: H16: an ATS invalidation sent to dev:ep0 timed out: the function is in reset (I9: nothing may be sent to a function the reset hooks blocked)',
    note: 'F15 (arm-smmu-v3): an unmap\'s ATC invalidation built before reset prepare reaches the function in reset',
    replay: { scenario: 'iommu-smmuv3-unmap-vs-reset', schedule: '1x13.2x58.1x2' },
  },
  {
    signature: 'invariant in iommu_replace_group_handle: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:D0#N (translate(page[0xN]))',
    note: 'F16 (intel-iommu): a failed RID replace leaves the device blocked while the core keeps the old domain',
    replay: { scenario: 'iommu-vtd-failed-replace', schedule: 'n1/-' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via dma_map_page: iommu driver contract violated: attach_dev: old is NULL but the hardware has dev:ep0 RID on translate(io_pgtable#N)',
    note: 'F21: iommu_deferred_attach() does not test attach_deferred again under the mutex; after a reset it attaches again with old = NULL',
    replay: { scenario: 'iommu-reset-vs-deferred-map', schedule: '1x6.2x14' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via iommu_detach_device_pasid: iommu driver contract violated: remove_dev_pasid: old is domain:D0#N (translate(io_pgtable#N)) but the hardware has dev:ep0 PASID N on abort',
    note: 'F22: a PASID detached during a reset is removed a second time, with old = the domain prepare already took off',
    replay: { scenario: 'iommu-reset-pasid-detach', schedule: '1x19.2x2' },
  },
  {
    signature: 'null-deref in domain_id_iommu via pci_reset_function_with: BUG: kernel NULL pointer dereference: domain_id_iommu(): info',
    note: 'F17 (intel-iommu): reset done re-installs a PASID with old = the blocking domain',
    replay: { scenario: 'iommu-vtd-reset-pasid', schedule: '-' },
  },
  {
    signature: 'use-after-free in iommu_device_use_default_domain via really_probe: KASAN: slab-use-after-free: lock &group#N->mutex of group#N',
    note: 'F23: a failed IOMMU registration releases a device a driver is binding to',
    replay: {
      scenario: 'failed-register-vs-bind',
      file: 'test/fixtures/failed-register-vs-bind.yaml',
      schedule:
        '1x6.S.1x30.2x7.S.2x11.S.2x13.S.2x5.S.2x4.S.2.S.2x2.S.2x6.S.2.S.2.S.2.S.2x9.S.2x11.S.2x13.S.2x5.S.2x4.S.2.S.2x2.S.2x6.S.2.S.2.S.2.S.2x11.S.2.S.2.S.2x11.S.2x11.S.2.S.1x6.F.2x53',
    },
  },
  {
    signature: 'warn in done_locked via pci_reset_function_with: WARNING: WARN_ON(__iommu_attach_device(group->domain, &pdev->dev, group->blocking_domain))',
    note: 'F24: a reset whose re-attach fails (an allocation in the driver\'s attach) WARNs and leaves the function blocked',
    replay: { scenario: 'reset-reattach-fails', file: 'test/fixtures/reset-reattach-fails.yaml', schedule: 'F' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via pci_reset_function_with: iommu driver contract violated: set_dev_pasid(dev:ep0, pasid N) beyond max_pasids N',
    note: 'F25: a reset removes the group\'s PASIDs from a function without PASID support',
    replay: { scenario: 'reset-no-pasid-function', file: 'test/fixtures/reset-no-pasid-function.yaml', schedule: '-' },
  },
  {
    signature: 'invariant in driver_attach_dev via reset_method_store: invariant violated: H9: ep:ep0 has ATS enabled but its STE (sid N) has EATS=abt (after attach_dev(dev:ep0) returned N)',
    note: 'F26 (arm-smmu-v3): pci_restore_ats_state() re-enables ATS behind an STE that no longer allows it',
    replay: { scenario: 'iommu-reset-method-vs-reset@smmuv3', schedule: '1x106.2x7.1x2' },
  },
  // branch sigcore: the IOMMU-core signatures of the default 10-minute fuzz run (2026-12-05 11:08 UTC,
  // main 91b422c) that are not findings of their own, each classified in docs/FUZZING.md ("Signatures
  // of the default run that are not findings: the IOMMU core"); the replays are the fuzzer's
  // reproducers (as found where the run did not minimize them), names as the reproducer has them
  {
    signature: 'assertion: assertion failed: module iommu_mock still has N reference(s)',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-01', file: 'test/fixtures/fuzz-sigcore/sigcore-01.yaml', schedule: '1x119.2x195' },
  },
  {
    signature: 'double-free in dev_iommu_free via iommu_device_register: KASAN: double-free: kfree(dev_iommu:plat2)',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-02', file: 'test/fixtures/fuzz-sigcore/sigcore-02.yaml', schedule: '3.1.2x2.3.1.3.2x4.1.2.1.2.1.2x2.1.S.2x5.1.2x2.1.2.1x3.2x4.1x2.2x4.1.2.1.2.S.2.S.2x4.1x2.S.1x3.2.S.2.1x4.2x2.1.2.1.2x4.1.2.1x3.S.2.1.2x2.1.2.1.2.1.S.1.S.2.1.S.2x3.1.2x4.1.S.2x3.1.2.1.2.1.2x2.1x2.S.1.F.2.1x5.2.1.2.1.2x2.1x4.2x2.1x2.2.1.2.1.2x2.1x3.2x4.1x4.2x2' },
  },
  {
    signature: 'double-free in dev_iommu_free via iommu_device_register: KASAN: double-free: kfree(fwspec#N)',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-03', file: 'test/fixtures/fuzz-sigcore/sigcore-03.yaml', schedule: '2.1x2.2x3.1x2.2x3.1x3.2.1.S.2x2.1x4.2.1.2x6.1x2.S.1x2.2x3.1x3.2x2.1x3.2x2.1x2.2.1.2.1x2.S.1x2.2.1.2.1.S.1.S.2.1.S.1x2.S.1.2x2.1.2.1x2.2x2.1.S.1.S.1.S.2.S.1.S.2.S.2x5.1x2.2.1.2x2.1x2.2.1.2x2.1x3.2.1.2x2.1.S.1.S.1x2.2.1.S.2x2.1.2.1.2.1.F.2x2.1x3.2.1x2.2.1x2.2.1x3.2.1.2.1.2x4.1.2.1x2.2.1.2.1x2.2x5.1.2x7.1.2x2.1.2.1x3.2.1.2x5.1x2.2x2.1x3.2x3.1.2.1.2.1x2.2x3.1x4.2x2.1.2x2.1.2x4.1.2.1.2x3.1.2' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via device_add: iommu driver contract violated: attach_dev: old is domain:default#N (translate(page[0xN])) but the hardware has dev:ep1 RID on abort',
    note: 'F24 (consequence) and alias sharing: a probe\'s first attach failed in the driver (allocation) or a sibling sharing the requester ID blocked it, and the next attach is told old = the default domain while the RID aborts',
    replay: { scenario: 'sigcore-04', file: 'test/fixtures/fuzz-sigcore/sigcore-04.yaml', schedule: 'Sx9.F' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via iommu_device_register: iommu driver contract violated: attach_dev: old is NULL but the hardware has dev:ep0 RID on translate(io_pgtable#N)',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-05', file: 'test/fixtures/fuzz-sigcore/sigcore-05.yaml', schedule: '2x196.1x8' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via reset_method_store: iommu driver contract violated: attach_dev: old is domain:blocked#N (abort) but the hardware has dev:ep0 RID on translate(io_pgtable#N)',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-06', file: 'test/fixtures/fuzz-sigcore/sigcore-06.yaml', schedule: '2x181.4x2.3x2.1x8.2x18.4x21.2x2' },
  },
  {
    signature: 'driver-contract in driver_domain_free via device_del: iommu driver contract violated: ops->free(domain:default#N) while iommu1 stream 0xN RID still translates through it',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-07', file: 'test/fixtures/fuzz-sigcore/sigcore-07.yaml', schedule: '1x2.2x3.1.2.1.2.1.2x5.1.2x3.1.2x2.1.2x3.1.2x2.1x3.2.1x3.2x2.1.2.1.2x2.1.2.1.2.1.2.1.2x3.1x6.2.1.2.1x2.2.1.2.1x3.2.1.2x3.1.2.1x2.2.1.2.1.2x2.1.2x4.1x2.2.1x2.2x3.1.2x3.1.2.1x2.2x3.1x3.2.1.2.1x2.2.1.2x2.1x5.2x4.1x2' },
  },
  {
    signature: 'driver-contract in driver_domain_free via iommu_device_register: iommu driver contract violated: ops->free(domain:default#N) while iommu1 stream 0xN RID still translates through it',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-08', file: 'test/fixtures/fuzz-sigcore/sigcore-08.yaml', schedule: '2x3.1x3.S.2.S.1.S.1x2.Sx13.1.2x2.1x2.2.1.S.2.1.Sx9.1.2x2.1.S.2x2.S.1.2x2.1.Sx5.F.2x7.1x2.2x2.1x2.2.1.2x3.1x4.2.1.2.1.2x2.1.2.1x3.2x4.1x2.2x2.1x4.2x2.1x4.2.1x2.2x6.1x5.2x3.1.2.1x2.2x2.1x4.2x5.1.2x2.1x4.2.1.2.1.2x2.1.2.1x2.2.1x6.2x2.1x2.2.1x2.2x3.1.2' },
  },
  {
    signature: 'driver-contract in driver_domain_free via iommu_domain_free: iommu driver contract violated: ops->free(domain:D0#N) while iommu0 stream 0xN PASID N still translates through it',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    // (sigcore-09's witness attached its PASID after the claim had failed; branch sigreg)
    replay: { scenario: 'sigcore-25', file: 'test/fixtures/fuzz-sigcore/sigcore-25.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:default#N but the hardware has its RID on abort',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigcore-10', file: 'test/fixtures/fuzz-sigcore/sigcore-10.yaml', schedule: '1x3.2x2.1x2.2.S.2.1.Sx2' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:blocked#N but the hardware has its RID on translate(page[0xN])',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigcore-11', file: 'test/fixtures/fuzz-sigcore/sigcore-11.yaml', schedule: '-' },
  },
  // (the same report on dev:ep1, sigcore-12's, is this entry's key: sigkey.ts)
  {
    signature: 'invariant in __iommu_group_remove_device via device_del: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-13', file: 'test/fixtures/fuzz-sigcore/sigcore-13.yaml', schedule: '-' },
  },
  {
    signature: 'invariant in __iommu_group_remove_device: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-14', file: 'test/fixtures/fuzz-sigcore/sigcore-14.yaml', schedule: 'Sx15.F' },
  },
  {
    signature: 'invariant in __iommu_probe_device via device_add: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-15', file: 'test/fixtures/fuzz-sigcore/sigcore-15.yaml', schedule: 'Sx7.F' },
  },
  {
    signature: 'invariant in bus_iommu_probe via iommu_device_register: invariant violated: I3: group#N has a default_domain but no domain',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-16', file: 'test/fixtures/fuzz-sigcore/sigcore-16.yaml', schedule: '3x10.1x250.2x17.1x36' },
  },
  {
    signature: 'invariant in iommu_attach_device: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:identity#N (bypass)',
    note: 'F16 (another entry point): the driver\'s attach fails (allocation) and leaves the RID blocked while group->domain keeps the old domain',
    replay: { scenario: 'sigcore-18', file: 'test/fixtures/fuzz-sigcore/sigcore-18.yaml', schedule: 'S.F' },
  },
  {
    signature: 'invariant in iommu_attach_device: invariant violated: I4: group#N has domain domain:D4#N but no default_domain',
    note: 'F7\'s window reached by a driver that was not bound (harness error, fixed on branches sigreg and sigattach): the bind was deferred between the bus_iommu_probe() phases and the program called iommu_attach_device() anyway',
  },
  {
    signature: 'invariant in iommu_attach_group: invariant violated: I3: dev:br0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'Caller bug (harness error, fixed on branch sigreg: every witness attached a group whose claim had failed, so the group was on its default domain; no longer generated), then F16\'s mechanism: the driver\'s attach fails (allocation) and leaves the RID blocked while group->domain keeps the default domain (with a claim that holds the group is on its blocking domain and a failed attach leaves it coherent)',
    replay: { scenario: 'sigreg-caller-attach', file: 'test/fixtures/fuzz-sigreg/sigreg-caller-attach.yaml', schedule: '1x10.S.1.S.1x3.S.1x33.F.1' },
  },
  {
    signature: 'invariant in iommu_group_claim_dma_owner: invariant violated: I4: group#N has domain domain:blocked#N but no default_domain',
    note: 'F7 (another entry point): an owner\'s claim or attach between the bus_iommu_probe() phases (the group has no default domain, or no member on its list yet)',
    replay: { scenario: 'sigcore-21', file: 'test/fixtures/fuzz-sigcore/sigcore-21.yaml', schedule: '1x221.3x34' },
  },
  {
    signature: 'invariant in iommu_group_store_type: invariant violated: I3: dev:br0 RID is abort but group#N->domain is domain:identity#N (bypass)',
    note: 'F16 (another entry point): the driver\'s attach fails (allocation) and leaves the RID blocked while group->domain keeps the old domain',
    replay: { scenario: 'sigcore-22', file: 'test/fixtures/fuzz-sigcore/sigcore-22.yaml', schedule: 'n5/-' },
  },
  {
    signature: 'invariant in mock_domain_free via device_del: invariant violated: I5: iommu1 stream N RID still translates through freed io_pgtable#N',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-23', file: 'test/fixtures/fuzz-sigcore/sigcore-23.yaml', schedule: '2x3.1.2.1.S.1.S.1.S.1x2.Sx13.1.2.1x3.S.1.2.Sx9.2x2.1.2.1.S.2.1.S.2.1.2.1.Sx6.2x2.1.2.1x2.2.1.2.1x2.2x3.Sx2.F' },
  },
  {
    signature: 'invariant in mock_domain_free via iommu_device_register: invariant violated: I5: iommu1 stream N RID still translates through freed io_pgtable#N',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-24', file: 'test/fixtures/fuzz-sigcore/sigcore-24.yaml', schedule: '2x3.1x3.S.2.S.1.S.1x2.Sx13.1.2x2.1x2.2.1.S.2.1.Sx9.1.2x2.1.S.2x2.S.1.2x2.1.Sx5.F.2x7.1x2.2x2.1x2.2.1.2x3.1x4.2.1.2.1.2x2.1.2.1x3.2x4.1x2.2x2.1x4.2x2.1x4.2.1x2.2x6.1x5.2x3.1.2.1x2.2x2.1x4.2x5.1.2x2.1x4.2.1.2.1.2x2.1.2.1x2.2.1x6.2x2.1x2.2.1x2.2x3.1.2' },
  },
  {
    signature: 'invariant in mock_domain_free via iommu_domain_free: invariant violated: I5: iommu0 stream N PASID N still translates through freed io_pgtable#N',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-25', file: 'test/fixtures/fuzz-sigcore/sigcore-25.yaml', schedule: '-' },
  },
  {
    signature: 'invariant in mock_release_device via device_del: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:identity#N (bypass)',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigcore-26', file: 'test/fixtures/fuzz-sigcore/sigcore-26.yaml', schedule: '1x18.2x68' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'F24 (another symptom): an attach the core cannot fail (a MUST_SUCCEED switch, done\'s re-attach, a probe\'s first attach) fails in the driver (allocation) and leaves the RID blocked',
    replay: { scenario: 'sigcore-27', file: 'test/fixtures/fuzz-sigcore/sigcore-27.yaml', schedule: 'n1/-' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I7: dev:ep1 PASID N is not present but group#N->pasid_array[N] is domain:D0#N',
    note: 'F24 (its PASID half): done\'s re-install of a PASID fails in the driver (allocation): WARN, and the PASID stays blocked while pasid_array names the domain',
    replay: { scenario: 'sigcore-28', file: 'test/fixtures/fuzz-sigcore/sigcore-28.yaml', schedule: 'Sx14.F' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via reset_method_store: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'F24 (another symptom): an attach the core cannot fail (a MUST_SUCCEED switch, done\'s re-attach, a probe\'s first attach) fails in the driver (allocation) and leaves the RID blocked',
    replay: { scenario: 'sigcore-29', file: 'test/fixtures/fuzz-sigcore/sigcore-29.yaml', schedule: 'n1/-' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object cookie#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-30', file: 'test/fixtures/fuzz-sigcore/sigcore-30.yaml', schedule: '2.1x3.2x5.1x2.2x9.1.S.2.1.2.1x5.2.1.2x2.1x2.2x4.1x2.S.1.2x2.1.2x3.1.2x3.1.2.1.2.1.2x7.1x6.2.1.S.2x2.1.2x2.1x3.S.2.Sx13.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object dev_iommu:plat0',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-31', file: 'test/fixtures/fuzz-sigcore/sigcore-31.yaml', schedule: '2.1x3.2x5.1x2.2x9.1.S.2.1.2.1x5.2.1.2x2.1x2.2x4.1x2.S.1.2x2.1.2x3.1.2x3.1.2.1.2.1.2x7.1x6.2.1.S.2x2.1.2x2.1x3.S.2.Sx13.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object domain:default#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-32', file: 'test/fixtures/fuzz-sigcore/sigcore-32.yaml', schedule: '2.1x3.2x5.1x2.2x9.1.S.2.1.2.1x5.2.1.2x2.1x2.2x4.1x2.S.1.2x2.1.2x3.1.2x3.1.2.1.2.1.2x7.1x6.2.1.S.2x2.1.2x2.1x3.S.2.Sx13.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object fwspec#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-33', file: 'test/fixtures/fuzz-sigcore/sigcore-33.yaml', schedule: '2.1x3.2x5.1x2.2x9.1.S.2.1.2.1x5.2.1.2x2.1x2.2x4.1x2.S.1.2x2.1.2x3.1.2x3.1.2.1.2.1.2x7.1x6.2.1.S.2x2.1.2x2.1x3.S.2.Sx13.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-34', file: 'test/fixtures/fuzz-sigcore/sigcore-34.yaml', schedule: '2.1x3.2x5.1x2.2x9.1.S.2.1.2.1x5.2.1.2x2.1x2.2x4.1x2.S.1.2x2.1.2x3.1.2x3.1.2.1.2.1.2x7.1x6.2.1.S.2x2.1.2x2.1x3.S.2.Sx13.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object group_device:plat0',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-35', file: 'test/fixtures/fuzz-sigcore/sigcore-35.yaml', schedule: '2.1x3.2x5.1x2.2x9.1.S.2.1.2.1x5.2.1.2x2.1x2.2x4.1x2.S.1.2x2.1.2x3.1.2x3.1.2.1.2.1.2x7.1x6.2.1.S.2x2.1.2x2.1x3.S.2.Sx13.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object IovaRcaches#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-37', file: 'test/fixtures/fuzz-sigcore/sigcore-37.yaml', schedule: '2.1.2.1.2x2.1.2x6.1x2.2.1.S.1x2.2.1x2.2x4.1.2x3.1x4.2x3.1.2.1.S.2x2.1x3.2.1x6.2.1x3.2.1.S.2x2.1x2.2x4.1x2.S.1.S.2.1.S.2x7.1.2x3.1.S.2.1.2.Sx6.F' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object mock_dev:ep1',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-38', file: 'test/fixtures/fuzz-sigcore/sigcore-38.yaml', schedule: '1x119.2x195' },
  },
  {
    signature: 'null-deref in __iommu_attach_device via reset_method_store: BUG: kernel NULL pointer dereference: domain',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-39', file: 'test/fixtures/fuzz-sigcore/sigcore-39.yaml', schedule: '1x112.2x14' },
  },
  {
    signature: 'null-deref in __iommu_group_alloc_blocking_domain via iommu_group_claim_dma_owner: BUG: kernel NULL pointer dereference: iommu_group_first_dev(group)',
    note: 'F7 (another entry point): an owner\'s claim or attach between the bus_iommu_probe() phases (the group has no default domain, or no member on its list yet)',
    replay: { scenario: 'sigcore-40', file: 'test/fixtures/fuzz-sigcore/sigcore-40.yaml', schedule: '1x178.2x3' },
  },
  {
    signature: 'null-deref in __iommu_group_alloc_blocking_domain via pci_reset_function_with: BUG: kernel NULL pointer dereference: iommu_group_first_dev(group)',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-41', file: 'test/fixtures/fuzz-sigcore/sigcore-41.yaml', schedule: '1x172.2x6' },
  },
  {
    signature: 'null-deref in __iommu_group_alloc_blocking_domain via reset_method_store: BUG: kernel NULL pointer dereference: iommu_group_first_dev(group)',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-42', file: 'test/fixtures/fuzz-sigcore/sigcore-42.yaml', schedule: '3x17.1x101.2x3' },
  },
  {
    signature: 'null-deref in alloc_iova_fast via iommu_dma_prepare_msi: BUG: kernel NULL pointer dereference: iovad->rcaches',
    note: 'F5 (followed, another entry point): the next user of a domain whose IOVA rcache allocation failed maps without rcaches',
    replay: { scenario: 'sigcore-43', file: 'test/fixtures/fuzz-sigcore/sigcore-43.yaml', schedule: 'n18/1x124' },
  },
  {
    signature: 'null-deref in dev_iommu_free via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-44', file: 'test/fixtures/fuzz-sigcore/sigcore-44.yaml', schedule: '1x19.2x12' },
  },
  {
    signature: 'null-deref in dev_iommu_get_max_pasids via device_add: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F23 (consequence): a failed registration\'s unwind (iommu_device_unregister) releases a device another probe (a hot-add, a second registration) is probing',
    replay: { scenario: 'sigcore-45', file: 'test/fixtures/fuzz-sigcore/sigcore-45.yaml', schedule: '2.3.2.3.2x2.S.3.S.2.S.3x3.2.S.2.3.F.2.3x5.2x2.3x2.2.3x3.2.3x7.2.3.2x5.3x3.2.3x2.2x2.3x2.2x2.3x2' },
  },
  {
    signature: 'null-deref in dev_iommu_get_max_pasids via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F23 (consequence): a failed registration\'s unwind (iommu_device_unregister) releases a device another probe (a hot-add, a second registration) is probing',
    replay: { scenario: 'sigcore-46', file: 'test/fixtures/fuzz-sigcore/sigcore-46.yaml', schedule: '3.1.3.1.3.1x3.3.1.3.1.S.3.1x2.3.1.3.1x2.3.1.3.1.3.S.3x2.1.Sx9.3x2.S.3.S.3.1x2.3.Sx4.F.1x3.3x5.1x2.3.1x2.3.1x2.3x3.1x4.3.1.3x3.1x3.3.1.3x2.1.3x2.1.3.1.3x2.1.3x3.1.3x2.1.3x4.1.3.1x3.3.1x2.3x5.1x3.3x3.1x2.3x4.1.3x2.1.3x2.1x3.3' },
  },
  {
    signature: 'null-deref in dev_iommu_ops via device_add: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F23 (consequence): a failed registration\'s unwind (iommu_device_unregister) releases a device another probe (a hot-add, a second registration) is probing',
    replay: { scenario: 'sigcore-47', file: 'test/fixtures/fuzz-sigcore/sigcore-47.yaml', schedule: '1.2x2.1.2x2.S.2.S.2x2.Sx9.1.2.S.2.S.2.S.2x2.Sx2.F.1x4.2.1.2x3.1.2.1.2x2.1.2.1.2x3.1.2x3.1x3.2x5.1.2x3.1.2x2.1x2.2x3.1.2.1x2.2.1x3.2x7.1x3.2.1.2x2.1x2.2.1x3.2.1x2.2.1x3.2x3.1x2.2x4' },
  },
  {
    signature: 'null-deref in dev_iommu_ops via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-48', file: 'test/fixtures/fuzz-sigcore/sigcore-48.yaml', schedule: '1x35.2x103.1x82' },
  },
  {
    signature: 'null-deref in dev_iommu_priv_get via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-49', file: 'test/fixtures/fuzz-sigcore/sigcore-49.yaml', schedule: '1x230.2x88' },
  },
  {
    signature: 'null-deref in dev_iommu_priv_set via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-50', file: 'test/fixtures/fuzz-sigcore/sigcore-50.yaml', schedule: '1x42.2x14' },
  },
  {
    signature: 'null-deref in iommu_fwspec_init via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-51', file: 'test/fixtures/fuzz-sigcore/sigcore-51.yaml', schedule: '2.1x2.2x2.1x2.2x2.1.2.1x6.2x2.1x4.2.1.2.1x2' },
  },
  {
    signature: 'null-deref in iommu_group_first_dev via iommu_device_register: BUG: kernel NULL pointer dereference: iommu_group_first_dev(group)',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-52', file: 'test/fixtures/fuzz-sigcore/sigcore-52.yaml', schedule: '1x151.2x42.1x42' },
  },
  {
    signature: 'null-deref in iommu_init_device via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-53', file: 'test/fixtures/fuzz-sigcore/sigcore-53.yaml', schedule: '2.1.2.1.2.1x3.2.1x3.2.1x9.2.1x3.2.1x6.2x3.1x2.2.1x3' },
  },
  {
    signature: 'null-deref in pci_dev_reset_iommu_done via reset_method_store: BUG: kernel NULL pointer dereference: pdev->dev.iommu_group',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-54', file: 'test/fixtures/fuzz-sigcore/sigcore-54.yaml', schedule: '1x4.2x214' },
  },
  {
    signature: 'null-deref in pci_dev_reset_iommu_prepare via pci_reset_function_with: BUG: kernel NULL pointer dereference: pdev->dev.iommu_group',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-55', file: 'test/fixtures/fuzz-sigcore/sigcore-55.yaml', schedule: '1x161.3x10.2x5' },
  },
  {
    signature: 'null-deref in pci_dev_reset_iommu_prepare via reset_method_store: BUG: kernel NULL pointer dereference: pdev->dev.iommu_group',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigcore-56', file: 'test/fixtures/fuzz-sigcore/sigcore-56.yaml', schedule: '3x17.1x93.2x2' },
  },
  {
    signature: 'use-after-free in __iommu_group_remove_device via device_del: KASAN: slab-use-after-free: lock &group#N->mutex of group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-57', file: 'test/fixtures/fuzz-sigcore/sigcore-57.yaml', schedule: '2.3.2x2.1.3.2x2.1x2.3x2.1x2.2x2.1.S.1x4.2.1x2.2.1.2.1x2.2x2.1.2x5.1.S.1.2.1.2x3.1x2.2.1x2.2x3.1.2.1x4.2x3.1.2.S.2.S.1.S.2x2.1x2.2.1x2.S.1.S.1.S.1x2.S.1.2.1x3.2.S.1.S.2.1.S.1.S.1.S.1.2.1.2.1x4.2.1.2.1.2.1.2.1.2.1.S.1.S.2.1x2.2.1.S.2x3.1.2x4.1.2x2.1.S.1.2.1x4.2.1.2x3.1.F.1.2x2.1x2.2x3.1.2.1.2.1.2x6.1x2.2.1.2x2.1.2.1.2.1x6.2' },
  },
  {
    signature: 'use-after-free in __iommu_probe_device via iommu_device_register: KASAN: slab-use-after-free: lock &group#N->mutex of group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-58', file: 'test/fixtures/fuzz-sigcore/sigcore-58.yaml', schedule: '1x59.2x22' },
  },
  {
    signature: 'use-after-free in __iommu_probe_device via iommu_device_register: KASAN: slab-use-after-free: Read of dev->iommu_group of group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-59', file: 'test/fixtures/fuzz-sigcore/sigcore-59.yaml', schedule: '1x40.2x22' },
  },
  {
    signature: 'use-after-free in bus_iommu_probe via iommu_device_register: KASAN: slab-use-after-free: Read of devices of group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-60', file: 'test/fixtures/fuzz-sigcore/sigcore-60.yaml', schedule: '1x65.2x88' },
  },
  {
    signature: 'use-after-free in dev_iommu_free via iommu_device_register: KASAN: slab-use-after-free: Read of fwspec of dev_iommu:ep0',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-61', file: 'test/fixtures/fuzz-sigcore/sigcore-61.yaml', schedule: '1x24.2x100' },
  },
  {
    signature: 'use-after-free in dev_iommu_priv_set via iommu_device_register: KASAN: slab-use-after-free: Write of priv of dev_iommu:ep0',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-62', file: 'test/fixtures/fuzz-sigcore/sigcore-62.yaml', schedule: '1x32.2x14' },
  },
  {
    signature: 'use-after-free in group_devices_add via iommu_device_register: KASAN: slab-use-after-free: Write of devices of group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-63', file: 'test/fixtures/fuzz-sigcore/sigcore-63.yaml', schedule: '3x2.2x2.1x2.3x2.2.1.2.1.2x2.1x2.S.1x2.2x3.1x2.2.1x2.2x3.1x2.2.1.2.1.2x4.1.S.2x4.1.2x2.1.2.1x3.2.1.2.F.2x5.1.2x4.1.2x2.1x2.2.1.2x3.1.2.1.2x3.1x2.2.1.2.1x3.2.1.2.1.2x2.1.2x4.1.2.1x3.2.1x4.2x5.1' },
  },
  {
    signature: 'use-after-free in iommu_fwspec_init via iommu_device_register: KASAN: slab-use-after-free: Write of fwspec of dev_iommu:ep0',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-64', file: 'test/fixtures/fuzz-sigcore/sigcore-64.yaml', schedule: '1x2.2x2.1x3.2.1x2.2.1x2.2.1x4.2.1x4.2x2.1x2.2x4' },
  },
  {
    signature: 'use-after-free in iommu_group_get via iommu_device_register: KASAN: slab-use-after-free: refcount group#N->devices_kobj of group#N',
    note: 'F23 (consequence): a failed registration\'s unwind (iommu_device_unregister) releases a device another probe (a hot-add, a second registration) is probing',
    replay: { scenario: 'sigcore-65', file: 'test/fixtures/fuzz-sigcore/sigcore-65.yaml', schedule: '1x2.2.1.2x2.S.2.S.1x2.2.S.1.S.1x2.Sx9.2x3.1.Sx16.1.2.1.2.1x2.S.2.1.2x3.1x4.2.S.1x2.Sx6.F.1x2.2.1.2x2.1x5.2.1.2.1x3.2.1x2.2x6.1x2.2x7.1.2x3.1x3.2x2.1.2.1x2.2.1x4.2x2.1x4.2.1.2x3.1.2x3.1x3.2x2.1x2.2.1x2.2x3.1x2.2x2.1.2x2.1x2.2x2.1.2.1x2.2.1x2.2x2.1x3.2.1.2x4.1.2x3.1.2.1.2x3.1.2.1.2.1.2x2.1.2.1.2x2.1x4.2.1.2x4.1x2.2x6.1.2.1.2x2.1x3.2x2.1.2x2.1.2.1.2.1.2x3.1.2.1x4.2' },
  },
  {
    signature: 'use-after-free in iommu_group_put via device_del: KASAN: slab-use-after-free: refcount group#N->devices_kobj of group#N',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-66', file: 'test/fixtures/fuzz-sigcore/sigcore-66.yaml', schedule: '2x2.1x2.2.1x4.S.1x2.2.1.2.S.1x5.2x2.1.2.1x2.S.1.2.1x2.2.1x6.2x2.1x4.S.1x2.2x3.1x2.S.1.S.1.S.2.1.2x2.1.S.1.2.1x2.2x2.1x2.S.2x6.1.S.2.1.F.1x4.2x2.1x4.2x6.1x4.2x3.1x5.2' },
  },
  {
    signature: 'use-after-free in iommu_init_device via iommu_device_register: KASAN: slab-use-after-free: Write of iommuDev of dev_iommu:ep0',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-67', file: 'test/fixtures/fuzz-sigcore/sigcore-67.yaml', schedule: '1x22.2x100' },
  },
  {
    signature: 'warn in __iommu_group_free_device via device_del: WARNING: WARN_ON(group->owner_cnt || group->domain != group->default_domain)',
    note: 'F1 (consequence): an owner\'s release or detach refused during a reset (-EBUSY) leaves the group on the owner\'s domain: the nofail WARN, and the emptied group WARNs',
    replay: { scenario: 'sigcore-68', file: 'test/fixtures/fuzz-sigcore/sigcore-68.yaml', schedule: '1.2x2.1.2x4.1x2.2x3.1x3.2.1x3.2.1.2x3.1.2x2.1x2.2x3.1x2.2.1.2x3.1x3.2.1.2x2.1.2x2.1x2.2x6.1x3.2.1x2.2.1x2.2.1x2.2.1x4.2x2.1.2.1x3.2x2.1x2.2.1.2x3.1x3.2.1.2x2.1.2.1x3.2.1.2.1x2.2.1x2.2x3.1.2.1x7.2.1.2x2.1.2x2.1.2.1x3.2x4.1x2.2x4.1x2.2x2.1x2.2x3.1x2.2.1x2.2.1.2.1.2x2.1x2.2.1x2.2' },
  },
  {
    signature: 'warn in __iommu_group_free_device: WARNING: WARN_ON(group->owner_cnt || group->domain != group->default_domain)',
    note: 'F1 (consequence): an owner\'s release or detach refused during a reset (-EBUSY) leaves the group on the owner\'s domain: the nofail WARN, and the emptied group WARNs',
    replay: { scenario: 'sigcore-69', file: 'test/fixtures/fuzz-sigcore/sigcore-69.yaml', schedule: '1x3.S.1.S.2.1x3.F.2x3.1.2.1.2.1.2x2.1.2.1' },
  },
  {
    signature: 'warn in __iommu_group_set_domain_nofail via iommu_group_release_dma_owner: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F1 and F24 (consequences): the ownership release\'s nofail switch fails, refused during a reset (-EBUSY, F1) or failing in the driver\'s attach (an allocation, F24)',
    replay: { scenario: 'sigcore-70', file: 'test/fixtures/fuzz-sigcore/sigcore-70.yaml', schedule: 'Sx25.F' },
  },
  {
    signature: 'warn in done_locked via pci_reset_function_with: WARNING: WARN_ON(__iommu_set_group_pasid(domain, group, pasid, group->blocking_domain))',
    note: 'F24 (its PASID half): done\'s re-install of a PASID fails in the driver (allocation): WARN, and the PASID stays blocked while pasid_array names the domain',
    replay: { scenario: 'sigcore-71', file: 'test/fixtures/fuzz-sigcore/sigcore-71.yaml', schedule: 'Sx14.F' },
  },
  {
    signature: 'warn in done_locked via reset_method_store: WARNING: WARN_ON(__iommu_attach_device(group->domain, &pdev->dev, group->blocking_domain))',
    note: 'F24 (another symptom): an attach the core cannot fail (a MUST_SUCCEED switch, done\'s re-attach, a probe\'s first attach) fails in the driver (allocation) and leaves the RID blocked',
    replay: { scenario: 'sigcore-72', file: 'test/fixtures/fuzz-sigcore/sigcore-72.yaml', schedule: 'n1/1x64' },
  },
  {
    signature: 'warn in iommu_device_unuse_default_domain via device_release_driver: WARNING: WARN_ON(!group->owner_cnt || !xa_empty(&group->pasid_array))',
    note: 'F13 (consequence): a driver bound in the registration window never counted in owner_cnt; its unbind WARNs',
    replay: { scenario: 'sigcore-73', file: 'test/fixtures/fuzz-sigcore/sigcore-73.yaml', schedule: '1x6.2.1x3.2x6.1.2.1.2.1x3.2x2.1x2.2x3.1x2.2.1.2x2.1x3.2x2.1.2x5.1x4.2.1x2.2.1.2x2.1.2x6.1x3.2x2.1x2.2x2.1x4.2.1x2.2.1.2x4.1x3.2x2.1.2x3.1x2.2.1x2.2.1x2.2.1.2x5.1.2x3.1.2x3.1x3.2.1.2.1x2.2.1x3.2.1x2.2x3.1.2.1x3.2.1x4.2x4.1.2.1x5.2x2.1.2x4.1x3.2x3.1.2.1.2.1.2.1x2.2x2.1x2.2.1.2.1x2.2x4.1.2.1.2x2.1.2.1x3.2x3.1.2.1x6' },
  },
  {
    signature: 'warn in iommu_group_put via device_del: refcount_t: underflow; use-after-free.',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-74', file: 'test/fixtures/fuzz-sigcore/sigcore-74.yaml', schedule: '2x2.1.2x2.1x6.2x2.1.S.2.1x4.2.1x6.2.S.1.2x5.1.2.1x2.2.1.2x2.1x3.2.1.S.2.1x4.S.2.1.S.2.1.S.1x2.S.1x2.2x3.1x3.S.1.S.1.S.2.1.S.1.2.1.2x3.1.2x4.1x2.2.S.1x2.2.S.2x3.1.2.1.2x4.1x2.S.2.1.S.1.2.1.2x4.1.S.1.2.1.2x2.1.S.2.1.2x2.1x2.2.1x2.2.1x2.F.2x2.1.2x2.1.2x3.1x4.2x2.1.2.1x2.2x2.1.2.1.2x2.1x3.2x5.1.2x2.1x3.2.1.2x6.1.2.1.2x2.1x3.2x6.1.2x3.1.2.1x2.2.1x2.2x2.1.2.1x4.2.1x2.2.1x2.2x2.1.2x3' },
  },
  {
    signature: 'warn in iommu_group_put via iommu_device_register: refcount_t: underflow; use-after-free.',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-75', file: 'test/fixtures/fuzz-sigcore/sigcore-75.yaml', schedule: '2.1x3.2x2.1x3.2x4.1x2.S.1.2.1.S.2x2.1.2.1.2x4.1x2.2.1x2.2.1.2.1x2.S.1.2.1x2.2x2.1.S.1.S.1.S.2x2.1.2x3.1.S.1.2x2.1x3.2.1.S.1.S.2.1.S.2.1.S.1.2x2.1.2x2.S.2.S.1.2x3.1x2.2.1x3.2.1.2x4.1x2.S.2.1.S.2x6.1.2.1x2.S.2x2.1x3.S.2.1x3.2.1x2.2x2.1.2.1.S.2.1x3.2.1x2.F.2.1x2.2.1x5.2x4.1.2x5.1.2.1.2x5.1.2x2.1.2x2.1.2.1x2.2x3.1.2.1.2x2.1.2x2.1.2x4.1.2x3.1x2.2.1.2.1x2.2.1.2.1.2.1.2x2.1x2.2x5.1x3.2.1x6' },
  },
  {
    signature: 'warn in iommu_group_release: WARNING: WARN_ON(group->default_domain)',
    note: 'F3 (consequence): a removal (or an IOMMU unregister) releases a device while a registration\'s bus_iommu_probe() probes it (release takes no probe lock)',
    replay: { scenario: 'sigcore-76', file: 'test/fixtures/fuzz-sigcore/sigcore-76.yaml', schedule: '1x107.2x91' },
  },
  {
    signature: 'warn in iommu_setup_default_domain via device_add: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, dom, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F24 (another symptom): an attach the core cannot fail (a MUST_SUCCEED switch, done\'s re-attach, a probe\'s first attach) fails in the driver (allocation) and leaves the RID blocked',
    replay: { scenario: 'sigcore-77', file: 'test/fixtures/fuzz-sigcore/sigcore-77.yaml', schedule: '1x2.2.1.2x5.S.2x4.1x2.2.1.2.1.2x2.1.2x3.S.2x3.1.2.1x3.2.1.2x2.1x2.2x2.1x3.2x2.1x2.2x2.S.1x2.2.1x3.2x3.S.2.S.2.S.1x2.2x2.S.2.1.2.1x2.2x3.S.1x2.2.S.1.2.S.1x5.2.S.1x2.2x2.1x3.2.1.2x3.1.2.S.1.2.S.2.1.2x2.S.1x2.2x3.S.2x3.1.2.1x3.2x2.1x2.2.S.1x6.2x2.1.S.2x2.1.2.F.2.1.2.1x3.2.1.2x3.1x3.2.1.2x3.1.2.1x4.2.1x2.2x5.1x2.2.1.2.1.2x2.1.2.1x3.2x3.1x2.2x4.1.2.1x2.2x2.1.2.1x3.2x4.1x2.2x2.1x2.2.1.2.1x2' },
  },
  {
    signature: 'warn in iommu_setup_default_domain via iommu_device_register: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, dom, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F24 (another symptom): an attach the core cannot fail (a MUST_SUCCEED switch, done\'s re-attach, a probe\'s first attach) fails in the driver (allocation) and leaves the RID blocked',
    replay: { scenario: 'sigcore-78', file: 'test/fixtures/fuzz-sigcore/sigcore-78.yaml', schedule: 'Sx51.F' },
  },
  // ---- branch sighw: the arm-smmu-v3, intel-iommu and hardware-oracle signatures of the default
  // run (docs/FUZZING.md, "Signatures of the default run that are not findings")
  {
    signature: 'warn in arm_smmu_clear_cd via pci_reset_function_with: WARNING: WARN_ON(!cdptr)',
    note: 'F25 (arm-smmu-v3): prepare removes a PASID from a function without PASID support; arm_smmu_clear_cd() finds no CD table',
    replay: { scenario: 'pasid-no-pasid-smmuv3', file: 'test/fixtures/pasid-on-no-pasid-function.yaml', schedule: '-' },
  },
  {
    signature: 'null-deref in domain_id_iommu via reset_method_store: BUG: kernel NULL pointer dereference: domain_id_iommu(): info',
    note: 'F25 (intel-iommu), through a reset_method probe: prepare removes a PASID never installed (no iommu_domain_info); F17 (done, old = the blocking domain) gives the same signature on a PASID-capable function',
    replay: { scenario: 'pasid-no-pasid-vtd', file: 'test/fixtures/pasid-on-no-pasid-function.yaml', schedule: '-' },
  },
  {
    signature: 'warn in domain_remove_dev_pasid via iommu_detach_device_pasid: WARNING: WARN_ON_ONCE(!dev_pasid)',
    note: 'F22 (intel-iommu): a PASID detached during a reset (here a reset_method probe) is removed a second time: no dev_pasid_info',
    replay: { scenario: 'vtd-pasid-detach-during-probe', file: 'test/fixtures/vtd-pasid-detach-during-probe.yaml', schedule: '2x4.1x4.2.1.2' },
  },
  {
    signature: 'null-deref in domain_id_iommu via iommu_detach_device_pasid: BUG: kernel NULL pointer dereference: domain_id_iommu(): info',
    note: 'F22 (intel-iommu): the second removal dropped the domain-ID reference another attachment held; the next removal finds no iommu_domain_info',
    replay: { scenario: 'vtd-pasid-detach-during-probe', file: 'test/fixtures/vtd-pasid-detach-during-probe.yaml', schedule: '2x4.1x4.2.1.2' },
  },
  {
    signature: 'invalidation-timeout in hw_atc_invalidate via iommu_detach_device_pasid: IOMMU invalidation timeout: H16: an ATS invalidation sent to dev:ep1 timed out: the function is in reset (I9: nothing may be sent to a function the reset hooks blocked)',
    note: 'F22 (consequence, H16): the second PASID removal, during the reset, flushes the ATC of the function in reset',
    replay: { scenario: 'mock-pasid-detach-during-reset', file: 'test/fixtures/mock-pasid-detach-during-reset.yaml', schedule: '1x2.3.1.3.1x2.3.1x5.3x4.1x5.3.1x4.3.1.3x2' },
  },
  {
    signature: 'invalidation-timeout in execute via iommu_detach_device_pasid: IOMMU invalidation timeout: H16: an ATS invalidation sent to dev:ep0 timed out: the function is in reset (I9: nothing may be sent to a function the reset hooks blocked)',
    note: 'F22 (consequence, H16, arm-smmu-v3): the second PASID removal sends ATC_INV to the function in reset (not F15: the batch is built during the reset)',
    replay: { scenario: 'smmuv3-pasid-detach-during-reset', file: 'test/fixtures/smmuv3-pasid-detach-during-reset.yaml', schedule: '2.1.3x2.2x3.3.2.3x4.2x6.3x2.2x2.3x2.2x2.3.2.3.2x2.3.2.3.2.3.2.3x3.2.3.2x2.3.2x8.3.2x3.3x2.2x3' },
  },
  {
    signature: 'invariant in free_table_pages via iommu_domain_free: invariant violated: H4: page-table frame 0xN freed while iommu1: sid N ssid N TTB0; iommu1: sid N ssid N TTB0 still point at it',
    note: 'F1 (consequence, arm-smmu-v3) through F8\'s window: the detach refused during a reset_method probe, then the free of a domain the STEs still use',
    replay: { scenario: 'smmuv3-detach-during-probe-free', file: 'test/fixtures/smmuv3-detach-during-probe-free.yaml', schedule: '1x3.2x2.1x2.2x2.1x3.2x4.1x3.2.1.2x2.1x6.2.1.2.1.2' },
  },
  {
    signature: 'invariant in io_pgtable_free via iommu_domain_free: invariant violated: I5: iommu1 stream N RID still translates through freed page[0xN]',
    note: 'F1 (consequence, arm-smmu-v3 and intel-iommu): the freed domain\'s page table is still in a stream\'s entry',
    replay: { scenario: 'smmuv3-detach-during-probe-free', file: 'test/fixtures/smmuv3-detach-during-probe-free.yaml', schedule: '1x3.2x2.1x2.2x2.1x3.2x4.1x3.2.1.2x2.1x6.2.1.2.1.2' },
  },
  {
    signature: 'invariant in driver_attach_dev via iommu_group_claim_dma_owner: invariant violated: H9: ep:ep0 has ATS enabled but its STE (sid N) has EATS=abt (after attach_dev(dev:ep0) returned N)',
    note: 'F26 (arm-smmu-v3) through a VFIO claim: pci_restore_ats_state() writes a stale ATS enable behind the blocking STE',
    replay: { scenario: 'smmuv3-reset-vs-claim-ats', file: 'test/fixtures/smmuv3-reset-vs-claim-ats.yaml', schedule: '1x3.2x3.1.2.1.2.1.2x2.1.2x2.1.2x3.1x3.2x2.1x5.2x3.1.2x4.1.2x4.1x3.2.1x4.2.1x5.2.1.2.1x4.2.1x2.2x2.1.2.1x2.2.1.2.1.2x6.1x2' },
  },
  {
    signature: 'null-deref in arm_smmu_set_pasid via iommu_attach_device_pasid: BUG: kernel NULL pointer dereference: sid_domain',
    note: 'F13 (another symptom, arm-smmu-v3): a bound driver attaches a PASID between the registration\'s probe phases; the RID\'s domain the driver asks for is NULL',
    replay: { scenario: 'smmuv3-pasid-between-phases', file: 'test/fixtures/smmuv3-pasid-between-phases.yaml', schedule: '1x23.2x7.1x30.2x15' },
  },
  {
    signature: 'warn in intel_iommu_domain_free: WARNING: WARN_ON(!list_empty(&dmar_domain->devices))',
    note: 'F3 (consequence, intel-iommu) through iommu_device_unregister(): a registration re-probes a function the unregistration releases; the domain it got is freed with the function on its list',
    replay: { scenario: 'vtd-register-vs-unregister', file: 'test/fixtures/vtd-register-vs-unregister.yaml', schedule: '2x179.1x314' },
  },
  {
    signature: 'assertion: assertion failed: module intel_iommu still has N reference(s)',
    note: 'F3 (consequence): the module reference of a function probed while it was released or removed (unregister or hot-remove racing a registration)',
    replay: { scenario: 'vtd-register-vs-unregister', file: 'test/fixtures/vtd-register-vs-unregister.yaml', schedule: '2x179.1x314' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object device_domain_info:ep2',
    note: 'F3 (consequence, intel-iommu): the per-device data of a function probed while it was released or removed',
    replay: { scenario: 'vtd-register-vs-unregister', file: 'test/fixtures/vtd-register-vs-unregister.yaml', schedule: '2x179.1x314' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object cache_tag:iotlb/did2/pasid0#N',
    note: 'F3 (consequence, intel-iommu): the RID cache tag of a function probed while it was released or removed (a PASID\'s tag is F27)',
    replay: { scenario: 'vtd-register-vs-unregister', file: 'test/fixtures/vtd-register-vs-unregister.yaml', schedule: '2x179.1x314' },
  },
  {
    signature: 'assertion: assertion failed: module arm_smmu_v3 still has N reference(s)',
    note: 'F3 (consequence): the module reference of a function probed while it was released or removed (unregister or hot-remove racing a registration)',
    replay: { scenario: 'register-vs-unregister', file: 'test/fixtures/register-vs-unregister.yaml', schedule: '1x8.2x138.1x116' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object arm_smmu_master:ep0',
    note: 'F3 (consequence, arm-smmu-v3): the master of a function probed while it was released or removed',
    replay: { scenario: 'register-vs-unregister', file: 'test/fixtures/register-vs-unregister.yaml', schedule: '1x8.2x138.1x116' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object arm_smmu_master_domain:ep0/N',
    note: 'F3 (consequence, arm-smmu-v3): the attachment of a function probed while it was released or removed (a PASID\'s after a member\'s removal is F27)',
    replay: { scenario: 'register-vs-unregister', file: 'test/fixtures/register-vs-unregister.yaml', schedule: '1x8.2x138.1x116' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object io_pgtable(domain:paging#N)',
    note: 'F3 (consequence): the default domain\'s page table of a function probed while it was released or removed',
    replay: { scenario: 'register-vs-unregister', file: 'test/fixtures/register-vs-unregister.yaml', schedule: '1x8.2x138.1x116' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object dev_pasid_info:ep0/N',
    note: 'F27 (intel-iommu): a function removed from a group with a PASID attached keeps the PASID in the driver',
    replay: { scenario: 'remove-pasid-member-vtd', file: 'test/fixtures/remove-pasid-member.yaml', schedule: '-' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object cache_tag:iotlb/did2/pasid1#N',
    note: 'F27 (intel-iommu): the removed member\'s PASID cache tags',
    replay: { scenario: 'remove-pasid-member-vtd', file: 'test/fixtures/remove-pasid-member.yaml', schedule: '-' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object cache_tag:devtlb/did2/pasid1/ep0#N',
    note: 'F27 (intel-iommu): the removed member\'s PASID device-TLB tag',
    replay: { scenario: 'remove-pasid-member-vtd', file: 'test/fixtures/remove-pasid-member.yaml', schedule: '-' },
  },
  {
    signature: 'leak: kmemleak: unreferenced object iommu_domain_info:iommu0/did2#N',
    note: 'F27 (intel-iommu): the removed member\'s domain-ID reference (F3 leaves one too)',
    replay: { scenario: 'remove-pasid-member-vtd', file: 'test/fixtures/remove-pasid-member.yaml', schedule: '-' },
  },
  {
    signature: 'use-after-free in arm_smmu_atc_inv_domain via iommu_domain_free: KASAN: slab-use-after-free: Read of atsEnabled of arm_smmu_master:ep0',
    note: 'F27 (arm-smmu-v3): the removed member\'s PASID attachment stays on the domain; its next ATC invalidation reads the freed master',
    replay: { scenario: 'remove-pasid-member-smmuv3', file: 'test/fixtures/remove-pasid-member.yaml', schedule: '-' },
  },
  {
    signature: 'invariant in hw_function_reset_start via pci_reset_function_with: invariant violated: I9: dev:ep1 is in reset but its RID is translate(page[0xN])',
    note: 'F11 (arm-smmu-v3): a function hot-added with a DMA alias of the function in reset reprograms its stream',
    replay: { scenario: 'smmuv3-reset-vs-hotadd-alias', file: 'test/fixtures/smmuv3-reset-vs-hotadd-alias.yaml', schedule: '1x47.2x239' },
  },
  // ---- branch sigreset (2026-12-05, third session): the signatures the default 10-minute run
  // (main d68d8db) reported during a PCI reset or a reset_method write that matched no entry above;
  // docs/FUZZING.md "Signatures of the default run that are not findings: sigreset". Reproducers
  // in test/fixtures/fuzz-sigreset/ (the fuzzer's programs; sigreset-NN is the share's row NN).
  {
    signature: 'null-deref in pci_dev_reset_iommu_done via pci_reset_function_with: BUG: kernel NULL pointer dereference: pdev->dev.iommu_group',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigreset-01', file: 'test/fixtures/fuzz-sigreset/sigreset-01.yaml', schedule: '3x59.1.2x445' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I3: dev:ep2 RID is abort but group#N->domain is domain:D0#N (translate(page[0xN]))',
    note: 'F24 (another symptom): an attach the core cannot fail (a MUST_SUCCEED switch, done\'s re-attach, a probe\'s first attach) fails in the driver (allocation) and leaves the RID blocked',
    replay: { scenario: 'sigreset-02', file: 'test/fixtures/fuzz-sigreset/sigreset-02.yaml', schedule: '2.3.2x2.3.2x3.3.2x3.3.2.3x2.2.3.2.3x3.2.S.3x6.2.S.2.3.2.3x3.2.S.2x5.3x2.2.S.2.3x5.2x3.3.S.2x2.3.S.3x3.S.2.3x2.2x5.3.2.3.2x3.3.2.3.2.S.2.3x5.Sx8.F' },
  },
  {
    signature: 'invariant in hw_function_reset_start via pci_reset_function_with: invariant violated: I9: dev:ep0 is in reset but its RID is none',
    note: 'F12 (another entry point or symptom): a reset or a reset_method write racing the registration that probes the function',
    replay: { scenario: 'sigreset-03', file: 'test/fixtures/fuzz-sigreset/sigreset-03.yaml', schedule: '1.2x5.1x76' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via reset_method_store: iommu driver contract violated: set_dev_pasid(dev:ep1, pasid N) beyond max_pasids N',
    note: 'F25 (another entry point): a reset_method write\'s probe runs prepare, which removes the group\'s PASIDs from a function without PASID support',
    replay: { scenario: 'sigreset-04', file: 'test/fixtures/fuzz-sigreset/sigreset-04.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via reset_method_store: iommu driver contract violated: set_dev_pasid: old is domain:blocked#N (abort) but the hardware has dev:ep0 PASID N on translate(io_pgtable#N)',
    note: 'F17 (its member case, was F18): done re-installs the group\'s PASIDs on every member with old = the blocking domain, also on the members the reset never blocked',
    replay: { scenario: 'sigreset-05', file: 'test/fixtures/fuzz-sigreset/sigreset-05.yaml', schedule: '1x2.2.1x2.3.2.3.2x2.1.2x4.3.2.3x3.2x2.1x2.3x2.1x5.3x2.1.3.1x2.3x2.1x3.3.1.3.1.3.2x2.1.2.3x2.1.2x2.1.2.1.2.1.3.1x3.3x2.1x3.3.2x2.3x2.1x2.2x4.3x7.2x3.3x2.2.3x6.2x3.3.2x3.3.2x2.3x2.2x3.3.2.3.2.3.2x4.3.2x3.3x2.2x2.3x2.2x9.3.2x2.3.2x4.3x2.2x3.1.2.1.3.1.2.3.1x2.2x3.3x2.1x2.2x3.3.2x2.3.1.2.3x2.1.2x2.3.2x2.3.2x2.3x2.2x2.3.2.3x2.2x2.3x7.2.3.2' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via reset_method_store: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:blocked#N but the hardware has its RID on translate(io_pgtable#N)',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-07', file: 'test/fixtures/fuzz-sigreset/sigreset-07.yaml', schedule: 'n1/1x7' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via reset_method_store: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep1) answered domain:D1#N but the hardware has its RID on abort',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-08', file: 'test/fixtures/fuzz-sigreset/sigreset-08.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep2) answered domain:blocked#N but the hardware has its RID on translate(io_pgtable#N)',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-09', file: 'test/fixtures/fuzz-sigreset/sigreset-09.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via reset_method_store: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:default#N but the hardware has its RID on abort',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-10', file: 'test/fixtures/fuzz-sigreset/sigreset-10.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:D1#N but the hardware has its RID on abort',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-11', file: 'test/fixtures/fuzz-sigreset/sigreset-11.yaml', schedule: '2x38' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:blocked#N but the hardware has its RID on bypass',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-12', file: 'test/fixtures/fuzz-sigreset/sigreset-12.yaml', schedule: '2.1x2.2.1x2.2x5.1.2x2.1x2.2x5.1.2.1x2.2.1x2.2x3.1.2x8.1.2.1.2.1' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep1) answered domain:identity#N but the hardware has its RID on abort',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigreset-13', file: 'test/fixtures/fuzz-sigreset/sigreset-13.yaml', schedule: '2x2.3x2.2.3x2.2.3.2x4.3.2.3x2.2x3.3.2.3.2.3.2.3x2.2x2.3x2.2' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I5: group#N->domain is freed domain:D0#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-14', file: 'test/fixtures/fuzz-sigreset/sigreset-14.yaml', schedule: '2.3x3.2.3.2x5.3x2.2x3.3.2x2.3x2.2x5.3x5.2.3.2.3x3.2' },
  },
  {
    signature: 'use-after-free in mock_move_user via pci_reset_function_with: KASAN: slab-use-after-free: Read of domain of domain:D0#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-15', file: 'test/fixtures/fuzz-sigreset/sigreset-15.yaml', schedule: '1.2.1x2.2.1.2.1x3.2x3.1.2x2.1.2x3.1.2x2.1x3.2x2.1.2.1' },
  },
  {
    signature: 'use-after-free in mock_translation_of via reset_method_store: KASAN: slab-use-after-free: Read of mock->pt of io_pgtable#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-16', file: 'test/fixtures/fuzz-sigreset/sigreset-16.yaml', schedule: '2x2.1.2x2.1.2.1.2x5.1x2.3x3.1x3.3x2.1.2.1.3x2.2.3x3.2.3.2' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via pci_reset_function_with: iommu driver contract violated: set_dev_pasid: old is domain:blocked#N (abort) but the hardware has dev:ep0 PASID N on translate(io_pgtable#N)',
    note: 'F17 (its member case, was F18): done re-installs the group\'s PASIDs on every member with old = the blocking domain, also on the members the reset never blocked',
    replay: { scenario: 'sigreset-17', file: 'test/fixtures/fuzz-sigreset/sigreset-17.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via pci_reset_function_with: iommu driver contract violated: set_dev_pasid: old is domain:blocked#N (abort) but the hardware has dev:ep0 PASID N on translate(page[0xN])',
    note: 'F17 (its member case, was F18): done re-installs the group\'s PASIDs on every member with old = the blocking domain, also on the members the reset never blocked',
    replay: { scenario: 'sigreset-18', file: 'test/fixtures/fuzz-sigreset/sigreset-18.yaml', schedule: '1x98.2x68' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via pci_reset_function_with: iommu driver contract violated: attach_dev: old is domain:blocked#N (abort) but the hardware has dev:ep0 RID on bypass',
    note: 'F10 (consequence): prepare\'s PASID removal let the driver put the RID back on identity (bypass), so done\'s re-attach is told old = the blocking domain while the RID bypasses',
    replay: { scenario: 'sigreset-19', file: 'test/fixtures/fuzz-sigreset/sigreset-19.yaml', schedule: '2.1.2x2.1.2.1.2x3.1x2.2.1x2.2.1.2.1.2x3.1.2x5.1x2.2x4.1x2.2x2.1.2.1x2.2.1x3.2.1.2x2.1.2.1.2x5.1.2x4.1' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via iommu_detach_device_pasid: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:blocked#N but the hardware has its RID on bypass',
    note: 'F10 and F22 (consequences): F10\'s prepare left the RID on identity, then a PASID detach during the reset removes the PASID a second time (F22) and the driver\'s query hears the blocking domain; a sibling\'s detach gives this key too (F28)',
    replay: { scenario: 'sigreset-20', file: 'test/fixtures/fuzz-sigreset/sigreset-20.yaml', schedule: '2x2.1.2.1x2.2.1x2.2.1x4.2.1x4.2x3.1x2.2.1.2.1x3.2.1.2x4.1.2.1.2x3.1x3.2x4.1x3.2x2.1x2.2x5.1x2.2' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I8: dev:ep1 requires direct mappings but is on group#N\'s blocking domain',
    note: 'F24 (another symptom) and F10 (done half, arm-smmu-v3): a function that requires direct mappings is left on the blocking domain after done (I8, not I3): done\'s re-attach failed (allocation), or arm-smmu-v3 re-installed a PASID with S1DSS from the blocking domain the query still answered',
    replay: { scenario: 'sigreset-21', file: 'test/fixtures/fuzz-sigreset/sigreset-21.yaml', schedule: 'n1/-' },
  },
  {
    signature: 'use-after-free in arm_smmu_attach_prepare via pci_reset_function_with: KASAN: slab-use-after-free: lock arm_smmu_domain.devices_lock of domain:D0#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-22', file: 'test/fixtures/fuzz-sigreset/sigreset-22.yaml', schedule: '1.2.1x2.2.1x2.2.1x2.2x4.1x5.2x2.1.2.1x4.2x2.1x8.2.1.2.1x4.2x2.1.2' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_prepare via pci_reset_function_with: invariant violated: I5: group#N->domain is freed domain:D0#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-23', file: 'test/fixtures/fuzz-sigreset/sigreset-23.yaml', schedule: '1.3.2.3x4.2.3.2x5.3.2.3x2.2x2.3.2.3x3.2.3x2.2.3.2x2.3.2x2.3x2.1.2x3.1x2.2.1x8.2.1.2x2' },
  },
  {
    signature: 'use-after-free in mock_move_user via pci_reset_function_with: KASAN: slab-use-after-free: Read of mdev->domain of domain:D0#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-24', file: 'test/fixtures/fuzz-sigreset/sigreset-24.yaml', schedule: '2.3.2.3x3.1.3.2x2.3.2.3.2.3x3.2x4.3x9.2.1.3.1x2.3.1x7.2.1.2x2' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via reset_method_store: iommu driver contract violated: attach_dev: old is domain:blocked#N (abort) but the hardware has dev:ep0 RID on bypass',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigreset-25', file: 'test/fixtures/fuzz-sigreset/sigreset-25.yaml', schedule: '3x260.1x7.2x3.1x25.2x5.3x23.2x7.3x52' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_prepare via pci_reset_function_with: invariant violated: I13: deferred dev:ep1 is programmed (abort)',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a driver programs a requester ID another group member (or another group) shares, and the core acts on one member alone',
    replay: { scenario: 'sigreset-26', file: 'test/fixtures/fuzz-sigreset/sigreset-26.yaml', schedule: '1x296.2x6' },
  },
  {
    signature: 'use-after-free in mock_move_user via reset_method_store: KASAN: slab-use-after-free: Read of domain of domain:D0#N',
    note: 'F1 (consequence): a detach or release refused during a reset (-EBUSY, the nofail WARN), then the owner frees the domain group->domain still names: I5, and the use-after-free when a reset re-attaches or moves off it',
    replay: { scenario: 'sigreset-27', file: 'test/fixtures/fuzz-sigreset/sigreset-27.yaml', schedule: '1.2.1x3.2x3.1.2.3x3.1.2.1x2.3.1.3x3.2x2.1.2.3x4.2.3' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via reset_method_store: invariant violated: I7: dev:ep0 PASID N is not present but group#N->pasid_array[N] is domain:D0#N',
    note: 'F24 (its PASID half): done\'s re-install of a PASID fails in the driver (allocation): WARN, and the PASID stays blocked while pasid_array names the domain',
    replay: { scenario: 'sigreset-28', file: 'test/fixtures/fuzz-sigreset/sigreset-28.yaml', schedule: '1.2.1.2x2.1x2.2.1.2.1x2.2x2.1x5.2x2.S.2x2.1x2.Sx2.2x2.1.2x3.1x3.S.1.S.2x2.1.2x2.1.2.1.S.1.2x3.1x2.2x4.1.2.1.S.2.Sx8.1.2x4.1x3.2.1x2.2.F' },
  },
  {
    signature: 'warn in done_locked via reset_method_store: WARNING: WARN_ON(__iommu_set_group_pasid(domain, group, pasid, group->blocking_domain))',
    note: 'F24 (its PASID half): done\'s re-install of a PASID fails in the driver (allocation): WARN, and the PASID stays blocked while pasid_array names the domain',
    replay: { scenario: 'sigreset-29', file: 'test/fixtures/fuzz-sigreset/sigreset-29.yaml', schedule: 'Sx3.F' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via iommu_detach_device_pasid: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep1) answered domain:blocked#N but the hardware has its RID on translate(io_pgtable#N)',
    note: 'F28: iommu_driver_get_domain_for_dev() answers the group\'s resetting domain for every member, but only the function under reset is blocked; a sibling\'s PASID detach during the reset hears \'blocked\' while its RID translates (arm-smmu-v3 then blocks the sibling\'s RID for good)',
    replay: { scenario: 'reset-sibling-pasid-detach', file: 'test/fixtures/fuzz-sigreset/reset-sibling-pasid-detach.yaml', schedule: '1x19.2x25' },
  },
  {
    signature: 'invariant in iommu_detach_device_pasid: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:D0#N (translate(io_pgtable#N))',
    note: 'F28: iommu_driver_get_domain_for_dev() answers the group\'s resetting domain for every member, but only the function under reset is blocked; a sibling\'s PASID detach during the reset hears \'blocked\' while its RID translates (arm-smmu-v3 then blocks the sibling\'s RID for good)',
    replay: { scenario: 'reset-sibling-pasid-detach', file: 'test/fixtures/fuzz-sigreset/reset-sibling-pasid-detach.yaml', schedule: '1x19.2x25' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via iommu_detach_device_pasid: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep1) answered domain:blocked#N but the hardware has its RID on translate(page[0xN])',
    note: 'F28: iommu_driver_get_domain_for_dev() answers the group\'s resetting domain for every member, but only the function under reset is blocked; a sibling\'s PASID detach during the reset hears \'blocked\' while its RID translates (arm-smmu-v3 then blocks the sibling\'s RID for good)',
    replay: { scenario: 'reset-sibling-pasid-detach-smmuv3', file: 'test/fixtures/fuzz-sigreset/reset-sibling-pasid-detach.yaml', schedule: '1x71.2x113' },
  },
  {
    signature: 'invariant in iommu_detach_device_pasid: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:D0#N (translate(page[0xN]))',
    note: 'F28: iommu_driver_get_domain_for_dev() answers the group\'s resetting domain for every member, but only the function under reset is blocked; a sibling\'s PASID detach during the reset hears \'blocked\' while its RID translates (arm-smmu-v3 then blocks the sibling\'s RID for good)',
    replay: { scenario: 'reset-sibling-pasid-detach-smmuv3', file: 'test/fixtures/fuzz-sigreset/reset-sibling-pasid-detach.yaml', schedule: '1x71.2x113' },
  },
  // ---- branch sigreg: the registration, probe and removal signatures of the lead's default run
  // (2026-12-05 13:13 UTC, main d68d8db) that are not findings of their own (docs/FUZZING.md
  // "Signatures of the default run that are not findings: sigreg"); reproducers in
  // test/fixtures/fuzz-sigreg/ (the fuzzer's, minimized where the run triaged them)
  {
    signature: 'warn in __iommu_group_free_device via iommu_device_register: WARNING: WARN_ON(group->owner_cnt || group->domain != group->default_domain)',
    note: 'F23 (another symptom): a failed IOMMU registration unwinds through iommu_device_unregister() and releases a device a VFIO owner claimed meanwhile; its group empties with owner_cnt set (the WARN in __iommu_group_free_device)',
    replay: { scenario: 'sigreg-01', file: 'test/fixtures/fuzz-sigreg/sigreg-01.yaml', schedule: '1.3.1x5.3.1x3.3.1.3x3.S.1.3.S.1x2.3.S.3.Sx13.1.3x3.S.1x2.Sx9.1x4.3x2.1.3x3.1x2.S.1.S.3x3.1.S.3x2.1.3.1x3.3x2.1.3.1.3.1x2.3.1.3x2.S.3.S.3.1.3x2.1.S.3.1x2.3.S.1.3.1x2.3x2.1x2.3x3.F' },
  },
  {
    signature: 'invariant in iommu_deinit_device via iommu_device_register: invariant violated: I11: dev->dma_iommu of dev:ep1 changed from true to false while its driver was bound',
    note: 'F23 (another symptom): a failed IOMMU registration (here F24\'s failed first attach) unwinds and releases a device whose DMA-API driver bound during it; the driver\'s DMA ops switch back to direct under it (I11)',
    replay: { scenario: 'sigreg-02', file: 'test/fixtures/fuzz-sigreg/sigreg-02.yaml', schedule: '2x2.1.2.1.2.1.S.2.S.2.1.S.2.Sx16.2.1.2x3.S.1x2.Sx9.2.1.2.1.2x2.1.2x3.1.2x2.1.2x2.1x4.2x2.1.2x2.1.S.1.S.2x4.Sx2.F' },
  },
  {
    signature: 'use-after-free in __iommu_group_remove_device via device_del: KASAN: slab-use-after-free: Read of dev->iommu_group of group#N',
    note: 'F3 (consequence): a device released by a failed registration\'s unwind (iommu_device_unregister(), no probe lock) while another registration probes it; the removal then reads the freed group',
    replay: { scenario: 'sigreg-03', file: 'test/fixtures/fuzz-sigreg/sigreg-03.yaml', schedule: '3x2.2.1.3.1.3.2.1x2.3.1.3.S.1.3x2.1.3x2.1x2.2x2.1.2.1.2.1.2.3.2.3.2.3x5.2.3x3.2.3.2.3x2.2.3x3.2.3.2.S.2x2.S.3x2.2.3x2.Sx9.2.3.2x2.F.3.2.3.2.3.2.3.2.3.2.3.2x2.3x2.2.3.2.3.2.3.2x6.3x2.2.3x3.2.3x4.2.3x2.2.3x2.2.3.2.3x3.2x2.3x5.2x3.3.2.3.2x3.3.2.3x2.2x2.3.2.3x4.2.3.2.3.2x2.3x2.2.3.2.3.2x3.3.2x3.3x2.2.3.2.3.2.3.2.3x2.2x3.3.2.3.2x3.3x2.2.3x2.2x2.3x2.2.3.2x2.3x8.2.3x3.2.3x9.2x9.3.2x4.3.2.3x3.2x3.3.2x2.3x3.2x2.3.2.3.2.3x2.2.3x2.2.3.2x2.3.2x2.3x2.2.3.2x2.3x5.2x7.3.2x2.3.2.3x4.2.3x4.2x2.3.2.3.2x3.3x2.2.3.2x4.3.2x3' },
  },
  {
    signature: 'use-after-free in dev_iommu_free via device_del: KASAN: slab-use-after-free: Read of fwspec of dev_iommu:plat0',
    note: 'F3 (consequence): a device removed while a registration\'s bus_iommu_probe() probes it (release takes no probe lock): dev_iommu freed under the probe',
    replay: { scenario: 'sigreg-04', file: 'test/fixtures/fuzz-sigreg/sigreg-04.yaml', schedule: '1.2x2.1.2.1x4.S.1.2x2.1x2.2.1.2.1x3.2x3.1.2x2.1x3.S.2.1x2.2.1.2x2.1.2.1.2x2.1x7.2.1.S.1x2.2.1.2.1.S.1.S.2x4.1.S.2x2.1x2.S.2.1.2.1x4.S.2.1.S.1.S.1.S.1.2.1x2.2x2.1x2.2x4.1x2.2.1.2.1.2x3.1.2.1.S.1.S.1.2.1.2.1.S.1x2.2.1.F.2.1x3.2x2.1.2x5.1x3.2.1x2.2x2.1x3.2.1.2x3.1.2x2.1.2x3.1x2.2x2.1x3.2.1x6.2.1x3.2.1.2x2.1.2x6.1x2.2.1.2.1x2.2.1x2.2.1.2x2.1x6.2x2' },
  },
  {
    signature: 'invariant in __iommu_probe_device via device_add: invariant violated: I7: dev:ep0 PASID N is not present but group#N->pasid_array[N] is domain:D0#N',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a function hot-added with a DMA alias of a group member\'s requester ID; its first attach rewrites the shared stream entry and the member\'s PASIDs are gone (I7)',
    replay: { scenario: 'sigreg-05', file: 'test/fixtures/fuzz-sigreg/sigreg-05.yaml', schedule: '2.1x2.2.1x2.2x5.1.2x2.1x2.2x5.1.2.1x2.2.1x2.2x3.1.2x8.1.2.1.2.1.2x2.1x2.2.1.2x3.1x2.2x5.1.2x2.1.2.1.2x3.1.2.1x3.2x3.1' },
  },
  {
    signature: 'invariant in __iommu_probe_device via iommu_device_register: invariant violated: I7: dev:ep0 PASID N is not present but group#N->pasid_array[N] is domain:D0#N',
    note: 'Alias sharing (docs/FUZZING.md class 3): a registration probes a function with a DMA alias of a member\'s requester ID; its attach rewrites the shared stream entry and the member\'s PASIDs are gone (I7). One witness is the generator\'s open limitation instead (a PASID attach by an owner whose claim failed)',
    replay: { scenario: 'sigreg-06', file: 'test/fixtures/fuzz-sigreg/sigreg-06.yaml', schedule: '2x11.1x63' },
  },
  {
    signature: 'invariant in mock_attach_dev via device_add: invariant violated: I9: dev:ep0 is in reset but its RID is bypass',
    note: 'F11: a function hot-added during a reset with a DMA alias of the reset one reprograms the reset function\'s requester ID (here an identity default domain: bypass)',
    replay: { scenario: 'sigreg-07', file: 'test/fixtures/fuzz-sigreg/sigreg-07.yaml', schedule: '1x14.2x59' },
  },
  {
    signature: 'invariant in mock_release_device via device_del: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:D2#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a removed function\'s release_device() parks a requester ID another function still uses (a DMA alias), I3 on the other one',
    replay: { scenario: 'sigreg-08', file: 'test/fixtures/fuzz-sigreg/sigreg-08.yaml', schedule: '1x158.2x247' },
  },
  {
    signature: 'null-deref in dev_iommu_free via device_del: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal racing a registration\'s probe of the same device (NULL dev->iommu at the release\'s dev_iommu_free())',
    replay: { scenario: 'sigreg-09', file: 'test/fixtures/fuzz-sigreg/sigreg-09.yaml', schedule: '3.1.3.1.2.3x3.2x2.3.2x2.3x4.2.3.2.3.2x2.3.2.1.3x2.1x2.3x2.1.3x4.1.3x3.1.3.1x2.3.2x2.1.3x3.2.3.2.3.2x3.3x3.2.3x2.2x2.3x2.2x3.3.2x2.3.2.3.2x3.3.2x6.3x4.2.3x2.2.3.2x4.3x4.2x2.3x3.2.3.2.3x5.1x2.2x3.1x2.2x2.1.3.1x3.2x4.1.3.2.3x2.1.3.2.3.1.2.3.2x2.1.2.1x3.3x2.2.3x4.2.3.2x3.1x4.3x2.1.2.1.3.2.1x2.2.1.3.1x2.2x2.1x3.3.2x3.1' },
  },
  {
    signature: 'null-deref in __iommu_group_remove_device via device_del: BUG: kernel NULL pointer dereference: dev->iommu_group',
    note: 'F3 (consequence): a removal racing a failed registration\'s unwind (iommu_device_unregister()) releases the device twice: NULL dev->iommu_group',
    replay: { scenario: 'sigreg-10', file: 'test/fixtures/fuzz-sigreg/sigreg-10.yaml', schedule: '2x2.1x2.2.1.2x5.1x2.2.1.S.2.1.2.1.2.1x3.2.1.2.1.2.1.2.1.2x3.1.2.1.S.2.1x2.2.1x6.2.1.2.1.2x5.1x3.S.2x3.1x2.2x5.1.2x2.1.S.2x3.1.S.2x3.1.S.2x2.1.2.1.S.1.2.1x3.2x4.1.S.1.F.2x2.1.2x2.1x2.2x2.1x2.2x2.1.2.1x2.2.1x5.2x2.1x2.2x2.1.2' },
  },
  {
    signature: 'use-after-free in iommu_group_put via iommu_device_register: KASAN: slab-use-after-free: refcount group#N->devices_kobj of group#N',
    note: 'F3 (consequence): a removal frees the group a registration\'s probe (then its unwind) still uses: iommu_group_put() on the freed group',
    replay: { scenario: 'sigreg-11', file: 'test/fixtures/fuzz-sigreg/sigreg-11.yaml', schedule: '2x2.1.2x2.1.2.1.2x6.1.2x2.1.2.1.S.2x8.1.2.1x3.2.1x2.2x2.1.2x2.1x2.2.1.2x4.1.S.2.1.2.1.2.1x2.2.1.2.1x2.2.1x3.2.1x2.2.1.S.1x4.S.2x3.1.S.1.S.2.1x2.S.1.2x3.1x2.2x2.1.2.1.S.2x2.1.F.1.2.1x2.2x3.1x3.2x2.1.2.1.2x2.1.2x5.1.2x8.1' },
  },
  {
    signature: 'invariant in __iommu_probe_device via iommu_device_register: invariant violated: I9: dev:ep0 is in reset but its RID is none',
    note: 'F12: a PCI reset racing the IOMMU registration that probes its device (prepare saw no IOMMU; the probe then programs the RID mid-reset, here not at all: I9 RID none)',
    replay: { scenario: 'sigreg-12', file: 'test/fixtures/fuzz-sigreg/sigreg-12.yaml', schedule: '3x19.2.1x105' },
  },
  {
    signature: 'invariant in __iommu_probe_device via device_add: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:identity#N (bypass)',
    note: 'Alias sharing (docs/FUZZING.md class 3): a hot-added function with a DMA alias fails its probe (allocation failure); the unwind\'s release_device() parks the requester ID a member of another group uses (I3)',
    replay: { scenario: 'sigreg-13', file: 'test/fixtures/fuzz-sigreg/sigreg-13.yaml', schedule: 'n5/1x81' },
  },
  {
    signature: 'invariant in mock_release_device via device_del: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a removed function\'s release_device() parks a requester ID another function still uses (a DMA alias), I3 on the other one',
    replay: { scenario: 'sigreg-14', file: 'test/fixtures/fuzz-sigreg/sigreg-14.yaml', schedule: '1x18.2x76' },
  },
  {
    signature: 'null-deref in __iommu_attach_device via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal (or an unregistration) releases a device while a registration\'s phase 2 attaches its group\'s default domain: NULL dev->iommu in __iommu_attach_device()',
    replay: { scenario: 'sigreg-15', file: 'test/fixtures/fuzz-sigreg/sigreg-15.yaml', schedule: '2.3.2.3x2.2.S.2.3.S.3x2.S.F.3.2.3x4.2x2.3x2.2x3.3.2x3.3.2.3.2x2.3x2.2x7.3.2.3x2.2.3.2x2.3x3.2.3.2.3.2x6.3.2x3.3.2x3.3x4.2.3.2x2.3x2.2x6.3.2.3' },
  },
  {
    signature: 'warn in iommu_group_release via device_del: WARNING: WARN_ON(group->default_domain)',
    note: 'F3 (consequence): a device left with a group and no dev->iommu by the release racing a registration is removed through the fake-group branch; the group is released with its default domain (WARN)',
    replay: { scenario: 'sigreg-16', file: 'test/fixtures/fuzz-sigreg/sigreg-16.yaml', schedule: '2.3.2.3x2.2.S.2.3.S.3x2.S.F.3.2.3x4.2x2.3x2.2x3.3.2x3.3.2.3.2x2.3x2.2x7.3.2.3x2.2.3.2x2.3x3.2.3.2.3.2x6.3.2x3.3.2x3.3x4.2.3.2x2.3x2.2x6.3.2.3' },
  },
  {
    signature: 'invariant in ste_write_word via device_add: invariant violated: I9: dev:ep1 is in reset but its RID is translate(page[0xN])',
    note: 'F11 (arm-smmu-v3): a function hot-added with a DMA alias of the function in reset writes the reset function\'s stream (I9 at the STE write)',
    replay: { scenario: 'sigreg-18', file: 'test/fixtures/fuzz-sigreg/sigreg-18.yaml', schedule: '1x80.2x97' },
  },
  {
    signature: 'invariant in __iommu_group_remove_device via device_del: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:D0#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): functions behind a PCIe-to-PCI bridge share its requester ID; a removed one\'s release parks it under the members left (I3)',
    replay: { scenario: 'sigreg-19', file: 'test/fixtures/fuzz-sigreg/sigreg-19.yaml', schedule: '2x4.1x4.2.1.2.1.2.1.2x5.1.2.1x2.2.1x3' },
  },
  {
    signature: 'invariant in __iommu_group_remove_device via device_del: invariant violated: I3: dev:ep2 RID is abort but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): functions behind a PCIe-to-PCI bridge share its requester ID; a removed one\'s release parks it under the members left (I3)',
    replay: { scenario: 'sigreg-20', file: 'test/fixtures/fuzz-sigreg/sigreg-20.yaml', schedule: '2x2.1.2x4.1.2x2.1.2x4.1.2.1.2.1x4.2x2.1x2.2.1.2x5.1.2x2.1x6' },
  },
  {
    signature: 'invariant in driver_attach_dev via device_del: invariant violated: H9: ep:ep1 has ATS enabled but its STE (sid N) has EATS=abt (after attach_dev(dev:ep1) returned N)',
    note: 'F26 (consequence): pci_restore_ats_state() after a reset wrote a stale ATS enable over a claim\'s pci_disable_ats(); the function\'s removal (its release-domain attach) reports H9 again',
    replay: { scenario: 'sigreg-21', file: 'test/fixtures/fuzz-sigreg/sigreg-21.yaml', schedule: '2.1.2x2.1x2.2x2.1x3.2.1x3.2x4.1.2x4.1x2.2.1x2.2x2.1x2.2x5.1x5.2x3.1.2x2.1x4.2x3.1x2.2x4.1.2.1.2.1x2.2x3.1.2x3.1.2.1.2x2.1x3.2x4.1.2.1.2.1x7.2x2.1.2x4.1.2.1x2.2x3.1.2x5.1x2.2.1.2.1.2x3.1x3.2x2.1.2.1x2.2x2.1.2x3.1x3.2x3.1.2x2.1x4.2.1x2' },
  },
  {
    signature: 'warn in iommu_setup_default_domain via really_probe: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, dom, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F24: the default domain\'s first attach fails under an allocation failure in the driver (the MUST_SUCCEED WARN), here in the late probe of a driver bind in a registration\'s window (F13)',
    replay: { scenario: 'sigreg-22', file: 'test/fixtures/fuzz-sigreg/sigreg-22.yaml', schedule: '1x4.2.1.2.S.1x2.Sx15.F' },
  },
  {
    signature: 'double-free in dev_iommu_free via device_del: KASAN: double-free: kfree(dev_iommu:ep1)',
    note: 'F3 (consequence): a removal and a registration\'s probe unwind both free the device\'s dev_iommu (double free)',
    replay: { scenario: 'sigreg-23', file: 'test/fixtures/fuzz-sigreg/sigreg-23.yaml', schedule: '3x2.1.3.1.3x2.1x2.2x2.1.3.1.S.3x3.1.3x4.1x2.3.1x2.2x2.3.2.3x5.2.F.2.3.2.3.2.1.3.1x2.2.3.1.3x5.1x2.3x2.1.3x6.1.3.1.3x3.1x2.3.1x2.2x2.1x2.2.1.2x2.1.3.2.1.3.2x2.3.1.2.1.3.1.2.1x2.2.3.1.2.1.3x3.1.3.1x2.2x2.1x2.2.3.2x2.3x2.2.1.2x2.3x2.1x3.2.3.1.3.1.3.1x2.2x3.1' },
  },
  {
    signature: 'invariant in __iommu_group_remove_device via device_del: invariant violated: I5: group#N->domain is freed domain:D0#N',
    note: 'F1 (consequence): the owner\'s detach is refused during a reset (here a reset_method write\'s probe, F8\'s window), the domain is freed, and a removal finds group->domain freed (I5)',
    replay: { scenario: 'sigreg-24', file: 'test/fixtures/fuzz-sigreg/sigreg-24.yaml', schedule: '3x2.2.3x4.1x2.2x2.3.2x2.3.2x5.1.2.1.2.1x2.2x3.1.2.3.2x2.1x3.2.1.3x3.1x2.3x2.2.3.2x4.3x2.2x4.3x2.2.3.2x3.3.2.3x2' },
  },
  {
    signature: 'null-deref in __iommu_group_alloc_default_domain via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal releases a device between the registration\'s phases; phase 2 allocates its group\'s default domain through the NULL dev->iommu',
    replay: { scenario: 'sigreg-25', file: 'test/fixtures/fuzz-sigreg/sigreg-25.yaml', schedule: '1.2x2.1.2.1x3.2x4.1.2x4.1x5.2x2.1.2x4.1.2x2.1x3.2x3.1x11.2.1x2.2.1.2x2.1.2x2.1.2x2.1x2.2.1.2x3.1.2x3.1x3.2x2.1.2.1.2x3.1.2x2.1.2x4.1.2.1.2.1.2.1.2.1x2.2x2.1.2.1x2.2.1x2.2x3.1' },
  },
  {
    signature: 'use-after-free in dev_iommu_free via device_del: KASAN: slab-use-after-free: Write of fwspec of dev_iommu:plat0',
    note: 'F3 (consequence): a removal\'s dev_iommu_free() writes the dev_iommu a registration\'s failed probe freed (use-after-free)',
    replay: { scenario: 'sigreg-26', file: 'test/fixtures/fuzz-sigreg/sigreg-26.yaml', schedule: '2.1x2.2x4.1x3.2.1.S.1.2.1x2.2.1.2.1x5.2x2.1.2x4.1.S.1.2x2.1x4.2.1.2.1x2.2.1x4.2.1.S.2.1x3.2.1.S.1.S.1.S.1x2.S.1.2x7.1x2.2x2.1x2.S.2.1.S.1.S.2.1.F.1.2.1x2.2.1x3.2.1x2.2x2.1x2.2x2.1.2x5.1x2.2.1.2.1x3.2x4.1.2.1x2.2.1x3.2' },
  },
  {
    signature: 'use-after-free in dev_iommu_free via iommu_device_register: KASAN: slab-use-after-free: Write of fwspec of dev_iommu:plat0',
    note: 'F3 (consequence): a registration\'s failed probe unwind writes the dev_iommu a removal freed (use-after-free)',
    replay: { scenario: 'sigreg-27', file: 'test/fixtures/fuzz-sigreg/sigreg-27.yaml', schedule: '2.1.2.1.2.1.2x3.1x2.2.1.S.2x3.1.2x3.1.2.1x2.2.1.2x2.1.2x2.1.2.1.2x4.1.2.1x2.S.2.1.2x3.1x3.2.1.2.1x2.2x3.1.2x2.1x4.2x4.1.S.2.1.2.1.2.1x2.S.1.S.1.F.2.1.2x3.1x2.2.1.2.1.2.1.2.1x2.2.1.2x2.1x2.2x3' },
  },
  {
    signature: 'invariant in mock_attach_dev via iommu_device_register: invariant violated: I3: dev:ep1 RID is translate(io_pgtable#N) but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'F29: a failed IOMMU probe of a PCIe-to-PCI bridge (an allocation failure) splits the functions behind it into two groups that share the bridge\'s requester ID; one group\'s default-domain attach rewrites the other\'s entry (I3)',
    replay: { scenario: 'bridge-probe-fails', file: 'test/fixtures/fuzz-sigreg/bridge-probe-fails.yaml', schedule: 'S.F' },
  },
  {
    signature: 'invariant in mock_release_device via iommu_device_unregister: invariant violated: I3: dev:ep1 RID is abort but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'F3 (consequence) with alias sharing (docs/FUZZING.md class 3): an unregistration releases the functions behind a PCIe-to-PCI bridge while another registration probes some of them again into a new group (release takes no probe lock); releasing the rest parks the requester ID they share (I3)',
    replay: { scenario: 'sigreg-30', file: 'test/fixtures/fuzz-sigreg/sigreg-30.yaml', schedule: '2x616.3x301' },
  },
  {
    signature: 'invariant in bus_iommu_probe via iommu_device_register: invariant violated: I13: deferred dev:ep0 is programmed (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a deferred function\'s requester ID is another function\'s DMA alias; the other\'s attach programs it (I13)',
    replay: { scenario: 'sigreg-31', file: 'test/fixtures/fuzz-sigreg/sigreg-31.yaml', schedule: '1x212' },
  },
  {
    signature: 'use-after-free in iommu_setup_default_domain via iommu_device_register: KASAN: slab-use-after-free: Write of defaultDomain of group#N',
    note: 'F3 (consequence): a removal frees the group between the registration\'s phases; phase 2 writes its default domain (use-after-free)',
    replay: { scenario: 'sigreg-32', file: 'test/fixtures/fuzz-sigreg/sigreg-32.yaml', schedule: '1.2x2.1x2.2.1.2x2.1.2.1x4.2x4.1.2x2.1x4.2x2.1.2x2.1.2.1.2.1x2.2.1.2.1.2x4.1.2x2.1x2.2.1.2.1x2.2.1x3.2.1.2x7.1.2x2.1.2x3.1.2.1.2x2.1.2.1.2x6.1.2x3.1.2.1.2.1.2x6.1.2x2.1x2.2.1x3.2.1x4.2.1x4.2x4.1.2.1' },
  },
  {
    signature: 'invariant in iommu_deferred_attach via dma_map_page: invariant violated: I3: dev:plat2 RID is translate(io_pgtable#N) but group#N->domain is domain:D0#N (translate(io_pgtable#N))',
    note: 'Caller bug (harness error, fixed on branch sigreg: the interpreter issued an owner\'s operations after its claim failed; no longer generated): a group attach whose claim had failed (-EPERM, a DMA-API driver is bound in the group) races the driver\'s first DMA map, F21\'s window (the replay issues the attach with no claim at all)',
    replay: { scenario: 'sigreg-33', file: 'test/fixtures/fuzz-sigreg/sigreg-33.yaml', schedule: '2x17.3x20' },
  },
  {
    signature: 'null-deref in arm_smmu_release_device via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal and a registration\'s failed probe unwind race on the device: NULL dev->iommu in arm_smmu_release_device()',
    replay: { scenario: 'sigreg-34', file: 'test/fixtures/fuzz-sigreg/sigreg-34.yaml', schedule: '1x2.2.1x2.2.1.2x2.1.S.2.1x2.2x2.1.2.1.2.1x6.2.1.S.2x2.1x3.2x2.1x2.2x2.1x8.S.1.2x2.1.2.1.2x6.1.S.2x8.1.S.1.S.2x4.1.2.1.F.1.2.1x3.2x2.1.2x9.1' },
  },
  {
    signature: 'null-deref in iommu_deinit_device via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal and a registration\'s failed probe unwind race on the device: NULL dev->iommu in iommu_deinit_device()',
    replay: { scenario: 'sigreg-35', file: 'test/fixtures/fuzz-sigreg/sigreg-35.yaml', schedule: '2.1.2.1.2.1x2.2.1.2x3.1.S.1.2x5.1x2.2.1x2.2x2.1x2.2.1x2.2x3.1.2.1.S.2.1x2.2.1.2x4.1.2x2.1x3.2.1.2.1.2x2.1x4.S.1x2.2.1.2x5.1.S.2.1.S.2x4.1.S.1.2x2.1.S.2.1.2.1.2x3.1.2x3.Sx3.F' },
  },
  {
    signature: 'null-deref in mock_release_device via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal and a registration\'s failed probe unwind race on the device: NULL dev->iommu in mock_release_device()',
    replay: { scenario: 'sigreg-36', file: 'test/fixtures/fuzz-sigreg/sigreg-36.yaml', schedule: '2.1.2x4.1.S.2.S.2.1.2.1.2.1x4.2.1.2x3.1x2.2.1.2.S.1x2.2.1x3.2x4.S.1.2x2.1x2.2x2.S.2.F.1x3.2.1.2' },
  },
  {
    signature: 'invariant in __iommu_probe_device via iommu_device_register: invariant violated: I9: dev:ep0 is in reset but its RID is abort',
    note: 'F12: a PCI reset racing the IOMMU registration that probes its device (I9: the probe programs the RID of the function in reset, here abort)',
    replay: { scenario: 'sigreg-37', file: 'test/fixtures/fuzz-sigreg/sigreg-37.yaml', schedule: '1x17.2x224' },
  },
  {
    signature: 'use-after-free in iommu_init_device via iommu_device_register: KASAN: slab-use-after-free: Write of attachDeferred of dev_iommu:ep0',
    note: 'F3 (consequence): a removal frees dev_iommu while a registration\'s probe initialises it (use-after-free)',
    replay: { scenario: 'sigreg-38', file: 'test/fixtures/fuzz-sigreg/sigreg-38.yaml', schedule: '3x162.2x32' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via really_probe: iommu driver contract violated: attach_dev: old is domain:default#N (translate(page[0xN])) but the hardware has dev:ep0 RID on abort',
    note: 'F24 (and F16\'s mechanism on intel-iommu): an attach in a driver bind\'s late probe fails under an allocation failure and leaves the RID blocked; the probe\'s unwind (iommu_deinit_device()) hands the release domain old = group->domain',
    replay: { scenario: 'sigreg-39', file: 'test/fixtures/fuzz-sigreg/sigreg-39.yaml', schedule: '3.2.3x2.2.3.2.1.3x2.1x3.3x3.1.2x2.1.2.S.2x4.1.2.1x2.2.1.2x2.1x2.2.1x4.2.1x2.2.S.1.2.1.2x3.1.2x4.1x4.2x2.1.2x2.1x2.2.S.1x4.2.1x3.2.1.2x2.1x2.2.1x2.2x2.1.2.S.2.1.2.1.2x2.1x2.2.1.2x3.S.2.S.1x3.2.S.1x3.2.S.2.1.2.1x2.S.2x2.S.2x2.1x2.2.S.1.2.1.2x2.1x6.2.1.2.S.1.2.1x3.2.1x2.S.2x2.1.2.S.2.1.2.1x2.S.2x2.1x4.2x3.1.2.1.2x2.1.2.S.1.2.1.S.F.1x4.2.1.2x2.1.2x5.1.2x2.1x2.2x9.1.2x2.1.2x4.1.2x2.1x3.2.1.2.1.2x2.1.2.1' },
  },
  {
    signature: 'invariant in __iommu_probe_device via device_add: invariant violated: I13: deferred dev:ep0 is programmed (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a deferred function\'s requester ID is a hot-added function\'s DMA alias; its attach programs it (I13)',
    replay: { scenario: 'sigreg-40', file: 'test/fixtures/fuzz-sigreg/sigreg-40.yaml', schedule: '1x3.2.1.2x4.1.2.1x2.2.1.2x6.1x2.2.1.2x2.1.2x5.1' },
  },
  {
    signature: 'invariant in __iommu_probe_device via iommu_device_register: invariant violated: I13: deferred dev:ep0 is programmed (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a deferred function\'s requester ID is another function\'s DMA alias; the other\'s attach programs it (I13)',
    replay: { scenario: 'sigreg-41', file: 'test/fixtures/fuzz-sigreg/sigreg-41.yaml', schedule: '2x11.1x46' },
  },
  {
    signature: 'invariant in __iommu_probe_device via really_probe: invariant violated: I13: deferred dev:ep0 is programmed (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a deferred function\'s requester ID is another function\'s DMA alias; the other\'s attach programs it (I13)',
    replay: { scenario: 'sigreg-42', file: 'test/fixtures/fuzz-sigreg/sigreg-42.yaml', schedule: '1x56.2x58' },
  },
  {
    signature: 'invariant in __iommu_probe_device via device_add: invariant violated: I13: deferred dev:ep0 is programmed (bypass)',
    note: 'Alias sharing (docs/FUZZING.md class 3): a hot-added function with a DMA alias of a deferred function fails its probe; the unwind\'s identity release writes the shared requester ID (I13 bypass)',
    replay: { scenario: 'sigreg-43', file: 'test/fixtures/fuzz-sigreg/sigreg-43.yaml', schedule: 'n5/1x72' },
  },
  {
    signature: 'invariant in __iommu_probe_device via device_add: invariant violated: I3: dev:ep0 RID is bypass but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3): a hot-added function with a DMA alias fails its probe; the unwind\'s identity release writes the requester ID a member of another group uses (I3 bypass)',
    replay: { scenario: 'sigreg-44', file: 'test/fixtures/fuzz-sigreg/sigreg-44.yaml', schedule: 'Sx7.F' },
  },
  // ---- branch sigattach: the attach, detach, ownership, domain-free and PASID signatures of the
  // default run of 2026-12-05 13:13 UTC (main d68d8db) that are not findings of their own, each classified
  // in docs/FUZZING.md ("Signatures of the default run that are not findings: sigattach"); the replays
  // are the fuzzer's reproducers (test/fixtures/fuzz-sigattach/). Entries without a replay are keys
  // whose witness was a harness error since fixed (an owner operation after a failed claim, branches
  // sigreg and sigattach; a driver's attach without a bound driver): the fixed model no longer reports
  // them that way.
  {
    signature: 'null-deref in iommu_detach_device_pasid: BUG: kernel NULL pointer dereference: dev->iommu_group',
    note: 'F23 (consequence): a failed registration\'s unwind releases a VFIO-owned function with a PASID attached; the owner\'s PASID detach reads its NULL dev->iommu_group',
    replay: { scenario: 'sigattach-01', file: 'test/fixtures/fuzz-sigattach/sigattach-01.yaml', schedule: '1.3.1x5.3.1x3.3.1.3x3.S.1.3.S.1x2.3.S.3.Sx13.1.3x3.S.1x2.Sx9.1x4.3x2.1.3x3.1x2.S.1.S.3x3.1.S.3x2.1.3.1x3.3x2.1.3.1.3.1x2.3.1.3x2.S.3.S.3.1.3x2.1.S.3.1x2.3.S.1.3.1x2.3x2.1x2.3x3.F' },
  },
  {
    signature: 'driver-contract in driver_domain_free via iommu_domain_free: iommu driver contract violated: ops->free(domain:D0#N) while iommu0 stream 0xN RID still translates through it',
    note: 'F1 (consequence): the owner\'s detach and release are refused during a reset (-EBUSY), then it frees the domain the RID still translates through',
    replay: { scenario: 'sigattach-02', file: 'test/fixtures/fuzz-sigattach/sigattach-02.yaml', schedule: '2.1.2.1x2.2.1x4.3x4.1.3x2.1.2.3.2x3.3' },
  },
  {
    signature: 'invariant in mock_domain_free via iommu_domain_free: invariant violated: I5: iommu0 stream N RID still translates through freed io_pgtable#N',
    note: 'F1 (consequence): the owner\'s detach and release are refused during a reset (-EBUSY), then it frees the domain the RID still translates through',
    replay: { scenario: 'sigattach-03', file: 'test/fixtures/fuzz-sigattach/sigattach-03.yaml', schedule: '2.1.2.1x2.2.1x4.3x4.1.3x2.1.2.3.2x3.3' },
  },
  {
    signature: 'warn in __iommu_group_set_domain_nofail via iommu_detach_group_handle: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F1 (another entry point): iommufd\'s handle detach is refused during a reset (-EBUSY): the WARN',
    replay: { scenario: 'sigattach-04', file: 'test/fixtures/fuzz-sigattach/sigattach-04.yaml', schedule: '2.1.2.1x2.2.1x4.3x4.1.3x2.1.2.3.2x3.3' },
  },
  {
    signature: 'driver-contract in driver_set_dev_pasid via iommu_detach_device_pasid: iommu driver contract violated: remove_dev_pasid: old is domain:D0#N (translate(page[0xN])) but the hardware has dev:ep1 PASID N on abort',
    note: 'F22 (another symptom): a DMA-API driver\'s PASID detached during a reset of its function is removed a second time (intel-iommu)',
    replay: { scenario: 'sigattach-05', file: 'test/fixtures/fuzz-sigattach/sigattach-05.yaml', schedule: '1x52.2x151.1x11' },
  },
  {
    signature: 'warn in __iommu_release_dma_ownership via iommu_group_release_dma_owner: WARNING: WARN_ON(!group->owner_cnt || !group->owner || !xa_empty(&group->pasid_array))',
    note: 'Model error (harness, fixed on branches sigreg and sigattach; "harness error, fixed"): a second owner\'s claim of an owned group was refused (-EPERM) and the program attached its domain anyway; the first owner\'s release found the handle in pasid_array. An owner whose claim failed no longer attaches (scenarios/iommu/ops.ts)',
  },
  {
    signature: 'invariant in iommu_attach_group_handle: invariant violated: I4: group#N has domain domain:D2#N but no default_domain',
    note: 'F7\'s window reached by a refused owner (harness error, fixed on branches sigreg and sigattach): vfio-pci\'s bind and the claim failed between the bus_iommu_probe() phases, the program attached anyway; a legitimate owner meets I4 at its claim (F7\'s entries)',
  },
  {
    signature: 'warn in __iommu_group_set_domain_nofail via iommu_detach_device: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F24 (another entry point): iommu_detach_device()\'s nofail switch to the default domain fails in the driver\'s attach (an allocation)',
    replay: { scenario: 'sigattach-08', file: 'test/fixtures/fuzz-sigattach/sigattach-08.yaml', schedule: '3.2x2.3.2x3.3.2.S.3.2x3.3.Sx25.F' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via iommu_detach_group: iommu driver contract violated: attach_dev: old is domain:D0#N (translate(page[0xN])) but the hardware has dev:br0 RID on abort',
    note: 'F16 (consequence; the run\'s witness was a harness error, fixed on branches sigreg and sigattach: its claim had been refused): a failed attach left the RID blocked on intel-iommu, the detach hands the driver old = the domain the core keeps',
  },
  {
    signature: 'invariant in iommu_replace_group_handle: invariant violated: I4: group#N has domain domain:D4#N but no default_domain',
    note: 'F7\'s window reached by a refused owner (harness error, fixed on branches sigreg and sigattach): the claim failed between the bus_iommu_probe() phases, the program replaced the domain anyway; a legitimate owner meets I4 at its claim (F7\'s entries)',
  },
  {
    signature: 'warn in __iommu_group_set_domain_nofail via iommu_device_release_dma_owner: WARNING: WARN_ON(__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED))',
    note: 'F24 (another entry point): iommu_device_release_dma_owner()\'s nofail switch fails in the driver\'s attach (an allocation)',
    replay: { scenario: 'sigattach-11', file: 'test/fixtures/fuzz-sigattach/sigattach-11.yaml', schedule: 'S.F' },
  },
  {
    signature: 'invariant in free_table_pages via iommu_domain_free: invariant violated: H4: page-table frame 0xN freed while iommu0: sid N ssid N TTB0 still points at it',
    note: 'F27 (consequence): a function removed from a group with a PASID attached keeps it in arm-smmu-v3; the domain\'s free leaves its CD pointing at the freed table (H4)',
    replay: { scenario: 'sigattach-12', file: 'test/fixtures/fuzz-sigattach/sigattach-12.yaml', schedule: '-' },
  },
  {
    signature: 'invariant in io_pgtable_free via iommu_domain_free: invariant violated: I5: iommu0 stream N PASID N still translates through freed page[0xN]',
    note: 'F27 (consequence): a function removed from a group with a PASID attached keeps it in arm-smmu-v3; the domain\'s free leaves its PASID translating through the freed table (I5)',
    replay: { scenario: 'sigattach-13', file: 'test/fixtures/fuzz-sigattach/sigattach-13.yaml', schedule: '-' },
  },
  {
    signature: 'invariant in iommu_group_store_type: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'F16 (another entry point): the sysfs type write\'s attach fails in intel-iommu (an allocation) and leaves the RID blocked while group->domain keeps the old domain',
    replay: { scenario: 'sigattach-14', file: 'test/fixtures/fuzz-sigattach/sigattach-14.yaml', schedule: 'Sx5.F' },
  },
  {
    signature: 'null-deref in __iommu_attach_group via iommu_attach_group_handle: BUG: kernel NULL pointer dereference: iommu_group_first_dev(group)',
    note: 'F13\'s window reached by a refused owner (harness error, fixed on branches sigreg and sigattach): vfio-pci\'s bind was refused (no group yet) and the claim failed, the program attached to the half-probed, still empty group anyway; a legitimate claim there is sigcore\'s null-deref in __iommu_group_alloc_blocking_domain',
  },
  {
    signature: 'invariant in __iommu_group_remove_device: invariant violated: I3: dev:ep2 RID is abort but group#N->domain is domain:identity#N (bypass)',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): the departing function\'s release domain blocks the requester ID a remaining member shares',
    replay: { scenario: 'sigattach-16', file: 'test/fixtures/fuzz-sigattach/sigattach-16.yaml', schedule: '1x2.2x3.1.2.1x3.2.1.2x2.1x2.2.1.2.1.2.1x2.2.1.2.1.2.1.2.1x5.2x4.1.2x4.1x2.2x3.1x3.2x2.1x5.2x4.1.2x2.1.2.1.2x3.1x2.2.1x3.2x2.1.2.1.2x4.1.2.1.2x3.1x2.2.1x3.2' },
  },
  {
    signature: 'invariant in __iommu_group_remove_device: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): the departing function\'s release domain blocks the requester ID a remaining member shares',
    replay: { scenario: 'sigattach-17', file: 'test/fixtures/fuzz-sigattach/sigattach-17.yaml', schedule: '-' },
  },
  {
    signature: 'warn in intel_iommu_domain_free via iommu_domain_free: WARNING: WARN_ON(!list_empty(&dmar_domain->devices))',
    note: 'F1 (consequence) or F30 (intel-iommu): a domain freed while devices are still on its list; the run\'s witness was F1\'s refused detach during a reset (after a refused claim, a harness error fixed on branches sigreg and sigattach), the replay F30 (the detach of a group another function joined)',
    replay: { scenario: 'attach-device-member-joins-vtd', file: 'test/fixtures/attach-device-member-joins.yaml', schedule: '-' },
  },
  {
    signature: 'warn in __iommu_group_set_domain_internal via iommu_group_claim_dma_owner: WARNING: WARN_ON(__iommu_device_set_domain(group, gdev->dev, group->domain, new_domain, MUST_SUCCEED))',
    note: 'F24 (another entry point): a claim refused for a require_direct member reverts the members before it; the revert\'s MUST_SUCCEED attach fails in the driver (an allocation)',
    replay: { scenario: 'sigattach-19', file: 'test/fixtures/fuzz-sigattach/sigattach-19.yaml', schedule: 'S.F' },
  },
  {
    signature: 'use-after-free in arm_smmu_atc_inv_domain via iommu_unmap: KASAN: slab-use-after-free: Read of atsEnabled of arm_smmu_master:ep1',
    note: 'F27 (consequence): a function removed from a group with a PASID attached keeps its arm_smmu_master_domain on the domain; an unmap\'s ATC invalidation reads the freed master',
    replay: { scenario: 'sigattach-20', file: 'test/fixtures/fuzz-sigattach/sigattach-20.yaml', schedule: '2x4.1x5.2.1x3.2.1.2.1x6.2.1x2.2.1x2.2x4.1x2.2x2.1.2.1x4.2.1x2.2.1x5.2.1.2x7.1.2x5.1x3.2x4.1.2x6.1x2.2.1.2.1.2.1.2.1.2.1.2x3.1.2x2.1x3.2x3.1x3.2x2.1.2.1x2.2.1x2.2.1x2.2x3.1.2.1x5.2x3.1x2.2.1.2.1x2.2x2.1.2.1.2.1x2.2x3.1x2.2x3.1x2.2.1x3.2x6.1.2.1x2.2.1.2.1x3.2.1.2x5.1.2x7.1.2.1.2.1.2x3.1.2.1.2.1x2.2x3.1.2x2.1.2x2.1' },
  },
  {
    signature: 'invariant in arm_smmu_domain_free_paging via iommu_domain_free: invariant violated: I5: domain:D0#N freed while group#N->domain points at it',
    note: 'F1 (another entry point, arm-smmu-v3): iommu_detach_device() refused during a reset, then the driver frees the domain group->domain still points at',
    replay: { scenario: 'sigattach-21', file: 'test/fixtures/fuzz-sigattach/sigattach-21.yaml', schedule: '2.1.2x5.1x5.2.1x2.2x2.1x3.2x3.1x2.2x2.1.2x3.1.2.1x2.2.1x2.2x2.1x4.2.1x2.2.1x2.2.1x4.2.1x2.2.1.2x3.1.2x2.1.2x2.1x2.2x4.1.2x2.1.2.1x3.2x5.1' },
  },
  {
    signature: 'invariant in iommu_attach_device: invariant violated: I9: dev:ep0 is in reset but its RID is bypass',
    note: 'F10: prepare removes the PASIDs before it sets resetting_domain and arm-smmu-v3 puts the RID back on identity (I9, reported at the next attach)',
    replay: { scenario: 'sigattach-22', file: 'test/fixtures/fuzz-sigattach/sigattach-22.yaml', schedule: '2x2.1x4.2.1x5.2x2.1.2x2.1x3.2.1x4.2.1.2.1x2' },
  },
  {
    signature: 'invariant in iommu_attach_group: invariant violated: I8: dev:ep0 requires direct mappings but is on group#N\'s blocking domain',
    note: 'Model error (harness, fixed on branches sigreg and sigattach; "harness error, fixed"): a require_direct device\'s claim is refused (-EINVAL, spec 4.5), the program attached anyway and F16\'s failed attach left it on the blocking domain. An owner whose claim failed no longer attaches',
  },
  {
    signature: 'driver-contract in driver_attach_dev via iommu_detach_group_handle: iommu driver contract violated: attach_dev: old is domain:D2#N (translate(page[0xN])) but the hardware has dev:ep0 RID on abort',
    note: 'F16 (consequence; the run\'s witness was a harness error, fixed on branches sigreg and sigattach: its claim had been refused): a failed attach left the RID blocked on intel-iommu, the detach hands the driver old = the domain the core keeps',
  },
  {
    signature: 'invariant in iommu_attach_group_handle: invariant violated: I3: dev:ep2 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'F16 (another entry point; the run\'s witness was a harness error, fixed on branches sigreg and sigattach: its claim had been refused): intel-iommu\'s attach fails (an allocation) and leaves the RID blocked while group->domain keeps the old domain',
  },
  {
    signature: 'invariant in iommu_attach_group_handle: invariant violated: I8: dev:ep0 requires direct mappings but is on group#N\'s blocking domain',
    note: 'Model error (harness, fixed on branches sigreg and sigattach; "harness error, fixed"): a require_direct device\'s claim is refused (-EINVAL, spec 4.5), the program attached anyway and F16\'s failed attach left it on the blocking domain. An owner whose claim failed no longer attaches',
  },
  {
    signature: 'warn in iommu_detach_device: WARNING: WARN_ON(domain != group->domain)',
    note: 'Model error (harness, fixed on branches sigreg and sigattach; "harness error, fixed"): iommu_attach_device() was issued for a device whose driver bind had been deferred (no driver bound), so a sysfs type write could switch the group under the attached domain. The interpreter no longer issues it',
  },
  {
    signature: 'warn in iommu_detach_device: WARNING: WARN_ON(list_count_nodes(&group->devices) != N)',
    note: 'F30: a function joins a group after its only member\'s driver attached its own domain (iommu_attach_device()); the detach WARNs and does nothing, the free leaves both translating through it',
    replay: { scenario: 'attach-device-member-joins', file: 'test/fixtures/attach-device-member-joins.yaml', schedule: '-' },
  },
  {
    signature: 'driver-contract in driver_domain_free: iommu driver contract violated: ops->free(domain:default#N) while iommu0 stream 0xN RID still translates through it',
    note: 'F3 (consequence, through iommu_device_unregister()): an instance\'s unregistration releases devices another instance\'s registration re-probes; the group\'s domain is freed at teardown with a stream still on it',
    replay: { scenario: 'sigattach-29', file: 'test/fixtures/fuzz-sigattach/sigattach-29.yaml', schedule: '2x637.3x360' },
  },
  {
    signature: 'invariant in mock_domain_free: invariant violated: I5: iommu0 stream N RID still translates through freed io_pgtable#N',
    note: 'F3 (consequence, through iommu_device_unregister()): an instance\'s unregistration releases devices another instance\'s registration re-probes; the group\'s domain is freed at teardown with a stream still on it',
    replay: { scenario: 'sigattach-30', file: 'test/fixtures/fuzz-sigattach/sigattach-30.yaml', schedule: '1x130.2x285' },
  },
  {
    signature: 'invariant in iommu_group_claim_dma_owner: invariant violated: I4: group#N has domain domain:blocking#N but no default_domain',
    note: 'F7 (another entry point): vfio-pci binds and claims a group between the bus_iommu_probe() phases (the core\'s own paging blocking domain)',
    replay: { scenario: 'sigattach-31', file: 'test/fixtures/fuzz-sigattach/sigattach-31.yaml', schedule: '2x9.1x190.3x41' },
  },
  {
    signature: 'null-deref in __iommu_attach_group via iommu_attach_group: BUG: kernel NULL pointer dereference: iommu_group_first_dev(group)',
    note: 'F23 (consequence): a failed registration\'s unwind empties a VFIO-owned group; the owner\'s attach dereferences iommu_group_first_dev() of the empty group',
    replay: { scenario: 'sigattach-32', file: 'test/fixtures/fuzz-sigattach/sigattach-32.yaml', schedule: '3.1x3.3.1x3.3.1x2.3x2.1.S.3.S.3x2.Sx13.3x2.2x2.1x3.3.2.1x3.3.F.1.3.1.3x2.1.3x5.1x3.3x2.1.3.1.3x2' },
  },
  {
    signature: 'invariant in iommu_attach_device: invariant violated: I3: dev:ep3 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
    note: 'F16 (another entry point): iommu_attach_device() fails in intel-iommu (an allocation) and leaves the RID blocked while group->domain keeps the default domain',
    replay: { scenario: 'sigattach-33', file: 'test/fixtures/fuzz-sigattach/sigattach-33.yaml', schedule: 'Sx12.F' },
  },
  {
    signature: 'invariant in free_table_pages via iommu_domain_free: invariant violated: H4: page-table frame 0xN freed while iommu0: sid N ssid N TTB0 still points at it; page-table frame 0xN freed while iommu0: sid N ssid N TTB0 still points at it; page-table frame 0xN freed while iommu0: sid N ssid N TTB0 still points at it; page-table frame 0xN freed while iommu0: sid N ssid N TTB0 still points at it',
    note: 'F24 (consequence; the run\'s witness was a harness error, fixed on branches sigreg and sigattach: its claim had been refused): a detach\'s nofail switch fails in arm-smmu-v3\'s attach (an allocation), the domain stays attached and is freed',
  },
  {
    signature: 'invariant in iommu_attach_group: invariant violated: I4: group#N has domain domain:D0#N but no default_domain',
    note: 'F7\'s window reached by a refused owner (harness error, fixed on branches sigreg and sigattach): vfio-pci\'s bind and the claim failed between the bus_iommu_probe() phases, the program attached anyway; a legitimate owner meets I4 at its claim (F7\'s entries)',
  },
  {
    signature: 'invariant in __iommu_group_remove_device: invariant violated: I3: dev:ep0 RID is bypass but group#N->domain is domain:default#N (translate(io_pgtable#N))',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): the departing function\'s release domain (identity) rewrites the requester ID a remaining member shares',
    replay: { scenario: 'sigattach-36', file: 'test/fixtures/fuzz-sigattach/sigattach-36.yaml', schedule: '1.3.1.3.1x2.3x2.1x2.3.1.3x2.1.3x2.1x3.3.1.3.1.3.1x2.3.1x2.3x2.1x2.3x2.1x3.3x3.1.3x2.1x3.3x2.1.3.1x2.3x4.1x4.3x3.1.3x4.1x2.3.1x5.3.1x3.3x2.1.3x2.1.3x2.1x2.3.1.3x2' },
  },
  // ---- branch sigfinal: the 12 keys of the final default run of 2026-12-05's third session (main
  // f4a9276, seed 1, 15:37-15:47 UTC) that matched no entry above; docs/FUZZING.md "Signatures of the
  // final default run of 2026-12-05's third session (branch sigfinal)". Replays: the fuzzer's
  // reproducers in test/fixtures/fuzz-sigfinal/ (sigfinal-NN is the share's row NN).
  {
    signature: 'invariant in pci_dev_reset_iommu_prepare via reset_method_store: invariant violated: I5: group#N->domain is freed domain:D0#N',
    note: 'F1 (consequence): an owner\'s detach or release is refused during a reset (-EBUSY, the nofail WARN), then it frees the domain group->domain still names; a reset_method write\'s probe (F8\'s window) runs prepare or done on the freed domain (I5 in prepare)',
    replay: { scenario: 'sigfinal-01', file: 'test/fixtures/fuzz-sigfinal/sigfinal-01.yaml', schedule: '1x16.3x5.1x15.2x34.3x6' },
  },
  {
    signature: 'use-after-free in mock_move_user via reset_method_store: KASAN: slab-use-after-free: Read of mdev->domain of domain:D0#N',
    note: 'F1 (consequence): an owner\'s detach or release is refused during a reset (-EBUSY, the nofail WARN), then it frees the domain group->domain still names; a reset_method write\'s probe (F8\'s window) runs prepare or done on the freed domain (the use-after-free when prepare moves the RID off it)',
    replay: { scenario: 'sigfinal-02', file: 'test/fixtures/fuzz-sigfinal/sigfinal-02.yaml', schedule: '1x16.3x5.1x15.2x31.3x6' },
  },
  {
    signature: 'driver-contract in driver_attach_dev via iommu_group_release_dma_owner: iommu driver contract violated: attach_dev: old is domain:D0#N (translate(page[0xN])) but the hardware has dev:br0 RID on abort',
    note: 'F16 (consequence): the owner\'s release switches the group back with a nofail attach that fails in intel-iommu (an allocation, cache_tag_assign) and leaves br0\'s RID blocked while the core keeps the owner\'s domain; the next attach of the switch is handed old = that domain',
    replay: { scenario: 'sigfinal-03', file: 'test/fixtures/fuzz-sigfinal/sigfinal-03.yaml', schedule: '2.3.2x4.3x2.2.3x2.2x5.3.2.3.2x3.3.2.3.2.3x4.Sx3.3x2.2.3.2.3.2x4.3.2.3x3.2x2.3x3.S.F.2.3.2x2.3x2.2.3x2.2.3.2.3x2.2x2.3.2x2.3x2.2x3.3.2x2.3x3.2x3.3x3.2x3.3.2.3.2x4.3x5.2x2.3.2.3x2.2.3.2.3.2.3x2.2x2.3.2x2.3.2x3.3x8.2x2' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via reset_method_store: invariant violated: I3: dev:ep2 RID is abort but group#N->domain is domain:D0#N (translate(page[0xN]))',
    note: 'F24 (another entry point): done\'s re-attach fails in the driver (an allocation) during a reset_method write\'s probe and leaves the RID blocked (I3)',
    replay: { scenario: 'sigfinal-04', file: 'test/fixtures/fuzz-sigfinal/sigfinal-04.yaml', schedule: '2x2.3x2.2.3x3.2x2.3x2.2x2.3x2.2x6.3.2.Sx3.2.3x2.2x2.3x2.2.3.2.3.2.3.2.3.2x3.3x2.2.3x2.2.3.S.3.S.2.3x3.S.2x2.3x3.S.2.3.2.3.2.3x2.2x9.3.S.3x2.2x2.3.2.3x2.S.3.2x3.3.2x2.3.2.3.2.3x5.S.2x2.3.S.3x3.S.2.3.2.3x2.2x2.S.F' },
  },
  {
    signature: 'null-deref in __iommu_device_set_domain via iommu_group_claim_dma_owner: BUG: kernel NULL pointer dereference: dev->iommu',
    note: 'F3 (consequence): a removal releases a function while a registration\'s probe of it is under way (release takes no probe lock); the probe then adds the released function to the group and an owner\'s claim walks it: NULL dev->iommu in __iommu_device_set_domain()',
    replay: { scenario: 'sigfinal-05', file: 'test/fixtures/fuzz-sigfinal/sigfinal-05.yaml', schedule: '2x9.1x208.4x18.3x27' },
  },
  {
    signature: 'invariant in mock_attach_dev via iommu_device_register: invariant violated: I9: dev:ep1 is in reset but its RID is translate(io_pgtable#N)',
    note: 'F12: a PCI reset racing the IOMMU registration that probes its device: the probe attaches the default domain to the function in reset (I9)',
    replay: { scenario: 'sigfinal-06', file: 'test/fixtures/fuzz-sigfinal/sigfinal-06.yaml', schedule: '1x8.2x189' },
  },
  {
    signature: 'driver-contract in iommu_driver_get_domain_for_dev via reset_method_store: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:blocked#N but the hardware has its RID on translate(page[0xN])',
    note: 'F10 (its query half): the driver asks iommu_driver_get_domain_for_dev() while prepare removes (or done re-installs) the PASIDs, and is told a domain the RID is not on',
    replay: { scenario: 'sigfinal-07', file: 'test/fixtures/fuzz-sigfinal/sigfinal-07.yaml', schedule: '-' },
  },
  {
    signature: 'warn in __iommu_group_free_device via iommu_device_unregister: WARNING: WARN_ON(group->owner_cnt || group->domain != group->default_domain)',
    note: 'F1 (consequence): an owner\'s release refused during a reset (-EBUSY) leaves the group on the owner\'s domain; the IOMMU\'s unregistration then releases the function and WARNs',
    replay: { scenario: 'sigfinal-08', file: 'test/fixtures/fuzz-sigfinal/sigfinal-08.yaml', schedule: '2x248.3x7.2x2.3x2' },
  },
  {
    signature: 'invariant in hw_function_reset_start via pci_reset_function_with: invariant violated: I9: dev:ep0 is in reset but its RID is translate(io_pgtable#N)',
    note: 'F11: a function hot-added during a reset with a DMA alias of the reset one reprograms the reset function\'s requester ID (I9 when the reset starts)',
    replay: { scenario: 'sigfinal-09', file: 'test/fixtures/fuzz-sigfinal/sigfinal-09.yaml', schedule: '3x7.2x82' },
  },
  {
    signature: 'invalidation-timeout in execute via device_del: IOMMU invalidation timeout: H16: an ATS invalidation sent to dev:ep0 timed out: the function is in reset (I9: nothing may be sent to a function the reset hooks blocked)',
    note: 'Alias sharing (docs/FUZZING.md class 3, a limitation of the model\'s drivers): a function with a DMA alias of another function\'s requester ID is removed during that function\'s reset; arm-smmu-v3\'s release invalidates the ATC of every stream of the departing master, the alias one too, which reaches the function in reset (H16)',
    replay: { scenario: 'sigfinal-10', file: 'test/fixtures/fuzz-sigfinal/sigfinal-10.yaml', schedule: '1x8.2x9.1x77' },
  },
  {
    signature: 'invariant in pci_dev_reset_iommu_done via reset_method_store: invariant violated: I5: group#N->domain is freed domain:D0#N',
    note: 'F1 (consequence): an owner\'s detach or release is refused during a reset (-EBUSY, the nofail WARN), then it frees the domain group->domain still names; a reset_method write\'s probe (F8\'s window) runs prepare or done on the freed domain (I5 in done; the witness also re-enters prepare, F8)',
    replay: { scenario: 'sigfinal-11', file: 'test/fixtures/fuzz-sigfinal/sigfinal-11.yaml', schedule: '2.1.2x3.1.2.1.2x2.1x2.3.2x2.1x3.3x2.1.3x4.2x2.3.2x2.3.2.3' },
  },
  {
    signature: 'invariant in pci_enable_ats via iommu_device_register: invariant violated: I9: dev:ep1 is in reset with ATS enabled',
    note: 'F12: a PCI reset racing the IOMMU registration that probes its device: the registration enables ATS (intel-iommu, after it dropped the group mutex) on the function the reset has just blocked (I9)',
    replay: { scenario: 'sigfinal-12', file: 'test/fixtures/fuzz-sigfinal/sigfinal-12.yaml', schedule: '2x347.3x129.2' },
  },
];

/**
 * Known signatures, matched by their key (sigkey.ts): an entry written with `dev:ep0` and
 * `domain:D0#N` matches the report on `dev:ep2` and `domain:D3#N`.
 */
export class KnownSet {
  /** key -> the entry as written, and its note */
  private readonly byKey: Map<string, { signature: string; note: string }>;

  constructor(entries: readonly KnownSignature[]) {
    this.byKey = new Map();
    for (const e of entries) {
      const k = signatureKey(e.signature);
      if (!this.byKey.has(k)) this.byKey.set(k, { signature: e.signature, note: e.note });
    }
  }

  has(signature: string): boolean {
    return this.byKey.has(signatureKey(signature));
  }

  note(signature: string): string | undefined {
    return this.byKey.get(signatureKey(signature))?.note;
  }

  get size(): number {
    return this.byKey.size;
  }

  entries(): KnownSignature[] {
    return [...this.byKey.values()].map(({ signature, note }) => ({ signature, note }));
  }
}

export class KnownFileError extends Error {}

/** `none`, the built-in list (undefined), or a file */
export function loadKnown(arg: string | undefined): KnownSet {
  if (arg === undefined) return new KnownSet(builtinKnown);
  if (arg === 'none') return new KnownSet([]);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (e) {
    throw new KnownFileError(`${arg}: cannot read the known-signatures file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const entries: KnownSignature[] = [];
  let note = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      note = line.slice(1).trim();
      continue;
    }
    entries.push({ signature: line, note });
  }
  return new KnownSet(entries);
}

export function knownFileText(entries: readonly KnownSignature[]): string {
  return entries.map((e) => `${e.note === '' ? '' : `# ${e.note}\n`}${e.signature}\n`).join('');
}
