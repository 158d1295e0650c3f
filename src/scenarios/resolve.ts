// Scenarios by name for worker threads (explorer/parallel loads this module by URL).
import type { Program } from '../rt/execution.js';
import { findScenario } from './registry.js';

export function programNamed(name: string): Program<unknown> | undefined {
  return findScenario(name)?.program;
}
