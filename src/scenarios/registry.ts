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
import { iommuUnmapNoTlbi, iommuUnmapVsDma } from './iommu/builtin/unmap-dma.js';
import { iommuResetPasidQuery } from './iommu/findings/reset-pasid-query.js';
import { iommuResetVsDetach } from './iommu/findings/reset-vs-detach.js';
import type { Scenario } from './scenario.js';

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
  iommuUnmapVsDma,
  iommuUnmapNoTlbi,
  iommuResetVsDetach,
  iommuResetNested,
  iommuResetPasidQuery,
  iommuAsyncProbe,
  iommuAsyncProbeUnfixed,
  iommuReleaseUnlocked,
  iommuRemoveBetweenPhases,
  iommuClaimBetweenPhases,
  iommuPasidReplaceHandle,
];

export function findScenario(name: string): Scenario | undefined {
  return builtinScenarios.find((s) => s.name === name);
}
