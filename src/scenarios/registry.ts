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
import { iommuAsyncProbe, iommuAsyncProbeUnfixed } from './iommu/findings/async-probe.js';
import { iommuClaimBetweenPhases } from './iommu/findings/claim-between-phases.js';
import { iommuPasidReplaceHandle } from './iommu/findings/pasid-replace-handle.js';
import { iommuReleaseUnlocked } from './iommu/findings/release-unlocked.js';
import { iommuRemoveBetweenPhases } from './iommu/findings/remove-between-phases.js';
import { iommuResetNested } from './iommu/findings/reset-nested.js';
import { iommuResetVsDetach } from './iommu/findings/reset-vs-detach.js';
import { iommuSeed002Merged, iommuSeed002Recorded } from './iommu/findings/seed002-test-dev.js';
import { iommuSmmuv3ResetIdentityPasid } from './iommu/findings/smmuv3-reset-pasid.js';
import { iommuSmmuv3UnmapVsReset } from './iommu/findings/smmuv3-unmap-vs-reset.js';
import { DRIVER_SEPARATOR, scenarioWithDriver } from './iommu/driver-override.js';

export { scenarioWithDriver };
import type { Scenario } from './scenario.js';
import { iommuSpecOf } from './iommu/build.js';
import { driverNames } from '../drivers/registry.js';

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
  iommuGroupAttachDetach,
  iommuHotAddIntoGroup,
  iommuResetVsAttach,
  iommuResetVsDetach,
  iommuResetNested,
  iommuAsyncProbe,
  iommuAsyncProbeUnfixed,
  iommuReleaseUnlocked,
  iommuRemoveBetweenPhases,
  iommuClaimBetweenPhases,
  iommuPasidReplaceHandle,
  iommuSmmuv3ResetIdentityPasid,
  iommuSmmuv3UnmapVsReset,
  iommuSeed002Merged,
  iommuSeed002Recorded,
];

/** the IOMMU drivers a topology (or `--driver`) can name */
export const iommuDriverNames: readonly string[] = driverNames;

/** a built-in by name; NAME@DRIVER is the IOMMU built-in NAME with every IOMMU on DRIVER (`--driver`) */
export function findScenario(name: string): Scenario | undefined {
  const s = builtinScenarios.find((x) => x.name === name);
  if (s !== undefined) return s;
  const at = name.lastIndexOf(DRIVER_SEPARATOR);
  if (at <= 0) return undefined;
  const base = builtinScenarios.find((x) => x.name === name.slice(0, at));
  const driver = name.slice(at + 1);
  if (base === undefined || !driverNames.includes(driver)) return undefined;
  return scenarioWithDriver(base, driver);
}

/**
 * A built-in whose IOMMUs run a hardware-model driver (arm-smmu-v3): tens of steps per attach,
 * each an interleaving point, so brute-force cross-checks of the explorer (DFS, every-step
 * invariants, class counting) do not end on it in useful time; they run on the mock's built-ins.
 */
export function onHardwareModel(s: Scenario): boolean {
  return iommuSpecOf(s)?.topology.iommus.some((i) => i.driver !== undefined && i.driver !== 'mock') ?? false;
}
