// The reference semantics of tiny-lang programs, written apart from the runtime and the
// explorer: try every runnable thread at every step (a lock is runnable when its mutex is free)
// and collect the final states. Used to check exhaustive DFS against.
import type { Instr, TinyProgram } from './tiny-lang.js';

export interface Enumeration {
  /** final states, see stateKey() */
  readonly outcomes: Set<string>;
  /** maximal interleavings (leaves of the tree: every thread done, or none can run) */
  readonly interleavings: number;
}

/** "v0=1,v1=0 done" or "... deadlock": variable values, and whether threads were left stuck */
export function stateKey(vars: readonly number[], deadlock: boolean): string {
  return `${vars.map((x, i) => `v${i}=${x}`).join(',')} ${deadlock ? 'deadlock' : 'done'}`;
}

interface State {
  readonly pc: number[];
  readonly reg: number[];
  readonly vars: number[];
  /** thread holding each mutex, or -1 */
  readonly owner: number[];
}

export function enumerate(p: TinyProgram): Enumeration {
  const outcomes = new Set<string>();
  let interleavings = 0;
  const walk = (s: State): void => {
    let live = false;
    let ran = false;
    for (let t = 0; t < p.threads.length; t++) {
      const ins: Instr | undefined = p.threads[t]![s.pc[t]!];
      if (ins === undefined) continue;
      live = true;
      if (ins.op === 'lock' && s.owner[ins.m] !== -1) continue;
      ran = true;
      walk(step(s, t, ins));
    }
    if (!ran) {
      interleavings++;
      outcomes.add(stateKey(s.vars, live));
    }
  };
  walk({
    pc: p.threads.map(() => 0),
    reg: p.threads.map(() => 0),
    vars: Array.from({ length: p.vars }, () => 0),
    owner: Array.from({ length: p.mutexes }, () => -1),
  });
  return { outcomes, interleavings };
}

function step(s: State, t: number, ins: Instr): State {
  const next: State = { pc: [...s.pc], reg: [...s.reg], vars: [...s.vars], owner: [...s.owner] };
  next.pc[t]!++;
  switch (ins.op) {
    case 'lock':
      next.owner[ins.m] = t;
      break;
    case 'unlock':
      next.owner[ins.m] = -1;
      break;
    case 'read':
      next.reg[t] = s.vars[ins.v]!;
      break;
    case 'write':
      next.vars[ins.v] = ins.value === 'inc' ? s.reg[t]! + 1 : ins.value;
      break;
  }
  return next;
}
