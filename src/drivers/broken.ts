// Test-only driver bugs (never set by a model, a scenario or the fuzzer): switches the tests of an
// oracle set to make a real driver skip one step, so the oracle is shown to catch it. Reset by
// the test that sets one (try/finally).

export const brokenDrivers = {
  /**
   * arm-smmu-v3 and intel-iommu forget the ATC (device-TLB) invalidation that follows a change of
   * a device's translation (attach_dev, set_dev_pasid, remove_dev_pasid, a context teardown):
   * for the tests of H1's ATC half (core/contracts.ts `atc_authority`). Unmap invalidations are
   * not affected.
   */
  skipTranslationChangeAtcInv: false,
};
