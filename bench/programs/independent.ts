// N threads, each writing only its own object k times: every pair of steps commutes, so the
// whole search is one Mazurkiewicz class while plain DFS walks every interleaving.
import type { Program } from '../../src/rt/execution.js';
import { type Gen, KObject, writeOnce } from '../../src/sync/index.js';

class Cell extends KObject {
  value = 0;
}

// Generator functions are defined once, here, and threads get arrow functions that call them: a
// generator function created per execution costs V8 a new prototype and hidden class at its
// first call (see docs/PERFORMANCE.md).
function* writeOwn(cell: Cell, writes: number): Gen {
  for (let k = 1; k <= writes; k++) yield* writeOnce(cell, 'value', k);
}

export function independentProgram(threads: number, writes: number): Program<Cell[]> {
  return {
    setup: () => Array.from({ length: threads }, () => new Cell()),
    threads: (cells) =>
      cells.map((cell, i) => ({ name: `own${i}`, body: () => writeOwn(cell, writes) })),
    final: (cells) => (cells.every((c) => c.value === writes) ? null : 'a thread lost a write to its own cell'),
  };
}
