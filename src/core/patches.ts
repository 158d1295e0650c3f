// Named patch toggles: each design or fix discussed in a seed thread or the spec that the model
// can run instead of the v7.0 baseline. A toggle is one plain condition next to the code it
// changes (`if (iommuCore.patches.name)`, or `=== 'value'` for a toggle with several values);
// every toggle at its default = the baseline kernel as the spec describes it.
//
// A toggle has named values. One with exactly the values `off` and `on` is a plain boolean in
// the model (`patches.name` is true when on); any other holds the value's name.

export interface PatchInfo {
  readonly name: string;
  /** what the toggle is about, one line */
  readonly description: string;
  /** every value, in the order listings show them, with what the model does under it */
  readonly values: Readonly<Record<string, string>>;
  /** the baseline's value */
  readonly default: string;
  /** the seed thread or spec section it comes from */
  readonly source: string;
  /** the upstream commit(s) involved, or why there is none */
  readonly commit: string;
}

export const patchRegistry = [
  {
    name: 'revertUseDefaultDomainDefer',
    description: 'iommu_device_use_default_domain() and a group whose default domain is not set up yet (async probe vs bus_iommu_probe())',
    values: {
      off: 'the fix: -EPROBE_DEFER while group->default_domain is NULL',
      on: 'before the fix: the bind goes on and phase 2 later switches the bound device to iommu-dma',
    },
    default: 'off',
    source: 'seeds/001 (Robin Murphy, Jan 2025); spec core.md §5a',
    commit: 'b46064a18810 (the fix, v6.15-rc1; `on` reverts it)',
  },
  {
    name: 'probeDeferWithoutDefaultDomain',
    description: 'iommu_probe_device() also defers the caller while the group has no default domain',
    values: {
      off: 'mainline: only iommu_device_use_default_domain() defers',
      on: 'the 6.6.y backport variant: iommu_probe_device() returns -EPROBE_DEFER too',
    },
    default: 'off',
    source: 'spec core.md §5a (6.6.y variant)',
    commit: '6.6.y backport of b46064a18810',
  },
  {
    name: 'releaseOrder',
    description: 'the order of iommu_release_device(): leaving the group, ops->release_device(), freeing the domains',
    values: {
      final: 'v6.4/v6.5: unlink, release_device and (last member) freeing the domains in one group->mutex hold',
      old: 'before mid-2022: leave the group (mutex dropped; the last reference frees the domains in iommu_group_release()), then release_device',
      reversal2022: '9ac8545199a1: release_device first, without the group mutex, then leave the group',
    },
    default: 'final',
    source: 'seeds/003 (Jason Gunthorpe, Robin Murphy, Sep 2022); spec core.md §5b',
    commit: 'old: before 9ac8545199a1; reversal2022: 9ac8545199a1 (v6.0-rc); final: dba9ca9d41f5 (v6.4), aa0958570f24 (v6.5)',
  },
  {
    name: 'resetSkipMultiDeviceGroup',
    description: 'reset prepare and a PCI function that shares its group',
    values: {
      off: 'as merged: the function is blocked whatever its group',
      on: 'v5 of the series: prepare returns 0 without blocking when the group has other devices',
    },
    default: 'off',
    source: 'seeds/000 (v5 hunk, dropped for v8)',
    commit: 'none (dropped before c279e83953d9)',
  },
  {
    name: 'resetDoneAllDevices',
    description: 'which devices reset done re-attaches to group->domain',
    values: {
      off: 'as merged: only the function that was reset',
      on: 'Kevin Tian\'s suggestion: every device of the group (for one hot-added between prepare and done)',
    },
    default: 'off',
    source: 'seeds/000 (Kevin Tian, Nov 2025)',
    commit: 'none (not in c279e83953d9)',
  },
  {
    name: 'noResetIommuHooks',
    description: 'whether PCI resets call pci_dev_reset_iommu_prepare()/done()',
    values: {
      off: 'v7.0: the reset methods call the hooks',
      on: 'before 7.0: no hooks; the function is reset while attached, ATS on',
    },
    default: 'off',
    source: 'spec core.md §4.12; hardware.md §4.4',
    commit: 'c279e83953d9 and the PCI patch of its series (`on` removes them)',
  },
  {
    name: 'resetFence',
    description: 'the -EBUSY refusal of concurrent domain changes while group->resetting_domain is set',
    values: {
      merged: 'as merged: group domain switches, PASID attach/replace and iommu_deferred_attach() return -EBUSY',
      withoutDeferred: 'the explicit attach paths refuse, iommu_deferred_attach() attaches anyway (without the hunk Kevin Tian comments on)',
      none: 'no refusal anywhere: attaches during a reset go through',
    },
    default: 'merged',
    source: 'seeds/000 (the iommu_deferred_attach() hunk and its comment); spec core.md §4.12',
    commit: 'c279e83953d9 (`merged`)',
  },
  {
    name: 'resetDriverQuery',
    description: 'what iommu_driver_get_domain_for_dev() tells a driver inside a callback while a reset is in progress',
    values: {
      merged: 'as merged: group->resetting_domain while it is set, else group->domain',
      groupDomain: 'group->domain always, as iommu_get_domain_for_dev() (drivers before the series)',
      resetDevice: 'a fix this model proposes (F28): group->resetting_domain only for the function the reset blocked, group->domain for the other members',
    },
    default: 'merged',
    source: 'seeds/000 (the iommu_driver_get_domain_for_dev() hunk); `resetDevice`: docs/FINDINGS.md F28 (found by this model)',
    commit: 'the series of c279e83953d9 (v8 3/5)',
  },
  {
    name: 'resetHotAddBlocked',
    description: 'what a device probed into a group while a member is in reset is attached to',
    values: {
      off: 'as merged: group->domain (__iommu_probe_device() does not look at resetting_domain)',
      on: 'a fix this model proposes: the blocking domain while resetting_domain is set, and done re-attaches every member',
    },
    default: 'off',
    source: 'docs/FINDINGS.md F11 (found by this model; seed 000, Kevin Tian\'s corner case with a DMA alias)',
    commit: 'none',
  },
  {
    name: 'resetProbeNoHooks',
    description: 'whether probing a reset method (probe mode) calls pci_dev_reset_iommu_prepare()/done()',
    values: {
      off: 'v7.0 as the spec describes it: the pci_dev_specific_reset() wrapper and pci_reset_bus_function() call them in probe mode too',
      on: 'a fix this model proposes: a probe calls no hook; only a real reset is prepared',
    },
    default: 'off',
    source: 'docs/FINDINGS.md F8, F9 (found by this model); spec core.md §4.12 (as corrected)',
    commit: 'none',
  },
  {
    name: 'resetPrepareOrder',
    description: 'when pci_dev_reset_iommu_prepare() sets group->resetting_domain',
    values: {
      merged: 'as merged: after the RID and the PASIDs were moved to the blocking domain',
      early: 'a fix this model proposes: before moving them (cleared again if the RID move fails), so drivers asking during prepare hear the blocking domain',
    },
    default: 'merged',
    source: 'docs/FINDINGS.md F10 (found by this model)',
    commit: 'none',
  },
  {
    name: 'resetDoneOrder',
    description: 'when pci_dev_reset_iommu_done() clears group->resetting_domain',
    values: {
      merged: 'as merged: after the RID and the PASIDs were re-attached',
      early: 'a fix this model proposes: once the RID is back on group->domain, before the PASIDs are re-installed, so drivers asking from set_dev_pasid hear the RID\'s domain',
    },
    default: 'merged',
    source: 'docs/FINDINGS.md F10, its done half (found on arm-smmu-v3 and by the driver contracts)',
    commit: 'none',
  },
  {
    name: 'deferredAttachRecheck',
    description: 'whether iommu_deferred_attach() tests attach_deferred again under the group mutex',
    values: {
      off: 'as merged: the lockless test only; a reset (or another first map) between it and the mutex makes it attach again with old = NULL',
      on: 'a fix this model proposes: after the resetting_domain test, return 0 when attach_deferred was cleared meanwhile',
    },
    default: 'off',
    source: 'docs/FINDINGS.md F21 (found by the driver contracts); spec core.md §4.6',
    commit: 'none',
  },
  {
    name: 'mockNoIotlbInvalidate',
    description: 'the driver\'s IOTLB invalidation in iotlb_sync after an unmap (the mock\'s; arm-smmu-v3\'s TLBI and ATC_INV, intel-iommu\'s cache-tag flush)',
    values: {
      off: 'the driver invalidates the unmapped range and waits for it before iommu_unmap() returns',
      on: 'a driver that forgets its TLBI: a DMA keeps reaching an unmapped page through the stale IOTLB entry',
    },
    default: 'off',
    source: 'hardware.md §3.4, §4.3, §6 H1/H2 (issue 9: a driver invalidation toggled off)',
    commit: 'none (a driver bug made on purpose, to show the H1/H2 oracles)',
  },
  {
    name: 'testDevOp',
    description: 'whether the core asks the domain\'s test_dev() before every attach_dev()/set_dev_pasid() (Nicolin Chen\'s series)',
    values: {
      off: 'as merged: no test_dev; arm-smmu-v3 checks compatibility inside attach_dev/set_dev_pasid',
      on: 'the proposal: __iommu_domain_test_device() under group->mutex before each attach, and arm-smmu-v3\'s checks move into arm_smmu_domain_test_dev()',
    },
    default: 'off',
    source: 'seeds/002 (patches 02, 03/20); spec hardware.md §1.17',
    commit: 'none (v1 of the series, not merged)',
  },
  {
    name: 'resetRecordAttach',
    description: 'what an attach or PASID attach to a group whose member is resetting does (the design test_dev was for)',
    values: {
      off: 'as merged: refused with -EBUSY (see resetFence)',
      on: 'the proposal: it passes test_dev and is only recorded (group->domain, pasid_array) for the member in reset, which reset done applies; test_dev is called as with testDevOp',
    },
    default: 'off',
    source: 'seeds/002 (cover letter; Jason Gunthorpe\'s objection); spec hardware.md §1.17',
    commit: 'none (not merged: c279e83953d9 refuses instead)',
  },
] as const satisfies ReadonlyArray<PatchInfo>;

