// Which scenarios the command line names: built-in names, scenario files (an argument ending in
// .yaml or .yml: all its scenarios), and FILE.yaml:NAME for one scenario of a file.
import type { PatchSettings } from '../core/patches.js';
import { builtinScenarios, onHardwareModel } from '../scenarios/registry.js';
import { parsePatchArgs, scenarioNamed, scenarioWithDriver, scenarioWithPatches, splitVariantName, VariantNameError, withVariants } from '../scenarios/variants.js';
import { didYouMean } from '../scenarios/did-you-mean.js';
import { rememberScenarioFile } from '../scenarios/file/file-scenario.js';
import { loadScenarioFile, type ScenarioFile } from '../scenarios/file/load.js';
import { displayPath } from '../scenarios/file/display-path.js';
import { type FileProblem, ScenarioFileError } from '../scenarios/file/file-error.js';
import type { Scenario } from '../scenarios/scenario.js';
import { UsageError } from './check-command.js';

const yamlFile = /\.ya?ml$/i;

export type ScenarioArg =
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'file'; readonly file: string; readonly name: string | null };

/** FILE.yaml, FILE.yaml:NAME (the name after the last colon), or a built-in name */
export function parseScenarioArg(arg: string): ScenarioArg {
  if (yamlFile.test(arg)) return { kind: 'file', file: arg, name: null };
  const colon = arg.lastIndexOf(':');
  if (colon > 0 && yamlFile.test(arg.slice(0, colon))) return { kind: 'file', file: arg.slice(0, colon), name: arg.slice(colon + 1) };
  return { kind: 'builtin', name: arg };
}

/** scenarioNamed() with the command line's errors */
function named(scenarios: readonly Scenario[], name: string): Scenario | undefined {
  try {
    return scenarioNamed(scenarios, name);
  } catch (e) {
    if (e instanceof VariantNameError) throw new UsageError(`scenario "${name}": ${e.message}`);
    throw e;
  }
}

function builtin(name: string): Scenario {
  const s = named(builtinScenarios, name);
  if (s === undefined) {
    const base = splitVariantName(name).base;
    const hint = didYouMean(base, builtinScenarios.map((b) => b.name));
    throw new UsageError(`unknown scenario "${base}"${hint}; \`iommulab list\` shows the built-in ones`);
  }
  return s;
}

/** a file read and checked once per command, however often it is named */
export function scenarioFileLoader(): (file: string) => ScenarioFile {
  const loaded = new Map<string, ScenarioFile>();
  return (file) => {
    let f = loaded.get(file);
    if (f === undefined) {
      f = loadScenarioFile(file);
      rememberScenarioFile(f);
      loaded.set(file, f);
    }
    return f;
  };
}

function fromFile(f: ScenarioFile, name: string | null): Scenario[] {
  if (name === null) return [...f.scenarios];
  const s = named(f.scenarios, name);
  if (s === undefined) {
    const base = splitVariantName(name).base;
    const names = f.scenarios.map((x) => x.name);
    throw new UsageError(`${f.file} has no scenario "${base}"${didYouMean(base, names)}; it has ${names.join(', ')}`);
  }
  return [s];
}

/** --patch NAME[=VALUE] arguments as settings (a usage error names the bad one) */
export function patchArgs(texts: readonly string[]): PatchSettings {
  try {
    return parsePatchArgs(texts);
  } catch (e) {
    if (e instanceof VariantNameError) throw new UsageError(`--patch: ${e.message}`);
    throw e;
  }
}

/**
 * What `check` runs for the scenarios named: without --patch each scenario and the variants it
 * declares (a NAME@SETTINGS argument: that one only); with --patch each scenario once, in its
 * own settings with those over them (scenarios without toggles, the examples, run as they are).
 */
interface Picked {
  readonly scenario: Scenario;
  /** named as NAME@SETTINGS: that setting only */
  readonly explicit: boolean;
}

function expand(named: readonly Picked[], settings: PatchSettings | null): Scenario[] {
  if (settings === null) return named.flatMap((n) => (n.explicit ? [n.scenario] : withVariants(n.scenario)));
  const toggled = named.filter((n) => n.scenario.withPatches !== undefined);
  if (toggled.length === 0) throw new UsageError('--patch: none of these scenarios has patch toggles (only the IOMMU scenarios do)');
  return named.map((n) => (n.scenario.withPatches === undefined ? n.scenario : patched(n.scenario, settings)));
}

