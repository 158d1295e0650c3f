// The pause points model code has (sync/pause.ts), for checking the names a scenario arms:
// an unknown name would never be reached and its waiter would hang. test/scenario-validate.test.ts
// reaches every one of them, so this list cannot name a point the model does not have.
export const pausePointNames: readonly string[] = [
  // bus_iommu_probe() between its two phases, per bus (core/probe.ts)
  'bus_iommu_probe:pci:phase2',
  'bus_iommu_probe:platform:phase2',
  // a real PCI reset, prepared and not yet reset (pci/reset.ts)
  'pci_reset:prepared',
  // iommu_deferred_attach() between its lockless attach_deferred test and the group mutex (core/attach.ts)
  'iommu_deferred_attach',
  // iommu_release_device() on entry (core/release.ts)
  'iommu_release_device',
  // the old release order, group->mutex dropped before release_device (patch releaseOrder=old)
  'iommu_release_device:window',
];