type Entry = (typeof patchRegistry)[number];
export type PatchName = Entry['name'];
type EntryNamed<N extends PatchName> = Extract<Entry, { readonly name: N }>;
/** the value names of a toggle */
export type PatchValueName<N extends PatchName> = keyof EntryNamed<N>['values'] & string;
/** a toggle's value in the model: a boolean for an off/on toggle, else the value's name */
export type PatchValue<N extends PatchName> = [PatchValueName<N>] extends ['off' | 'on'] ? boolean : PatchValueName<N>;

/** a value of some toggle */
export type AnyPatchValue = boolean | string;

/** every toggle's value: what the model reads (`iommuCore.patches`) */
export type Patches = { readonly [N in PatchName]: PatchValue<N> };
/** some toggles set, the others at their default (the library API's form) */
export type PatchSettings = { readonly [N in PatchName]?: PatchValue<N> };
/** the off/on toggles: a scenario may name one alone to turn it on */
export type BooleanPatchName = { [N in PatchName]: PatchValue<N> extends boolean ? N : never }[PatchName];
/** one entry of a scenario's `patches:` list: an off/on toggle's name (on), or toggles and their values */
export type PatchSetting = BooleanPatchName | PatchSettings;

export const patchNames: readonly PatchName[] = patchRegistry.map((p) => p.name);

