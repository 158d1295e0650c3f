// device_group implementations drivers use (spec core.md §4.2 "Grouping"): one group per device,
// one per IOMMU instance, and the PCI rules (DMA aliases, ACS, multifunction).
import type { Device } from '../base/device.js';
import {
  forEachPciDev,
  pciAcsEnabled,
  pciAcsPathEnabled,
  type PciDev,
  pciDevsAreDmaAliases,
  pciForEachDmaAlias,
  pciIsRootBus,
  pciSlot,
  toPciDev,
} from '../pci/pci.js';
import { deref, EINVAL, type ErrPtr, type Gen, readOnceDeref } from '../sync/index.js';
import { iommuGroupAlloc, iommuGroupGet, iommuGroupRefGet, type IommuGroup } from './group.js';

/** generic_device_group(): a new group per device */
export function* genericDeviceGroup(_dev: Device): Gen<ErrPtr<IommuGroup>> {
  return yield* iommuGroupAlloc();
}

/** generic_single_device_group(): one group per IOMMU instance, an extra reference per call */
export function* genericSingleDeviceGroup(dev: Device): Gen<ErrPtr<IommuGroup>> {
  // dev->iommu->iommu_dev: READ_ONCEs (a removal frees dev->iommu without the probe lock, F3)
  const r = yield* readOnceDeref(dev, 'iommu', 'iommuDev');
  deref(r.ptr, 'dev->iommu');
  const iommu = deref(r.value, 'dev->iommu->iommu_dev');
  if (iommu.singletonGroup === null) {
    const group = yield* iommuGroupAlloc();
    if (typeof group === 'number') return group;
    iommu.singletonGroup = group;
  }
  return yield* iommuGroupRefGet(iommu.singletonGroup);
}

/** get_pci_function_alias_group(): non-isolated functions of the same slot */
function* getPciFunctionAliasGroup(pdev: PciDev, devfns: Set<number>): Gen<IommuGroup | null> {
  if (!pdev.multifunction || pciAcsEnabled(pdev)) return null;
  for (const tmp of yield* forEachPciDev(pdev.bus)) {
    if (tmp === pdev || tmp.pciBus !== pdev.pciBus || pciSlot(tmp.devfn) !== pciSlot(pdev.devfn) || pciAcsEnabled(tmp)) continue;
    const group = yield* getPciAliasGroup(tmp, devfns);
    if (group !== null) return group;
  }
  return null;
}

/** get_pci_alias_group(): the group of pdev or of a DMA alias of it (devfns stops loops) */
function* getPciAliasGroup(pdev: PciDev, devfns: Set<number>): Gen<IommuGroup | null> {
  if (devfns.has(pdev.devfn & 0xff)) return null;
  devfns.add(pdev.devfn & 0xff);
  let group = yield* iommuGroupGet(pdev);
  if (group !== null) return group;
  for (const tmp of yield* forEachPciDev(pdev.bus)) {
    if (tmp === pdev || tmp.pciBus !== pdev.pciBus) continue;
    // we alias them or they alias us
    if (pciDevsAreDmaAliases(pdev, tmp)) {
      group = yield* getPciAliasGroup(tmp, devfns);
      if (group !== null) return group;
      group = yield* getPciFunctionAliasGroup(tmp, devfns);
      if (group !== null) return group;
    }
  }
  return null;
}

/** pci_device_group() */
export function* pciDeviceGroup(dev: Device): Gen<ErrPtr<IommuGroup>> {
  let pdev = toPciDev(dev);
  if (pdev === null) return -EINVAL;
  // the upstream DMA alias: an alias that already has a group gives it
  let top: PciDev = pdev;
  const found = yield* pciForEachDmaAlias(pdev, function* getPciAliasOrGroup(p: PciDev) {
    top = p;
    return yield* iommuGroupGet(p);
  });
  if (found !== null) return found;
  pdev = top;
  // continue upstream to the point where ACS protects from peer-to-peer DMA
  for (let bus = pdev.pciBus; !pciIsRootBus(bus); bus = bus.parent!) {
    if (bus.self === null) continue;
    if (pciAcsPathEnabled(bus.self)) break;
    pdev = bus.self;
    const group = yield* iommuGroupGet(pdev);
    if (group !== null) return group;
  }
  const devfns = new Set<number>();
  // groups of devices we alias or that alias us
  let group = yield* getPciAliasGroup(pdev, devfns);
  if (group !== null) return group;
  // non-isolated functions of the same slot and their aliases
  group = yield* getPciFunctionAliasGroup(pdev, devfns);
  if (group !== null) return group;
  return yield* iommuGroupAlloc();
}
