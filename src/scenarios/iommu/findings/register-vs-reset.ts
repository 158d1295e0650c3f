// Finding F12 (found by iommulab fuzz): a PCI reset racing the IOMMU registration that probes its
// device. The reset hooks read dev->iommu_group and the group's domain without the probe lock;
// bus_iommu_probe() publishes dev->iommu before the group and the group before its default domain.
import { iommuScenario } from '../build.js';
import { anyResult } from './any-result.js';

export const iommuRegisterVsReset = iommuScenario({
  name: 'iommu-register-vs-reset',
  summary: 'finding F12: a PCI reset racing the IOMMU registration that probes its device',
  description:
    'iommu0 registers (iommu_device_register(): bus_iommu_probe() phase 1 creates ep0\'s dev->iommu and group, ' +
    'phase 2 its default domain) while ep0, an ATS function, is reset through af_flr. The reset hooks test ' +
    'dev_has_iommu() and read dev->iommu_group and group->domain unlocked: between the phases they find a device ' +
    'with an IOMMU but no group (NULL dereference in pci_dev_reset_iommu_prepare/done) or a group without a domain ' +
    '(NULL dereference in __iommu_attach_device); phase 2 during the reset gets -EBUSY (WARN in ' +
    'iommu_setup_default_domain, then I3); a prepare that saw no IOMMU blocks nothing and the probe programs the ' +
    'RID mid-reset (I9). The fuzzer\'s minimized reproducer. See docs/FINDINGS.md F12.',
  topology: {
    iommus: [{ name: 'iommu0', registered: false }],
    pci: [{ name: 'ep0', bus: 0, slot: 2, ats: true, reset: ['flr', 'af_flr'] }],
    pausePoints: ['bus_iommu_probe:pci:phase2'],
  },
  threads: [
    { name: 'register', ops: [{ op: 'register', iommu: 'iommu0', expect: anyResult }] },
    {
      name: 'reset',
      ops: [
        { op: 'wait', event: 'bus_iommu_probe:pci:phase2' },
        { op: 'reset', dev: 'ep0', method: 'af_flr', expect: anyResult },
        { op: 'signal', event: 'bus_iommu_probe:pci:phase2:resume' },
      ],
    },
  ],
  expect: { violations: ['null-deref'] },
});
