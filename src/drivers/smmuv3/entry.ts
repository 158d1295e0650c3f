// The arm-smmu-v3 driver's entry in the driver registry: its ops come from ArmSmmuDriver, its
// hardware is the Machine's SMMUv3 units, and the checker decodes their STEs and CDs in memory.
import { HW_ABORT, HW_BYPASS, HW_NONE, hwTranslate } from '../../hw/translation.js';
import type { Smmuv3 } from '../../hw/smmuv3/smmu.js';
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
    // a stream whose STE no driver ever wrote is still as firmware and probe left it
    installed: (unit, sid, pasid) => ((unit as Smmuv3).knownSids.has(sid) ? unit.installed(sid, pasid) : HW_NONE),
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
