// PCI function reset methods and the PCI core callers of the IOMMU reset hooks [B] (spec core.md
// §4.12 "Callers in the PCI core", as merged with v7.0). A hooked method calls prepare; if that
// fails it returns the error without resetting and without done; otherwise it resets and calls
// done whatever happened. Where the hooks sit differs per method, and matters:
// - pcie_flr(), pci_af_flr(), pci_pm_reset(), pci_dev_acpi_reset() and cxl_reset_bus_function()
//   call prepare only for a real reset, after their own probe test;
// - pci_reset_bus_function() and the pci_dev_specific_reset() wrapper call prepare first, in
//   probe mode too and before knowing whether the method applies (done also after -ENOTTY);
// - methods nest: cxl_bus calls bus, and several device-specific quirks reset with pcie_flr(),
//   ignoring its result.
// Probe mode is reached at run time through sysfs reset_method (resetMethodStore()), which takes
// no device lock.
import { iommuCore } from '../core/globals.js';
import { pciDevResetIommuDone, pciDevResetIommuPrepare } from '../core/reset.js';
import { hwFunctionResetEnd, hwFunctionResetStart } from '../hw/endpoint.js';
import { EINVAL, ENOTTY, type Gen, msleep, mutexLock, mutexUnlock, pausePoint, readOnce, writeOnce } from '../sync/index.js';
import { pciRestoreAtsState } from './ats.js';
import { pciIsRootBus, type PciDev, type PciResetMethod, pciResetMethodNames } from './pci.js';

/** prepare, unless the kernel predates the hooks (patch noResetIommuHooks) */
function* iommuPrepare(dev: PciDev, probe = false): Gen<number> {
  if (iommuCore.patches.noResetIommuHooks) return 0;
  // pci_err("failed to stop IOMMU for a PCI reset: %d") on failure
  const ret = yield* pciDevResetIommuPrepare(dev);
  // a reproducer may hold a real reset here, prepared and not yet reset
  if (ret === 0 && !probe) yield* pausePoint('pci_reset:prepared');
  return ret;
}

function* iommuDone(dev: PciDev): Gen {
  if (iommuCore.patches.noResetIommuHooks) return;
  yield* pciDevResetIommuDone(dev);
}

/** would the method work on this function? (the answer of each method's probe mode) */
export function pciResetMethodSupported(dev: PciDev, m: PciResetMethod): boolean {
  switch (m) {
    case 'bus':
      return !dev.cxl && parentBusResettable(dev);
    case 'cxl_bus':
      return dev.cxl && dev.pciBus.self !== null;
    default:
      return dev.resetCaps.has(m);
  }
}

const supports = pciResetMethodSupported;

/**
 * pci_init_reset_methods() at enumeration: every supported method, in the PCI core's order. Run
 * in setup, before the device has an IOMMU, so the probe-mode hooks have nothing to do.
 */
export function pciInitResetMethods(dev: PciDev): void {
  dev.resetMethods = pciResetMethodNames.filter((m) => pciResetMethodSupported(dev, m));
}

/**
 * The reset itself on the hardware of `devs`, then pci_dev_wait() on `dev`: 0, or -ENOTTY when
 * the function is not ready in time (topology `resetTimeout`).
 */
function* resetHardware(dev: PciDev, devs: readonly PciDev[]): Gen<number> {
  for (const d of devs) yield* hwFunctionResetStart(d.ep);
  // msleep() / pci_dev_wait(): the resetting thread sleeps, other threads run while the function
  // is in reset (one scheduling point, the next step; switching away there is no preemption)
  msleep(100);
  for (const d of devs) yield* hwFunctionResetEnd(d.ep);
  // pci_dev_wait(): "not ready %dms after %s; giving up"
  return dev.resetTimeout ? -ENOTTY : 0;
}

/** pcie_flr(): after pending transactions, prepare, the FLR and its wait, done; the wait's result */
export function* pcieFlr(dev: PciDev): Gen<number> {
  // pci_wait_for_pending_transaction(): nothing is outstanding in the model
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  const wait = yield* resetHardware(dev, [dev]);
  yield* iommuDone(dev);
  return wait;
}

/** pcie_reset_flr() */
export function* pcieResetFlr(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'flr')) return -ENOTTY;
  if (probe) return 0;
  return yield* pcieFlr(dev);
}

/** pci_af_flr(): probe test, prepare, the AF FLR and its wait, done */
export function* pciAfFlr(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'af_flr')) return -ENOTTY;
  if (probe) return 0;
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  const wait = yield* resetHardware(dev, [dev]);
  yield* iommuDone(dev);
  return wait;
}

