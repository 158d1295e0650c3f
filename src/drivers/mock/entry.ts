// The mock driver's entry in the driver registry: its ops come from MockDriver, its hardware is
// the Machine's stream-table units, and the checker decodes those tables directly.
import { HW_NONE, hwTranslate } from '../../hw/translation.js';
import type { StreamTable } from '../../hw/stream-table.js';
import type { IommuDriver } from '../driver.js';
import { MockDomain } from './domain.js';
import { MockDriver, mockProbeUnit, mockTranslationOf } from './mock.js';
import { mockCallbacks, type MockOptions } from './options.js';

// frozen: world snapshots share it (rt/clone.ts)
export const mockIommuDriver: IommuDriver<MockOptions> = Object.freeze<IommuDriver<MockOptions>>({
  name: 'mock',
  hwKind: 'stream-table',
  knobs: { key: 'mock', defaults: {} },
  faultSites: mockCallbacks,
  init: (knobs) => new MockDriver(knobs),
  probeUnit: (drv, unit, node) => mockProbeUnit(drv as MockDriver, unit as StreamTable, node),
  decoder: {
    installed: (unit, sid, pasid) => unit.installed(sid, pasid),
    installedPasids: (unit, sid) => unit.installedPasids(sid),
    owns: (domain) => domain instanceof MockDomain,
    translationOf: (domain) => {
      const d = domain as MockDomain;
      if (d.kind !== 'paging') return mockTranslationOf(d);
      return d.pt === null ? HW_NONE : hwTranslate(d.pt);
    },
  },
});
