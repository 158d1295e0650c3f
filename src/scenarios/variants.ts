// A scenario under other patch-toggle settings is a scenario of its own, named NAME@SETTINGS
// (`iommu-release-order@releaseOrder=old`, `x@resetDoneAllDevices,resetFence=none`). The name
// alone says how to build it, so workers, checkpoints, shards and replay keys find it again
// with nothing more than the name. Scenario names never contain `@` (scenario-schema.ts).
import { type AnyPatchValue, type PatchSettings, parsePatchArg } from '../core/patches.js';
import type { Scenario, ScenarioOrigin } from './scenario.js';

export class VariantNameError extends Error {}

/** NAME@SETTINGS split; settings null for a plain name */
export function splitVariantName(name: string): { base: string; settings: string | null } {
  const at = name.indexOf('@');
  return at < 0 ? { base: name, settings: null } : { base: name.slice(0, at), settings: name.slice(at + 1) };
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
  if (settings === '') throw new VariantNameError(`"${name}": give the settings after the @ (NAME@TOGGLE=VALUE,...)`);
  return scenarioWithPatches(s, parsePatchArgs(settings.split(',')));
}

/** `s` read from a file: it, its variants and every scenario built from it carry the origin */
export function withOrigin(s: Scenario, origin: ScenarioOrigin): Scenario {
  const w = s.withPatches;
  return {
    ...s,
    origin,
    ...(s.variants === undefined ? {} : { variants: s.variants.map((v) => withOrigin(v, origin)) }),
    ...(w === undefined ? {} : { withPatches: (settings: PatchSettings) => withOrigin(w(settings), origin) }),
  };
}

/** a scenario followed by the variants it declares (what `check` runs for one named scenario) */
export function withVariants(s: Scenario): Scenario[] {
  return [s, ...(s.variants ?? [])];
}
