// Named patch toggles: each design or fix discussed in a seed thread or the spec that the model
// can run instead of the v7.0 baseline. A toggle is one plain condition next to the code it
// changes (`if (patches.name)`); all off = the baseline kernel as the spec describes it.

export interface PatchInfo {
  readonly name: PatchName;
  readonly description: string;
  /** seed file or spec section it comes from */
  readonly source: string;
}

export const patchRegistry = [
  {
    name: 'revertUseDefaultDomainDefer',
    description:
      'pre-b46064a18810 iommu_device_use_default_domain(): no -EPROBE_DEFER when the group has no default domain yet (async probe vs bus_iommu_probe race)',
    source: 'seeds/001; spec core.md §5a',
  },
  {
    name: 'probeDeferWithoutDefaultDomain',
    description: '6.6.y backport variant: iommu_probe_device() also returns -EPROBE_DEFER while the group has no default domain',
    source: 'spec core.md §5a (6.6.y variant)',
  },
  {
    name: 'releaseUnlockBeforeReleaseDevice',
    description:
      'historical release order: drop group->mutex between unlinking the device and ops->release_device (Jason\'s race 2)',
    source: 'seeds/003; spec core.md §5b',
  },
  {
    name: 'resetSkipMultiDeviceGroup',
    description: 'reset prepare v5: skip blocking (return 0) when the PCI device shares its group with other devices',
    source: 'seeds/000 (v5 hunk, dropped for v8)',
  },
  {
    name: 'resetDoneAllDevices',
    description: 'Kevin Tian\'s suggestion: reset done re-attaches every device of the group to group->domain, not only the reset one',
    source: 'seeds/000',
  },
  {
    name: 'noResetIommuHooks',
    description: 'pre-7.0: PCI resets do not call pci_dev_reset_iommu_prepare()/done(); the function is reset while attached, ATS on',
    source: 'spec core.md §4.12; hardware.md §4.4',
  },
  {
    name: 'mockNoIotlbInvalidate',
    description:
      'the mock driver\'s iotlb_sync skips its IOTLB invalidation (a driver that forgets the TLBI after unmap): ' +
      'a DMA keeps reaching an unmapped page through the stale entry',
    source: 'hardware.md §3.4, §4.3, §6 H1/H2 (issue 9: a driver invalidation toggled off)',
  },
] as const satisfies ReadonlyArray<{ name: string; description: string; source: string }>;

export type PatchName = (typeof patchRegistry)[number]['name'];
export type Patches = Readonly<Record<PatchName, boolean>>;

export const noPatches: Patches = Object.fromEntries(patchRegistry.map((p) => [p.name, false])) as Record<PatchName, boolean>;

export function isPatchName(s: string): s is PatchName {
  return patchRegistry.some((p) => p.name === s);
}

/** the patches a scenario runs with: the baseline plus the named ones */
export function withPatches(names: readonly PatchName[]): Patches {
  const p: Record<PatchName, boolean> = { ...noPatches };
  for (const n of names) p[n] = true;
  return p;
}
