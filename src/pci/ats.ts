// ATS enable/disable (drivers/pci/ats.c) [B], called by IOMMU drivers around attach.
// pdev->ats_enabled is a plain field: IOMMU drivers write it under their own locks (here
// group->mutex, at attach), pci_restore_ats_state() reads it under the device lock only, and
// drivers read it without a lock when they flush (SMMUv3 reads master->ats_enabled under its
// devices lock). The restore runs after pci_dev_reset_iommu_done(), when attaches are allowed
// again, so an attach can race it even with the v7.0 hooks (and anywhere in the reset without
// them): the accesses are modelled as WRITE_ONCE/READ_ONCE, events the explorer orders.
import { EBUSY, EINVAL, type Gen, hwWrite, readOnce, WARN_ON, writeOnce } from '../sync/index.js';
import { pciAtsSupported, type PciDev } from './pci.js';

/** pci_enable_ats() */
export function* pciEnableAts(dev: PciDev): Gen<number> {
  if (!pciAtsSupported(dev)) return -EINVAL;
  if (WARN_ON(dev.atsEnabled, 'WARN_ON(dev->ats_enabled)')) return -EBUSY;
  yield* writeOnce(dev, 'atsEnabled', true);
  yield* hwWrite(dev.ep, 'atsEnabled', true, 'pci_write_ats_ctrl');
  return 0;
}

/** pci_disable_ats() */
export function* pciDisableAts(dev: PciDev): Gen {
  if (WARN_ON(!dev.atsEnabled, 'WARN_ON(!dev->ats_enabled)')) return;
  yield* hwWrite(dev.ep, 'atsEnabled', false, 'pci_write_ats_ctrl');
  yield* writeOnce(dev, 'atsEnabled', false);
}

/** pci_restore_ats_state(): after a reset, from the software state */
export function* pciRestoreAtsState(dev: PciDev): Gen {
  if (!(yield* readOnce(dev, 'atsEnabled'))) return;
  yield* hwWrite(dev.ep, 'atsEnabled', true, 'pci_write_ats_ctrl');
}
