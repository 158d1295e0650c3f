// A file scenario found again from its origin (absolute path, content hash) by a worker thread,
// a resumed checkpoint or a merge: the file must still have the content the run started from,
// or the saved search would be continued on another program.
import type { Scenario, ScenarioOrigin } from '../scenario.js';
import { scenarioNamed, VariantNameError } from '../variants.js';
import { ScenarioFileChanged, ScenarioFileError } from './file-error.js';
import { readFileBytes, type ScenarioFile, scenarioFileOf, sha256Of } from './load.js';

/** parsed files by content hash and path: a process parses each content once (the latest few kept) */
const parsed = new Map<string, ScenarioFile>();
const maxParsed = 32;

export function rememberScenarioFile(f: ScenarioFile): void {
  const key = `${f.sha256}:${f.absolute}`;
  parsed.delete(key);
  parsed.set(key, f);
  if (parsed.size > maxParsed) parsed.delete(parsed.keys().next().value!);
}

/** the scenario `name` of the file at `origin`, which must still have the content `origin` recorded */
export function scenarioFromOrigin(name: string, origin: ScenarioOrigin): Scenario {
  // read every time: hashing is cheap, and a file edited since must be noticed even in a
  // process that parsed the old content
  const bytes = readFileBytes(origin.file);
  const now = sha256Of(bytes);
  if (now !== origin.sha256) throw new ScenarioFileChanged(origin.file, origin.sha256, now);
  let f = parsed.get(`${origin.sha256}:${origin.file}`);
  if (f === undefined) {
    f = scenarioFileOf(origin.file, bytes);
    rememberScenarioFile(f);
  }
  let s: Scenario | undefined;
  try {
    s = scenarioNamed(f.scenarios, name);
  } catch (e) {
    if (e instanceof VariantNameError) throw ScenarioFileError.whole(origin.file, `scenario "${name}": ${e.message}`);
    throw e;
  }
  if (s === undefined) throw ScenarioFileError.whole(origin.file, `has no scenario named "${name}"`);
  return s;
}
