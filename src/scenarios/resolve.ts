// Scenarios by reference for worker threads (explorer/parallel loads this module by URL): a
// built-in's name, or a scenario file's reference (program-ref.ts), read from the file.
import type { Program } from '../rt/execution.js';
import { parseFileRef } from './program-ref.js';
import { findScenario } from './registry.js';

export async function programNamed(ref: string): Promise<Program<unknown> | undefined> {
  const file = parseFileRef(ref);
  if (file === null) return findScenario(ref)?.program;
  // the file loader (yaml, zod) is imported only by a worker that is given a file scenario:
  // it is about as costly to load as the whole model, and every worker starts by loading this
  const { scenarioFromOrigin } = await import('./file/file-scenario.js');
  return scenarioFromOrigin(file.name, file).program;
}