/** pci_pm_reset(): D0 -> D3hot -> D0; a function not in D0 is refused before prepare */
export function* pciPmReset(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'pm')) return -ENOTTY;
  if (probe) return 0;
  if ((yield* readOnce(dev, 'currentState')) !== 'D0') return -EINVAL;
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  const wait = yield* resetHardware(dev, [dev]);
  yield* iommuDone(dev);
  return wait;
}

/** pci_dev_acpi_reset(): _RST; its failure gives -ENOTTY, done still runs */
export function* pciDevAcpiReset(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'acpi')) return -ENOTTY;
  if (probe) return 0;
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  let rc = 0;
  if (dev.acpiResetFails) {
    // pci_warn("ACPI _RST failed"): the function was not reset
    rc = -ENOTTY;
  } else {
    // _RST has no pci_dev_wait(): the firmware method returns when the function is back
    yield* resetHardware(dev, [dev]);
  }
  yield* iommuDone(dev);
  return rc;
}

/** pci_parent_bus_reset() possible: a non-root bus with a bridge, dev alone on it, not a bridge */
function parentBusResettable(dev: PciDev): boolean {
  const bus = dev.pciBus;
  if (pciIsRootBus(bus) || dev.subordinate !== null || bus.self === null) return false;
  return bus.devices.every((p) => p === dev);
}

/** cxl_sbr_masked(): the CXL port masks secondary bus resets unless its DVSEC unmasks them */
function* cxlSbrMasked(dev: PciDev): Gen<boolean> {
  if (!dev.cxl) return false;
  return !(yield* readOnce(dev, 'cxlSbrUnmasked'));
}

/**
 * pci_reset_bus_function(): prepare right after the CXL test, before the probe test and before
 * knowing whether a slot or parent-bus reset applies; done whatever the result, -ENOTTY and
 * probe mode included.
 */
export function* pciResetBusFunction(dev: PciDev, probe: boolean): Gen<number> {
  if (yield* cxlSbrMasked(dev)) return -ENOTTY;
  const hooks = !(probe && iommuCore.patches.resetProbeNoHooks);
  let rc = hooks ? yield* iommuPrepare(dev, probe) : 0;
  if (rc !== 0) return rc;
  // pci_dev_reset_slot_function(): hotplug slots are not modelled (-ENOTTY), then
  // pci_parent_bus_reset() -> pci_bridge_secondary_bus_reset(dev->bus->self)
  if (!parentBusResettable(dev)) rc = -ENOTTY;
  else if (!probe) rc = yield* resetHardware(dev, dev.pciBus.devices);
  if (hooks) yield* iommuDone(dev);
  return rc;
}

/** cxl_reset_bus_function(): probe test, prepare, unmask SBR, pci_reset_bus_function(), restore, done */
export function* cxlResetBusFunction(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'cxl_bus')) return -ENOTTY;
  if (probe) return 0;
  let rc = yield* iommuPrepare(dev);
  if (rc !== 0) return rc;
  const unmasked = yield* readOnce(dev, 'cxlSbrUnmasked');
  if (!unmasked) yield* writeOnce(dev, 'cxlSbrUnmasked', true);
  rc = yield* pciResetBusFunction(dev, probe);
  if (!unmasked) yield* writeOnce(dev, 'cxlSbrUnmasked', false);
  yield* iommuDone(dev);
  return rc;
}

/**
 * The device-specific quirk (__pci_dev_specific_reset()): -ENOTTY without one. The quirks that
 * reset with pcie_flr() (82599 SFP VF, Chelsio T4, NVMe, Intel P3700, HiNIC VF) ignore its result
 * and return 0, then wait for their firmware.
 */
function* devSpecificQuirk(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'device_specific')) return -ENOTTY;
  if (probe) return 0;
  if (dev.quirkResetViaFlr) {
    yield* pcieFlr(dev);
    return 0;
  }
  return yield* resetHardware(dev, [dev]);
}

/** pci_dev_specific_reset(): the wrapper calls prepare and done around the quirk, probe mode and -ENOTTY included */
export function* pciDevSpecificReset(dev: PciDev, probe: boolean): Gen<number> {
  // patch resetProbeNoHooks: a probe is only a question, no hook runs for it
  const hooks = !(probe && iommuCore.patches.resetProbeNoHooks);
  let rc = hooks ? yield* iommuPrepare(dev, probe) : 0;
  if (rc !== 0) return rc;
  rc = yield* devSpecificQuirk(dev, probe);
  if (hooks) yield* iommuDone(dev);
  return rc;
}

