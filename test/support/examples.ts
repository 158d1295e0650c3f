// The example programs with their twins, and the fault modes the DPOR tests run them under.
import type { FaultPlan, Program } from '../../src/rt/execution.js';
import { abbaProgram } from '../../src/scenarios/examples/abba.js';
import { leakProgram } from '../../src/scenarios/examples/leak.js';
import { sleepProgram } from '../../src/scenarios/examples/sleep-in-atomic.js';
import { uafProgram } from '../../src/scenarios/examples/uaf.js';
import { allocProgram } from '../../src/scenarios/examples/unchecked-alloc.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- programs of any world type
export const examplePrograms: ReadonlyArray<readonly [string, Program<any>]> = [
  ['abba', abbaProgram(false)],
  ['ordered', abbaProgram(true)],
  ['uaf', uafProgram(false)],
  ['uaf-locked', uafProgram(true)],
  ['leak', leakProgram(false)],
  ['free-on-error', leakProgram(true)],
  ['unchecked-alloc', allocProgram(false)],
  ['checked-alloc', allocProgram(true)],
  ['sleep-kernel', sleepProgram('GFP_KERNEL')],
  ['sleep-atomic', sleepProgram('GFP_ATOMIC')],
];

export const faultModes: readonly FaultPlan[] = [
  { mode: 'none' },
  { mode: 'choice', maxFailures: 1 },
  { mode: 'choice', maxFailures: 2 },
  { mode: 'nth', nth: 1 },
];
