// The pause points model code has (sync/pause.ts), for checking the names a scenario arms:
// an unknown name would never be reached and its waiter would hang. test/scenario-validate.test.ts
// reaches every one of them, so this list cannot name a point the model does not have.
export const pausePointNames: readonly string[] = [
  // bus_iommu_probe() between its two phases, per bus (core/probe.ts)
  'bus_iommu_probe:pci:phase2',
  'bus_iommu_probe:platform:phase2',
  // the historical release order, with group->mutex dropped (patch releaseUnlockBeforeReleaseDevice)
  'iommu_release_device:unlocked',
];