const methods: Record<PciResetMethod, (dev: PciDev, probe: boolean) => Gen<number>> = {
  device_specific: pciDevSpecificReset,
  acpi: pciDevAcpiReset,
  flr: pcieResetFlr,
  af_flr: pciAfFlr,
  pm: pciPmReset,
  bus: pciResetBusFunction,
  cxl_bus: cxlResetBusFunction,
};

/** __pci_reset_function_locked(): try the enabled methods in order; -ENOTTY moves to the next */
export function* __pciResetFunctionLocked(dev: PciDev): Gen<number> {
  // a concurrent reset_method write replaces the array (a memcpy in the kernel)
  for (const name of yield* readOnce(dev, 'resetMethods')) {
    const rc = yield* methods[name](dev, false);
    if (rc === 0) return 0;
    if (rc !== -ENOTTY) return rc;
  }
  return -ENOTTY;
}

/** pci_reset_function(): device lock, save (waking the function to D0), reset, restore */
export function* pciResetFunction(dev: PciDev): Gen<number> {
  // pci_reset_supported()
  if ((yield* readOnce(dev, 'resetMethods')).length === 0) return -ENOTTY;
  // pci_dev_lock(): device_lock + cfg access lock
  yield* mutexLock(dev.deviceLock);
  const quiesced = yield* pciDevSaveAndDisable(dev);
  const rc = yield* __pciResetFunctionLocked(dev);
  yield* pciDevRestore(dev, quiesced);
  yield* mutexUnlock(dev.deviceLock);
  return rc;
}

/**
 * pci_dev_save_and_disable(): the bound driver's reset_prepare() quiesces its DMA (the model's
 * DMA-API client driver has one; vfio-pci's user DMA is not the kernel's), Bus Master Enable off.
 * Returns whether the driver was quiesced. dev->driver is stable: the caller holds device_lock.
 */
function* pciDevSaveAndDisable(dev: PciDev): Gen<boolean> {
  const quiesce = dev.driver !== null && !dev.driver.driverManagedDma;
  if (quiesce) yield* mutexLock(dev.dmaQuiesce);
  // pci_set_power_state(dev, PCI_D0): the function is woken before its state is saved
  if (dev.currentState !== 'D0') yield* writeOnce(dev, 'currentState', 'D0');
  return quiesce;
}

/** pci_dev_restore(): config space, including the ATS enable bit; then the driver's reset_done() */
function* pciDevRestore(dev: PciDev, quiesced: boolean): Gen {
  yield* pciRestoreAtsState(dev);
  if (quiesced) yield* mutexUnlock(dev.dmaQuiesce);
}

/**
 * pci_reset_function() with only method `m` enabled: what a reset after `echo m >
 * reset_method` does, without that write's own probing (the `resetMethod` operation models
 * the write). `default` is the device's methods as enumerated.
 */
export function* pciResetFunctionWith(dev: PciDev, m: PciResetMethod | 'default'): Gen<number> {
  if (m === 'default') return yield* pciResetFunction(dev);
  if (!supports(dev, m)) return -EINVAL;
  const saved = yield* readOnce(dev, 'resetMethods');
  yield* writeOnce(dev, 'resetMethods', [m]);
  const rc = yield* pciResetFunction(dev);
  yield* writeOnce(dev, 'resetMethods', saved);
  return rc;
}

/**
 * reset_method_store(): sysfs `reset_method`, with no device lock (a live device, a bound
 * driver, a reset in progress elsewhere). `default` re-runs pci_init_reset_methods(); a list
 * probes each method (PCI_RESET_PROBE: a failure is "Unsupported reset method", -EINVAL, the
 * methods unchanged), then probes device_specific again to warn when it is not first; an empty
 * list disables resets.
 */
export function* resetMethodStore(dev: PciDev, names: readonly PciResetMethod[] | 'default'): Gen<number> {
  if (names === 'default') {
    // pci_init_reset_methods(): every method probed, in order
    const found: PciResetMethod[] = [];
    for (const m of pciResetMethodNames) {
      const rc = yield* methods[m](dev, true);
      if (rc === 0) found.push(m);
      else if (rc !== -ENOTTY) break;
    }
    yield* writeOnce(dev, 'resetMethods', found);
    return 0;
  }
  if (names.length === 0) {
    // pci_warn("All device reset methods disabled by user")
    yield* writeOnce(dev, 'resetMethods', []);
    return 0;
  }
  for (const m of names) {
    // pci_err("Unsupported reset method '%s'"): the previous methods stay
    if ((yield* methods[m](dev, true)) !== 0) return -EINVAL;
  }
  // "Device-specific reset disabled/de-prioritized by user" check: one more probe
  yield* pciDevSpecificReset(dev, true);
  yield* writeOnce(dev, 'resetMethods', [...names]);
  return 0;
}