function where(s: Scenario): string {
  return s.origin === undefined ? 'the built-in one' : displayPath(s.origin.file);
}

/** the scenarios `check` runs, in order; a run needs each name once (checkpoints and shards key progress by name) */
export function scenariosOfArgs(args: readonly string[], settings: PatchSettings | null = null): Scenario[] {
  const picked = args.length === 0 ? builtinScenarios.map((scenario) => ({ scenario, explicit: false })) : pick(args);
  const out: Scenario[] = [];
  for (const s of expand(picked, settings)) {
    const twin = out.find((x) => x.name === s.name);
    if (twin !== undefined) {
      const file = [s, twin].find((x) => x.origin !== undefined);
      const fix = file === undefined ? '' : `; rename it in ${displayPath(file.origin!.file)} (its name: field) to check both`;
      throw new UsageError(
        `scenario "${s.name}" is named twice (${where(twin)} and ${where(s)}): a check runs each name once (checkpoints, shards and reports key scenarios by name)${fix}`,
      );
    }
    out.push(s);
  }
  return out;
}

function pick(args: readonly string[]): Picked[] {
  const load = scenarioFileLoader();
  const out: Picked[] = [];
  // every file is read before anything runs, and the problems of all of them are reported at once
  const problems: FileProblem[] = [];
  for (const arg of args) {
    const a = parseScenarioArg(arg);
    let named: Scenario[];
    try {
      named = a.kind === 'builtin' ? [builtin(a.name)] : fromFile(load(a.file), a.name);
    } catch (e) {
      if (!(e instanceof ScenarioFileError)) throw e;
      problems.push(...e.problems);
      continue;
    }
    const explicit = (a.kind === 'builtin' ? a.name : (a.name ?? '')).includes('@');
    for (const scenario of named) out.push({ scenario, explicit });
  }
  if (problems.length > 0) throw new ScenarioFileError(problems);
  return out;
}

/** the one scenario `replay` runs: a built-in, FILE.yaml:NAME, or a file that holds exactly one */
export function scenarioOfArg(arg: string, settings: PatchSettings | null = null): Scenario {
  const s = scenarioOfArgAlone(arg);
  return settings === null ? s : patched(s, settings);
}

function scenarioOfArgAlone(arg: string): Scenario {
  const a = parseScenarioArg(arg);
  if (a.kind === 'builtin') return builtin(a.name);
  const f = scenarioFileLoader()(a.file);
  if (a.name === null && f.scenarios.length > 1) {
    throw new UsageError(`${a.file} holds ${f.scenarios.length} scenarios: name one as ${a.file}:NAME (${f.scenarios.map((s) => s.name).join(', ')})`);
  }
  return fromFile(f, a.name)[0]!;
}

function patched(s: Scenario, settings: PatchSettings): Scenario {
  try {
    return scenarioWithPatches(s, settings);
  } catch (e) {
    if (e instanceof VariantNameError) throw new UsageError(`--patch: ${e.message}`);
    throw e;
  }
}

/** the scenarios `list` shows: those of the files named (FILE.yaml or FILE.yaml:NAME) */
export function scenariosOfFiles(args: readonly string[]): Scenario[] {
  const load = scenarioFileLoader();
  return args.flatMap((arg) => {
    const a = parseScenarioArg(arg);
    if (a.kind === 'builtin') throw new UsageError(`"${arg}" is not a scenario file (FILE.yaml); \`iommulab list\` alone lists the built-in scenarios`);
    return fromFile(load(a.file), a.name);
  });
}

/**
 * `--driver NAME`: every IOMMU of each built-in IOMMU scenario driven by NAME (NAME@DRIVER,
 * scenarios/variants.ts, in the scenario's own toggle settings); scenarios without an IOMMU run as
 * they are, and so do the built-ins written for one driver (a VT-d finding is about intel-iommu:
 * on arm-smmu-v3 it shows nothing of what it is there for; NAME@DRIVER by name still moves one).
 * A scenario file names its drivers in its topology.
 */
export function withDriverOverride(scenarios: readonly Scenario[], driver: string | undefined): Scenario[] {
  if (driver === undefined) return [...scenarios];
  return scenarios.map((s) => {
    if (s.origin !== undefined) {
      throw new UsageError(`--driver applies to built-in scenarios; ${displayPath(s.origin.file)} names its drivers in its topology (\`driver:\` of each IOMMU)`);
    }
    return s.withDriver === undefined || onHardwareModel(s) ? s : scenarioWithDriver(s, driver);
  });
}
