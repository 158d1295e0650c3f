// PCI function reset methods and the PCI core callers of the IOMMU reset hooks [B]
// (spec core.md §4.12 "Callers in the PCI core"): each hooked method calls prepare, and on
// failure returns without resetting; otherwise it resets and calls done whatever happened.
// Some methods call others (cxl_bus -> bus, device_specific quirks -> pcie_flr).
import { iommuCore } from '../core/globals.js';
import { pciDevResetIommuDone, pciDevResetIommuPrepare } from '../core/reset.js';
import { hwFunctionResetEnd, hwFunctionResetStart } from '../hw/endpoint.js';
import { EINVAL, ENOTTY, type Gen, mutexLock, mutexUnlock } from '../sync/index.js';
import { pciRestoreAtsState } from './ats.js';
import { pciIsRootBus, type PciDev, type PciResetMethod, pciResetMethodNames } from './pci.js';

/** prepare, unless the kernel predates the hooks (patch noResetIommuHooks) */
function* iommuPrepare(dev: PciDev): Gen<number> {
  if (iommuCore.patches.noResetIommuHooks) return 0;
  return yield* pciDevResetIommuPrepare(dev);
}

function* iommuDone(dev: PciDev): Gen {
  if (iommuCore.patches.noResetIommuHooks) return;
  yield* pciDevResetIommuDone(dev);
}

/** would the method work on this function? (each method's probe mode) */
export function pciResetMethodSupported(dev: PciDev, m: PciResetMethod): boolean {
  switch (m) {
    case 'bus':
      return parentBusResettable(dev);
    case 'cxl_bus':
      return dev.cxl && dev.pciBus.self !== null;
    default:
      return dev.resetCaps.has(m);
  }
}

const supports = pciResetMethodSupported;

/** pci_init_reset_methods(): every supported method, in the PCI core's order */
export function pciInitResetMethods(dev: PciDev): void {
  dev.resetMethods = pciResetMethodNames.filter((m) => pciResetMethodSupported(dev, m));
}

/** the reset itself on the hardware of `devs` */
function* resetHardware(devs: readonly PciDev[]): Gen {
  for (const d of devs) yield* hwFunctionResetStart(d.ep);
  // msleep() / pci_dev_wait(): other threads run while the function is in reset
  for (const d of devs) yield* hwFunctionResetEnd(d.ep);
}

/** pcie_flr(): after pending transactions, prepare, FLR and its wait, done */
export function* pcieFlr(dev: PciDev): Gen<number> {
  // pci_wait_for_pending_transaction(): nothing is outstanding in the model
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret; // pci_err("failed to stop IOMMU for a PCI reset: %d")
  yield* resetHardware([dev]);
  yield* iommuDone(dev);
  return 0;
}

/** pcie_reset_flr() */
export function* pcieResetFlr(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'flr')) return -ENOTTY;
  if (probe) return 0;
  return yield* pcieFlr(dev);
}

/** a hooked method that resets only `dev` */
function* hookedReset(dev: PciDev, m: PciResetMethod, probe: boolean): Gen<number> {
  if (!supports(dev, m)) return -ENOTTY;
  if (probe) return 0;
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  yield* resetHardware([dev]);
  yield* iommuDone(dev);
  return 0;
}

/** pci_af_flr() */
export function* pciAfFlr(dev: PciDev, probe: boolean): Gen<number> {
  return yield* hookedReset(dev, 'af_flr', probe);
}

/** pci_pm_reset(): D0 -> D3hot -> D0 */
export function* pciPmReset(dev: PciDev, probe: boolean): Gen<number> {
  return yield* hookedReset(dev, 'pm', probe);
}

/** pci_dev_acpi_reset(): _RST */
export function* pciDevAcpiReset(dev: PciDev, probe: boolean): Gen<number> {
  return yield* hookedReset(dev, 'acpi', probe);
}

/** pci_parent_bus_reset() possible: a non-root bus with a bridge, dev alone on it, not a bridge */
function parentBusResettable(dev: PciDev): boolean {
  const bus = dev.pciBus;
  if (pciIsRootBus(bus) || dev.subordinate !== null || bus.self === null) return false;
  return bus.devices.every((p) => p === dev);
}

/** pci_reset_bus_function(): slot or secondary bus reset of a function alone on its bus */
export function* pciResetBusFunction(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'bus')) return -ENOTTY;
  if (probe) return 0;
  const ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  // pci_bridge_secondary_bus_reset(dev->bus->self)
  yield* resetHardware(dev.pciBus.devices);
  yield* iommuDone(dev);
  return 0;
}

/** cxl_reset_bus_function(): prepare, CXL port steps, pci_reset_bus_function(), done */
export function* cxlResetBusFunction(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'cxl_bus')) return -ENOTTY;
  if (probe) return 0;
  let ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  // unmask secondary bus reset in the CXL port DVSEC, then reset the bus
  ret = yield* pciResetBusFunction(dev, probe);
  yield* iommuDone(dev);
  return ret;
}

/** pci_dev_specific_reset(): prepare, the quirk (which may itself use pcie_flr()), done */
export function* pciDevSpecificReset(dev: PciDev, probe: boolean): Gen<number> {
  if (!supports(dev, 'device_specific')) return -ENOTTY;
  if (probe) return 0;
  let ret = yield* iommuPrepare(dev);
  if (ret !== 0) return ret;
  if (dev.quirkResetViaFlr) {
    // e.g. reset_intel_82599_sfp_virtfn / nvme quirks: pcie_flr(), then wait for firmware
    ret = yield* pcieFlr(dev);
  } else {
    yield* resetHardware([dev]);
  }
  yield* iommuDone(dev);
  return ret;
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
  for (const name of dev.resetMethods) {
    const rc = yield* methods[name](dev, false);
    if (rc === 0) return 0;
    if (rc !== -ENOTTY) return rc;
  }
  return -ENOTTY;
}

/** pci_reset_function(): device lock, save, reset, restore */
export function* pciResetFunction(dev: PciDev): Gen<number> {
  if (dev.resetMethods.length === 0) return -ENOTTY;
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
  return quiesce;
}

/** pci_dev_restore(): config space, including the ATS enable bit; then the driver's reset_done() */
function* pciDevRestore(dev: PciDev, quiesced: boolean): Gen {
  yield* pciRestoreAtsState(dev);
  if (quiesced) yield* mutexUnlock(dev.dmaQuiesce);
}

/** sysfs reset_method = m, then reset: pci_reset_function() with only that method enabled */
export function* pciResetFunctionWith(dev: PciDev, m: PciResetMethod | 'default'): Gen<number> {
  if (m === 'default') return yield* pciResetFunction(dev);
  // reset_method_store(): a method the device does not support is refused
  if (!supports(dev, m)) return -EINVAL;
  const saved = dev.resetMethods;
  dev.resetMethods = [m];
  const rc = yield* pciResetFunction(dev);
  dev.resetMethods = saved;
  return rc;
}
