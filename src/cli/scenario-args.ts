// Which scenarios the command line names: built-in names, scenario files (an argument ending in
// .yaml or .yml: all its scenarios), and FILE.yaml:NAME for one scenario of a file.
import { builtinScenarios, findScenario } from '../scenarios/registry.js';
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

function builtin(name: string): Scenario {
  const s = findScenario(name);
  if (s === undefined) {
    const hint = didYouMean(name, builtinScenarios.map((b) => b.name));
    throw new UsageError(`unknown scenario "${name}"${hint}; \`iommulab list\` shows the built-in ones`);
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
  const s = f.scenarios.find((x) => x.name === name);
  if (s === undefined) {
    const names = f.scenarios.map((x) => x.name);
    throw new UsageError(`${f.file} has no scenario "${name}"${didYouMean(name, names)}; it has ${names.join(', ')}`);
  }
  return [s];
}

function where(s: Scenario): string {
  return s.origin === undefined ? 'the built-in one' : displayPath(s.origin.file);
}

/** the scenarios `check` runs, in order; a run needs each name once (checkpoints and shards key progress by name) */
export function scenariosOfArgs(args: readonly string[]): Scenario[] {
  if (args.length === 0) return [...builtinScenarios];
  const load = scenarioFileLoader();
  const out: Scenario[] = [];
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
    for (const s of named) {
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
  }
  if (problems.length > 0) throw new ScenarioFileError(problems);
  return out;
}

/** the one scenario `replay` runs: a built-in, FILE.yaml:NAME, or a file that holds exactly one */
export function scenarioOfArg(arg: string): Scenario {
  const a = parseScenarioArg(arg);
  if (a.kind === 'builtin') return builtin(a.name);
  const f = scenarioFileLoader()(a.file);
  if (a.name === null && f.scenarios.length > 1) {
    throw new UsageError(`${a.file} holds ${f.scenarios.length} scenarios: name one as ${a.file}:NAME (${f.scenarios.map((s) => s.name).join(', ')})`);
  }
  return fromFile(f, a.name)[0]!;
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
