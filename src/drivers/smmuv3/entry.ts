// The arm-smmu-v3 driver's entry in the driver registry: its ops come from ArmSmmuDriver, its
// hardware is the Machine's SMMUv3 units, and the checker decodes their STEs and CDs in memory.
import type { Smmuv3 } from '../../hw/smmuv3/smmu.js';
import { HW_ABORT, HW_BYPASS, HW_NONE, hwTranslate } from '../../hw/translation.js';
import type { IommuDriver } from '../driver.js';
import { ArmSmmuDomain } from './domain.js';
import { ArmSmmuDriver } from './driver.js';
import { smmuKnobDefaults, type SmmuKnobs } from './options.js';
import { armSmmuProbeUnit } from './probe.js';

// frozen: world snapshots share it (rt/clone.ts)
export const smmuv3IommuDriver: IommuDriver<SmmuKnobs> = Object.freeze<IommuDriver<SmmuKnobs>>({
  name: 'smmuv3',
  hwKind: 'smmuv3',
  knobs: { key: 'smmuv3', defaults: smmuKnobDefaults },
  faultSites: [],
  init: (knobs) => new ArmSmmuDriver(knobs),
  probeUnit: (drv, unit, node) => armSmmuProbeUnit(drv as ArmSmmuDriver, unit as Smmuv3, node),
  decoder: {
    // what the STE in memory says: a stream no attach wrote yet still has the abort STE
    // arm_smmu_init_strtab_linear() (and each L2 table) left, which aborts its DMA as any
    // blocked attach does; an attach whose STE equals it writes nothing (arm_smmu_write_ste())
    installed: (unit, sid, pasid) => unit.installed(sid, pasid),
    installedPasids: (unit, sid) => unit.installedPasids(sid),
    owns: (domain) => domain instanceof ArmSmmuDomain,
    translationOf: (domain) => {
      const d = domain as ArmSmmuDomain;
      if (d.kind === 'blocked') return HW_ABORT;
      if (d.kind === 'identity') return HW_BYPASS;
      return d.pgtbl === null ? HW_NONE : hwTranslate(d.pgtbl.rootPage);
    },
  },
});