export function isPatchName(s: string): s is PatchName {
  return (patchNames as readonly string[]).includes(s);
}

export function patchInfo(name: PatchName): PatchInfo {
  return patchRegistry.find((p) => p.name === name)!;
}

/** an off/on toggle (a boolean in the model) */
export function isBooleanPatch(name: PatchName): name is BooleanPatchName {
  const v = Object.keys(patchInfo(name).values);
  return v.length === 2 && v[0] === 'off' && v[1] === 'on';
}

function valueNames(name: PatchName): string[] {
  return Object.keys(patchInfo(name).values);
}

/** the baseline: every toggle at its default */
export const noPatches: Patches = Object.fromEntries(
  patchRegistry.map((p) => [p.name, isBooleanPatch(p.name) ? (p.default as string) === 'on' : p.default]),
) as unknown as Patches;

/**
 * A value as written (`on`, `off`, true, false for an off/on toggle; a value name otherwise)
 * to the model's value, or an error message naming the accepted values.
 */
export function parsePatchValue(name: PatchName, raw: string | boolean): { value: AnyPatchValue } | { error: string } {
  const names = valueNames(name);
  if (isBooleanPatch(name)) {
    if (raw === true || raw === 'on' || raw === 'true') return { value: true };
    if (raw === false || raw === 'off' || raw === 'false') return { value: false };
  } else if (typeof raw === 'string' && names.includes(raw)) {
    return { value: raw };
  }
  return { error: `${name} takes ${names.join(', ')}; got ${JSON.stringify(raw)}` };
}

