// ATS enable/disable (drivers/pci/ats.c) [B], called by IOMMU drivers around attach.
import { EBUSY, EINVAL, type Gen, hwWrite, WARN_ON } from '../sync/index.js';
import { pciAtsSupported, type PciDev } from './pci.js';

/** pci_enable_ats() */
export function* pciEnableAts(dev: PciDev): Gen<number> {
  if (!pciAtsSupported(dev)) return -EINVAL;
  if (WARN_ON(dev.atsEnabled, 'WARN_ON(dev->ats_enabled)')) return -EBUSY;
  dev.atsEnabled = true;
  yield* hwWrite(dev.ep, 'atsEnabled', true, 'pci_write_ats_ctrl');
  return 0;
}

/** pci_disable_ats() */
export function* pciDisableAts(dev: PciDev): Gen {
  if (WARN_ON(!dev.atsEnabled, 'WARN_ON(!dev->ats_enabled)')) return;
  yield* hwWrite(dev.ep, 'atsEnabled', false, 'pci_write_ats_ctrl');
  dev.atsEnabled = false;
}

/** pci_restore_ats_state(): after a reset, from the software state */
export function* pciRestoreAtsState(dev: PciDev): Gen {
  if (!dev.atsEnabled) return;
  yield* hwWrite(dev.ep, 'atsEnabled', true, 'pci_write_ats_ctrl');
}
