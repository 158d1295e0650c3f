// Signatures the user already knows: reported as known, not new, and not triaged again. By
// default the built-in findings (docs/FINDINGS.md) as iommulab fuzz names them; a file lists
// one signature per line (`# note` lines name the next signature; blank lines are skipped).
import { readFileSync } from 'node:fs';

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
 * shows it (test/fuzz-known.test.ts replays them). Other symptoms of the same bugs that the
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
  {
    signature: 'use-after-free in tlb_or_walk via dma_access: KASAN: slab-use-after-free: Read of io page table walked by the IOMMU of io_pgtable#N',
    note: 'model limitation (the mock\'s hardware, not a kernel bug): its attach has no fence for a walk in flight, so a DMA across a domain change walks the table freed after it',
    replay: { scenario: 'mock-settype-vs-dma', file: 'test/fixtures/mock-settype-vs-dma.yaml', schedule: '1.2x29' },
  },
];

export class KnownSet {
  private readonly notes: Map<string, string>;

  constructor(entries: readonly KnownSignature[]) {
    this.notes = new Map(entries.map((e) => [e.signature, e.note]));
  }

  has(signature: string): boolean {
    return this.notes.has(signature);
  }

  note(signature: string): string | undefined {
    return this.notes.get(signature);
  }

  get size(): number {
    return this.notes.size;
  }

  entries(): KnownSignature[] {
    return [...this.notes].map(([signature, note]) => ({ signature, note }));
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
