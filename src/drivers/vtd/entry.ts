// The intel-iommu driver's entry in the driver registry: its ops come from VtdDriver, its hardware
// is the Machine's VT-d units, and the checker decodes their context and PASID entries through
// the unit's own view (hw/vtd/view.ts).
import { HW_ABORT, HW_BYPASS, hwTranslate } from '../../hw/translation.js';
import type { VtdUnit } from '../../hw/vtd/vtd.js';
import type { IommuDriver } from '../driver.js';
import { DmarDomain } from './domain.js';
import { VtdDriver, vtdProbeUnit } from './intel-iommu.js';
import { type VtdOptions, vtdDefaults } from './options.js';

// frozen: world snapshots share it (rt/clone.ts)
export const vtdIommuDriver: IommuDriver<VtdOptions> = Object.freeze<IommuDriver<VtdOptions>>({
  name: 'vtd',
  hwKind: 'vtd',
  knobs: { key: 'vtd', defaults: vtdDefaults },
  faultSites: [],
  init: (knobs) => new VtdDriver(knobs),
  probeUnit: (drv, unit, node) => vtdProbeUnit(drv as VtdDriver, unit as VtdUnit, node),
  decoder: {
    installed: (unit, sid, pasid) => unit.installed(sid, pasid),
    installedPasids: (unit, sid) => unit.installedPasids(sid),
    owns: (domain) => domain instanceof DmarDomain,
    translationOf: (domain) => {
      const d = domain as DmarDomain;
      if (d.kind === 'blocked') return HW_ABORT;
      if (d.kind === 'identity') return HW_BYPASS;
      const pt = d.pt!;
      return hwTranslate(pt.mem.page(pt.root));
    },
  },
});
