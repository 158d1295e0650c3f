// A tiny-lang program as a runtime Program: one Mutex per mutex, the variables as fields of one
// shared object, each instruction one mutex_lock / mutex_unlock / READ_ONCE / WRITE_ONCE.
import type { Program } from '../../src/rt/execution.js';
import { type Gen, KObject, Mutex, mutexLock, mutexUnlock, readOnce, writeOnce } from '../../src/sync/index.js';
import type { Instr, TinyProgram } from './tiny-lang.js';

class Vars extends KObject {
  v0 = 0;
  v1 = 0;
  override get label(): string {
    return 'vars';
  }
}

export interface TinyWorld {
  readonly vars: Vars;
  readonly mutexes: readonly Mutex[];
}

const field = (v: number): 'v0' | 'v1' => (v === 0 ? 'v0' : 'v1');

function* run(w: TinyWorld, instrs: readonly Instr[]): Gen {
  let reg = 0;
  for (const ins of instrs) {
    switch (ins.op) {
      case 'lock':
        yield* mutexLock(w.mutexes[ins.m]!);
        break;
      case 'unlock':
        yield* mutexUnlock(w.mutexes[ins.m]!);
        break;
      case 'read':
        reg = yield* readOnce(w.vars, field(ins.v));
        break;
      case 'write':
        yield* writeOnce(w.vars, field(ins.v), ins.value === 'inc' ? reg + 1 : ins.value);
        break;
    }
  }
}

/** The program, and a probe that holds the world of the execution that ran last. */
export function tinyRuntime(p: TinyProgram): { program: Program<TinyWorld>; last: () => TinyWorld } {
  let world: TinyWorld | null = null;
  const program: Program<TinyWorld> = {
    setup: () =>
      (world = {
        vars: new Vars(),
        mutexes: Array.from({ length: p.mutexes }, (_, i) => new Mutex(`&m${i}`)),
      }),
    threads: (w) => p.threads.map((instrs, i) => ({ name: `T${i}`, body: () => run(w, instrs) })),
  };
  return { program, last: () => world! };
}

/** The variables of a world, as many as the program has. */
export function varValues(w: TinyWorld, count: number): number[] {
  return [w.vars.v0, w.vars.v1].slice(0, count);
}
