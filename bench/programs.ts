// Programs the benches explore, by name (worker threads and the coordinator load them so).
import type { Program } from '../src/rt/execution.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';

const programs: Record<string, Program<unknown>> = {
  'counter-4-2-unlocked': counterProgram(4, 2, false) as Program<unknown>,
};

export function programNamed(name: string): Program<unknown> | undefined {
  return programs[name];
}

export const programsModule = import.meta.url;
