// Each driver's knobs (module parameters and the mock's selftest switches), drawn per topology.
// A driver of the registry without a generator here runs with its defaults; a new driver adds
// one entry to `generators`.
import { iommuDriverNamed } from '../drivers/registry.js';
import type { MockFault, MockOptions } from '../drivers/mock/options.js';
import type { Topology } from '../scenarios/iommu/spec.js';
import type { FuzzConfig } from './config.js';
import { devicesOf } from './program.js';
import type { Rand } from './rand.js';

type KnobGenerator = (r: Rand, cfg: FuzzConfig, t: Topology) => object | null;

function mockKnobs(r: Rand, cfg: FuzzConfig, t: Topology): MockOptions | null {
  const p = cfg.topology.knob;
  const devs = devicesOf(t).filter((d) => !d.bridge).map((d) => d.name);
  const k: { -readonly [K in keyof MockOptions]: MockOptions[K] } = {};
  if (r.chance(p)) k.blockedDomain = 'none';
  if (r.chance(p)) k.identityDomain = r.pick(['alloc', 'none'] as const);
  if (r.chance(p)) k.releaseDomain = r.pick(['blocked', 'identity'] as const);
  if (r.chance(p / 3)) k.legacyDefaultDomain = r.pick(['identity', 'blocked'] as const);
  // one group per device breaks the device_group contract when two functions share a requester
  // ID (a DMA alias, the functions behind a PCIe-to-PCI bridge): the driver would be the bug
  if (r.chance(p)) k.deviceGroup = sharedRequesterIds(t) ? 'single' : r.pick(['generic', 'single'] as const);
  if (r.chance(p)) k.pasid = false;
  if (r.chance(p)) k.maxPasids = r.pick([2, 8]);
  if (r.chance(p) && devs.length > 0) k.deferredAttach = [r.pick(devs)];
  // the attach deferred to the first DMA map on an ATS function (the reset hooks act only on
  // those), whose first map a reset races (program-gen.ts aimResetsAtDeferredMaps(): F21)
  const ats = (t.pci ?? []).filter((d) => d.bridge === undefined && d.ats === true).map((d) => d.name);
  if (ats.length > 0 && r.chance(cfg.topology.deferredAttach ?? 0)) {
    k.deferredAttach = [...new Set([...(k.deferredAttach ?? []), r.pick(ats)])];
  }
  if (r.chance(p) && devs.length > 0) k.defDomainType = { [r.pick(devs)]: r.pick(['identity', 'dma'] as const) };
  if (r.chance(p)) k.probeFinalize = true;
  if (r.chance(cfg.topology.lastPasidRestoresRid)) k.lastPasidRestoresRid = true;
  if (r.chance(cfg.topology.driverFault)) {
    const callback = r.pick(iommuDriverNamed('mock').faultSites) as MockFault['callback'];
    k.faults = [{ callback, nth: r.between(1, 3), ...(devs.length > 0 && r.chance(0.5) ? { dev: r.pick(devs) } : {}) }];
  }
  return Object.keys(k).length === 0 ? null : k;
}

/** do some functions share a requester ID (quirk aliases, conventional PCI behind a PCIe-to-PCI bridge)? */
function sharedRequesterIds(t: Topology): boolean {
  const pci = t.pci ?? [];
  const conventional = new Set(pci.flatMap((d) => (d.bridge?.kind === 'pcie-to-pci' ? [d.bridge.secondary] : [])));
  return pci.some((d) => (d.aliases ?? []).length > 0 || (d.bridge === undefined && conventional.has(d.bus)));
}

const generators: Readonly<Record<string, KnobGenerator>> = { mock: mockKnobs };

/** the knobs of each driver the topology uses, under the driver's knob key */
export function knobsFor(r: Rand, cfg: FuzzConfig, t: Topology): Record<string, object> {
  const out: Record<string, object> = {};
  const used = new Set(t.iommus.map((i) => i.driver ?? 'mock'));
  for (const name of used) {
    const gen = generators[name];
    if (gen === undefined) continue;
    const knobs = gen(r, cfg, t);
    if (knobs !== null) out[iommuDriverNamed(name).knobs.key] = knobs;
  }
  return out;
}
