// Scenarios by reference for worker threads (explorer/parallel loads this module by URL): a
// built-in's name, or a scenario file's reference (program-ref.ts), read from the file.
import type { Program } from '../rt/execution.js';
import { scenarioFromOrigin } from './file/file-scenario.js';
import { parseFileRef } from './program-ref.js';
import { findScenario } from './registry.js';

export function programNamed(ref: string): Program<unknown> | undefined {
  const file = parseFileRef(ref);
  if (file !== null) return scenarioFromOrigin(file.name, file).program;
  return findScenario(ref)?.program;
}
