// Programs the benches explore, by name (worker threads and the coordinator load them so).
import type { Program } from '../src/rt/execution.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';

const programs: Record<string, Program<unknown>> = {
  'counter-4-2-unlocked': counterProgram(4, 2, false) as Program<unknown>,
  /** 20!/(10!10!) = 184756 executions */
  'counter-2-5-unlocked': counterProgram(2, 5, false) as Program<unknown>,
  /** 24!/(12!12!) = 2704156 executions */
  'counter-2-6-unlocked': counterProgram(2, 6, false) as Program<unknown>,
};

export function programNamed(name: string): Program<unknown> | undefined {
  return programs[name];
}

export const programsModule = import.meta.url;
