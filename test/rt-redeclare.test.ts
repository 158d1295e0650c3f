// A step whose footprint depends on the state (Op.redeclare, a one-step DMA): the runtime declares
// its thread's pending op again after every other thread's step that is dependent with it, and
// only then, so the op a step runs with names what it reads when it runs; DPOR analyzes the op
// the step ran with, not the one a wakeup sequence recorded in another execution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { runOnce } from '../src/explorer/run-once.js';
import type { Program } from '../src/rt/execution.js';
import { KObject } from '../src/rt/kobject.js';
import { type Access, type Op, OpKind } from '../src/rt/op.js';
import type { Gen } from '../src/rt/thread.js';

class Cell extends KObject {
  v = 0;
  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return this.name;
  }
}

interface World {
  /** what the reader looks at first: 0 sends it on to `a`, 1 to `b` */
  readonly sel: Cell;
  readonly a: Cell;
  readonly b: Cell;
  /** a cell the reader never reads */
  readonly other: Cell;
  redeclared: number;
  /** what the reader's latest op declares (the one it runs with, once it ran) */
  declared: string;
}

/** one step reading `sel` and the cell it selects: its footprint depends on `sel` */
function* reader(w: World): Gen<number> {
  const footprint = (): Access[] => [{ obj: w.sel, field: 'v' }, { obj: w.sel.v === 0 ? w.a : w.b, field: 'v' }];
  const opWith = (reads: readonly Access[]): Op => {
    w.declared = reads.map((r) => `${r.obj.label}.${r.field}`).join(' ');
    return {
      kind: OpKind.Dma,
      obj: w.sel,
      field: 'v',
      reads,
      redeclare: () => {
        w.redeclared++;
        return opWith(footprint());
      },
    };
  };
  yield opWith(footprint());
  return (w.sel.v === 0 ? w.a : w.b).v;
}

function* write(c: Cell, v: number): Gen {
  yield { kind: OpKind.HwWrite, obj: c, field: 'v' };
  c.v = v;
}

/** the writer writes `a`, a cell the reader never reads, moves the reader to `b` (5 at first), writes `b` */
function program(finals: string[] = []): Program<World> {
  return {
    setup: () => {
      const w = { sel: new Cell('sel'), a: new Cell('a'), b: new Cell('b'), other: new Cell('other'), redeclared: 0, declared: '' };
      w.b.v = 5;
      return w;
    },
    threads: (w) => [
      {
        name: 'writer',
        body: function* () {
          yield* write(w.a, 2);
          yield* write(w.other, 1);
          yield* write(w.sel, 1);
          yield* write(w.b, 3);
        },
      },
      { name: 'reader', body: () => reader(w) },
    ],
    final: (_w, results) => {
      finals.push(String(results[1]));
      return null;
    },
  };
}

const opts = { faults: { mode: 'none' } as const, warnFails: true, trace: false, strict: true };

describe('a step declared again when a dependent step moved what it reads (Op.redeclare)', () => {
  it('the reader runs with the footprint of the state it runs in, declared again only after the writes it reads', () => {
    // the writer's four steps, then the reader
    let world: World | undefined;
    const p = program();
    const exec = runOnce({ ...p, setup: () => (world = p.setup()) } as Program<unknown>, [0, 0, 0, 0], opts);
    assert.equal(world!.declared, 'sel.v b.v');
    // after a (which it reads then), sel (which moves it) and b (which it reads now); not after `other`
    assert.equal(world!.redeclared, 3);
    assert.equal(exec.threads[1]!.result, 3);
  });

  it('DPOR explores one execution per place of the reader among the writes it reads there, and finds what DFS finds', () => {
    const dporFinals: string[] = [];
    const dfsFinals: string[] = [];
    const dpor = new DporStrategy();
    const r = explore(program(dporFinals) as Program<unknown>, dpor, {});
    explore(program(dfsFinals) as Program<unknown>, new DfsStrategy(), {});
    assert.equal(r.exhaustive, true);
    assert.deepEqual([...new Set(dporFinals)].sort(), [...new Set(dfsFinals)].sort());
    // four classes: before a (it reads a: 0), between a and sel (2), between sel and b (5), after b
    // (3). The first execution runs the writer first, and the reader reads sel and b; the race
    // with sel places the reader before sel, where it reads `a`: its race with the write of `a`
    // is seen only if that execution is analyzed with the op the reader ran with there
    assert.deepEqual([...new Set(dporFinals)].sort(), ['0', '2', '3', '5']);
    assert.equal(r.executions, 4);
    assert.equal(dpor.stats.sleepBlocked, 0);
  });
});
