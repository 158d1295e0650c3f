// Every built-in scenario, in the order `iommulab check` runs them.
import { abbaDeadlock, orderedLocks } from './examples/abba.js';
import { lostUpdate, mutexCounter } from './examples/counter.js';
import { freeOnError, leakOnError } from './examples/leak.js';
import { atomicAllocInSpinlock, sleepInSpinlock } from './examples/sleep-in-atomic.js';
import { readerFreeLocked, readerFreeUaf } from './examples/uaf.js';
import { checkedAlloc, uncheckedAlloc } from './examples/unchecked-alloc.js';
import { iommuGroupAttachDetach } from './iommu/builtin/group-attach.js';
import { iommuHotAddIntoGroup } from './iommu/builtin/hotadd.js';
import { iommuLifecycle, iommuLifecycleFailNth } from './iommu/builtin/lifecycle.js';
import { iommuResetVsAttach } from './iommu/builtin/reset-attach.js';
import { iommuResetVsDeferredMap } from './iommu/builtin/reset-deferred-map.js';
import { iommuResetVsHotAdd, iommuResetVsHotAddAlias } from './iommu/findings/reset-hotadd.js';
import { iommuResetMethodLive, iommuResetMethodVsReset } from './iommu/findings/reset-method-probe.js';
import { iommuResetPasidDetach, iommuResetPasidIdentity } from './iommu/findings/reset-pasid-downgrade.js';
import { iommuAsyncProbe, iommuAsyncProbeUnfixed } from './iommu/findings/async-probe.js';
import { iommuClaimBetweenPhases } from './iommu/findings/claim-between-phases.js';
import { iommuIovaInitOnce } from './iommu/findings/iova-init-once.js';
import { iommuPasidReplaceHandle } from './iommu/findings/pasid-replace-handle.js';
import { iommuReleaseLastMember, iommuReleaseOrder, iommuReleaseUnlocked } from './iommu/findings/release-order.js';
import { iommuRemoveBetweenPhases } from './iommu/findings/remove-between-phases.js';
import { iommuRegisterVsBind } from './iommu/findings/register-vs-bind.js';
import { iommuRegisterVsReset } from './iommu/findings/register-vs-reset.js';
import { iommuResetNested } from './iommu/findings/reset-nested.js';
import { iommuUnmapNoTlbi, iommuUnmapVsDma } from './iommu/builtin/unmap-dma.js';
import { iommuResetPasidQuery } from './iommu/findings/reset-pasid-query.js';
import { iommuResetVsDetach } from './iommu/findings/reset-vs-detach.js';
import { iommuSeed002Merged, iommuSeed002Recorded } from './iommu/findings/seed002-test-dev.js';
import { iommuSmmuv3UnmapVsReset } from './iommu/findings/smmuv3-unmap-vs-reset.js';
import { iommuVtdFailedReplace } from './iommu/findings/vtd-failed-replace.js';
import { iommuVtdResetPasid } from './iommu/findings/vtd-reset-pasid.js';
import type { Scenario } from './scenario.js';
import { iommuSpecOf } from './iommu/build.js';
import { driverNames } from '../drivers/registry.js';
import { scenarioNamed, VariantNameError, withVariants } from './variants.js';

export const builtinScenarios: readonly Scenario[] = [
  lostUpdate,
  mutexCounter,
  abbaDeadlock,
  orderedLocks,
  readerFreeUaf,
  readerFreeLocked,
  leakOnError,
  freeOnError,
  uncheckedAlloc,
  checkedAlloc,
  sleepInSpinlock,
  atomicAllocInSpinlock,
  iommuLifecycle,
  iommuLifecycleFailNth,
  iommuIovaInitOnce,
  iommuGroupAttachDetach,
  iommuHotAddIntoGroup,
  iommuResetVsAttach,
  iommuUnmapVsDma,
  iommuUnmapNoTlbi,
  iommuResetVsDetach,
  iommuResetNested,
  iommuResetVsDeferredMap,
  iommuResetVsHotAdd,
  iommuResetVsHotAddAlias,
  iommuResetMethodVsReset,
  iommuResetMethodLive,
  iommuResetPasidIdentity,
  iommuResetPasidDetach,
  iommuResetPasidQuery,
  iommuAsyncProbe,
  iommuAsyncProbeUnfixed,
  iommuReleaseOrder,
  iommuReleaseUnlocked,
  iommuReleaseLastMember,
  iommuRemoveBetweenPhases,
  iommuClaimBetweenPhases,
  iommuRegisterVsReset,
  iommuRegisterVsBind,
  iommuPasidReplaceHandle,
  iommuSmmuv3UnmapVsReset,
  iommuSeed002Merged,
  iommuSeed002Recorded,
  iommuVtdFailedReplace,
  iommuVtdResetPasid,
];

/** the IOMMU drivers a topology (or `--driver`) can name */
export const iommuDriverNames: readonly string[] = driverNames;

/**
 * A built-in whose IOMMUs run a hardware-model driver (arm-smmu-v3, intel-iommu): tens of steps per attach,
 * each an interleaving point, so brute-force cross-checks of the explorer (DFS, every-step
 * invariants, class counting) do not end on it in useful time; they run on the mock's built-ins.
 */
export function onHardwareModel(s: Scenario): boolean {
  return iommuSpecOf(s)?.topology.iommus.some((i) => i.driver !== undefined && i.driver !== 'mock') ?? false;
}

/** what `iommulab check` runs by default: every built-in, each followed by the variants it declares */
export const checkedBuiltins: readonly Scenario[] = builtinScenarios.flatMap(withVariants);

/** a built-in by name, or a variant of one by NAME@SETTINGS (undefined if the settings are bad) */
export function findScenario(name: string): Scenario | undefined {
  try {
    return scenarioNamed(builtinScenarios, name);
  } catch (e) {
    if (e instanceof VariantNameError) return undefined;
    throw e;
  }
}
