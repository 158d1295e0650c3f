// A scenario under other patch-toggle settings, or on another IOMMU driver, is a scenario of its
// own, named NAME@[DRIVER,]SETTINGS: after the `@` a comma-separated list whose first item may
// name a driver (`mock`, `smmuv3`: every IOMMU of the topology on it), the rest toggle settings
// (K=V, or K alone for an off/on toggle turned on). So `iommu-lifecycle@smmuv3`,
// `iommu-release-order@releaseOrder=old`, `x@smmuv3,resetDoneAllDevices,resetFence=none`. The
// name alone says how to build it, so workers, checkpoints, shards and replay keys find it again
// with nothing more than the name. Scenario names never contain `@` (scenario-schema.ts); driver
// and toggle names are disjoint. This is the one parser of such names.
import { type AnyPatchValue, type PatchSettings, parsePatchArg } from '../core/patches.js';
import { driverNames } from '../drivers/registry.js';
import type { Scenario, ScenarioOrigin } from './scenario.js';

export class VariantNameError extends Error {}

/** NAME@SETTINGS split; settings null for a plain name */
export function splitVariantName(name: string): { base: string; settings: string | null } {
  const at = name.indexOf('@');
  return at < 0 ? { base: name, settings: null } : { base: name.slice(0, at), settings: name.slice(at + 1) };
}

/** the name of `base` on `driver` (null: its own) in the settings `settings` ('' for its own) */
export function variantName(base: string, driver: string | null, settings: string): string {
  const after = [driver ?? '', settings].filter((x) => x !== '').join(',');
  return after === '' ? base : `${base}@${after}`;
}

/** what follows the `@`: the driver it names first, if any, and the toggle settings */
export function parseVariantSettings(text: string): { driver: string | null; settings: PatchSettings } {
  const items = text.split(',').map((t) => t.trim());
  const first = items[0]!;
  const driver = driverNames.includes(first) ? first : null;
  const rest = driver === null ? items : items.slice(1);
  const misplaced = rest.find((t) => driverNames.includes(t));
  if (misplaced !== undefined) throw new VariantNameError(`the driver (${misplaced}) comes first after the @ (NAME@DRIVER,TOGGLE=VALUE,...)`);
  return { driver, settings: parsePatchArgs(rest) };
}

/** `s` with every IOMMU of its topology on `driver` (its toggle settings kept) */
export function scenarioWithDriver(s: Scenario, driver: string): Scenario {
  if (s.withDriver === undefined) throw new VariantNameError(`scenario ${s.name} has no IOMMU to put on ${driver} (only the IOMMU scenarios do)`);
  return s.withDriver(driver);
}

/** NAME[=VALUE] texts (the command line's --patch, a variant name's settings) as settings */
export function parsePatchArgs(texts: readonly string[]): PatchSettings {
  const out: Record<string, AnyPatchValue> = {};
  for (const t of texts) {
    const p = parsePatchArg(t.trim());
    if ('error' in p) throw new VariantNameError(p.error);
    out[p.name] = p.value;
  }
  return out as PatchSettings;
}

/** `s` with `settings` over its own toggles */
export function scenarioWithPatches(s: Scenario, settings: PatchSettings): Scenario {
  if (s.withPatches === undefined) throw new VariantNameError(`scenario ${s.name} has no patch toggles (only the IOMMU scenarios do)`);
  return s.withPatches(settings);
}

/**
 * The scenario a name stands for among `scenarios`: a plain name, or NAME@SETTINGS built from
 * NAME. undefined when NAME is not there; a VariantNameError when the settings are bad.
 */
export function scenarioNamed(scenarios: readonly Scenario[], name: string): Scenario | undefined {
  const { base, settings } = splitVariantName(name);
  const s = scenarios.find((x) => x.name === base);
  if (s === undefined || settings === null) return s;
  if (settings === '') throw new VariantNameError(`"${name}": give the driver or settings after the @ (NAME@DRIVER,TOGGLE=VALUE,...)`);
  const v = parseVariantSettings(settings);
  const onDriver = v.driver === null ? s : scenarioWithDriver(s, v.driver);
  return Object.keys(v.settings).length === 0 ? onDriver : scenarioWithPatches(onDriver, v.settings);
}

/** `s` read from a file: it, its variants and every scenario built from it carry the origin */
export function withOrigin(s: Scenario, origin: ScenarioOrigin): Scenario {
  const w = s.withPatches;
  const d = s.withDriver;
  return {
    ...s,
    origin,
    ...(s.variants === undefined ? {} : { variants: s.variants.map((v) => withOrigin(v, origin)) }),
    ...(w === undefined ? {} : { withPatches: (settings: PatchSettings) => withOrigin(w(settings), origin) }),
    ...(d === undefined ? {} : { withDriver: (driver: string) => withOrigin(d(driver), origin) }),
  };
}

/** a scenario followed by the variants it declares (what `check` runs for one named scenario) */
export function withVariants(s: Scenario): Scenario[] {
  return [s, ...(s.variants ?? [])];
}
