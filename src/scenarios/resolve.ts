// Scenarios by name for worker threads (explorer/parallel loads this module by URL).
import type { Program } from '../rt/execution.js';
import type { ProgramSource } from '../explorer/parallel/program-source.js';
import { findScenario } from './registry.js';

export function programNamed(name: string): Program<unknown> | undefined {
  return findScenario(name)?.program;
}

export function scenarioSource(name: string): ProgramSource {
  return { module: import.meta.url, name };
}