/** a setting as the command line and scenario names write it: NAME (an off/on toggle, on) or NAME=VALUE */
export function parsePatchArg(text: string): { name: PatchName; value: AnyPatchValue } | { error: string } {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  if (!isPatchName(name)) return { error: `unknown patch "${name}"; \`iommulab patches\` lists them` };
  if (eq < 0) {
    if (isBooleanPatch(name)) return { name, value: true };
    return { error: `${name} needs a value: ${name}=VALUE with VALUE one of ${valueNames(name).join(', ')}` };
  }
  const v = parsePatchValue(name, text.slice(eq + 1));
  return 'error' in v ? v : { name, value: v.value };
}

/** a scenario's `patches:` list as settings (later entries win) */
export function patchSettingsOf(list: readonly PatchSetting[]): PatchSettings {
  const out: Record<string, unknown> = {};
  for (const e of list) {
    if (typeof e === 'string') out[e] = true;
    else Object.assign(out, e);
  }
  return out as PatchSettings;
}

/** the baseline with `settings` applied */
export function resolvePatches(settings: PatchSettings): Patches {
  return { ...noPatches, ...settings };
}

/** the patches a scenario runs with: the baseline plus the named ones */
export function withPatches(list: readonly PatchSetting[]): Patches {
  return resolvePatches(patchSettingsOf(list));
}

/** a value as text: `on`/`off` for an off/on toggle */
export function patchValueText(value: AnyPatchValue): string {
  return typeof value === 'boolean' ? (value ? 'on' : 'off') : value;
}

/** one setting as NAME=VALUE (NAME alone for an off/on toggle turned on) */
export function patchSettingText(name: PatchName, value: AnyPatchValue): string {
  return value === true ? name : `${name}=${patchValueText(value)}`;
}

/** every toggle's value as text, in registry order (reports) */
export function patchesText(p: Patches): Record<string, string> {
  return Object.fromEntries(patchNames.map((n) => [n, patchValueText(p[n])]));
}

/** the settings of `to` that differ from `from`, in registry order */
export function patchDiff(from: Patches, to: Patches): PatchSettings {
  const out: Record<string, unknown> = {};
  for (const n of patchNames) if (from[n] !== to[n]) out[n] = to[n];
  return out as PatchSettings;
}

/** settings as NAME=VALUE,... in registry order; '' for none */
export function patchSettingsText(settings: PatchSettings): string {
  return patchNames
    .filter((n) => settings[n] !== undefined)
    .map((n) => patchSettingText(n, settings[n]!))
    .join(',');
}

export function samePatches(a: Patches, b: Patches): boolean {
  return patchNames.every((n) => a[n] === b[n]);
}
