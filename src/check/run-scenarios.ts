// The scenarios of a saved run (checkpoint or shard result) found again: built-ins by name, file
// scenarios from the file and content the run recorded. A file that changed since is refused:
// the saved search would go on over another program.
import { ScenarioFileChanged, ScenarioFileError } from '../scenarios/file/file-error.js';
import { scenarioFromOrigin } from '../scenarios/file/file-scenario.js';
import { findScenario } from '../scenarios/registry.js';
import type { Scenario, ScenarioOrigin } from '../scenarios/scenario.js';
import { RunFileError } from './run-file.js';

export function scenarioOfRun(name: string, origins: Readonly<Record<string, ScenarioOrigin>>, runFile: string): Scenario {
  const origin = origins[name];
  if (origin === undefined) {
    const s = findScenario(name);
    if (s === undefined) throw new RunFileError(`${runFile}: scenarios: "${name}" is not a built-in scenario of this iommulab`);
    return s;
  }
  try {
    return scenarioFromOrigin(name, origin);
  } catch (e) {
    const from = `${runFile}: scenario "${name}" comes from ${origin.file}`;
    if (e instanceof ScenarioFileChanged) {
      throw new RunFileError(
        `${from}, which has changed since ${runFile} was written (sha256 ${e.then.slice(0, 12)}... then, ${e.now.slice(0, 12)}... now): ` +
        'the saved search belongs to the old content; restore the file, or start the check over',
      );
    }
    if (e instanceof ScenarioFileError) {
      const whole = e.problems.length === 1 && e.problems[0]!.line === 0;
      throw new RunFileError(whole ? `${from}: ${e.problems[0]!.message}` : `${from}, which no longer loads:\n${e.message}`);
    }
    throw e;
  }
}
