// The bench's class counts are only worth printing if they are right: the closed forms agree
// with the abstract event model, and the event model agrees with brute force over real runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countClassesByRuns } from '../bench/classes/from-runs.js';
import { countClasses, countInterleavings, type Event, type EventProgram } from '../bench/classes/event-model.js';
import { multinomial } from '../bench/classes/multinomial.js';
import { benchPrograms, philosophersModel } from '../bench/programs/catalogue.js';
import { philosophersProgram } from '../bench/programs/philosophers.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { counterProgram, lostUpdate } from '../src/scenarios/examples/counter.js';

const none = { mode: 'none' } as const;

function threads(n: number, body: (i: number) => Event[]): EventProgram {
  return Array.from({ length: n }, (_, i) => body(i));
}

function repeat(k: number, events: Event[]): Event[] {
  return Array.from({ length: k }, () => events).flat();
}

describe('bench class counts', () => {
  it('multinomial counts the orders of critical sections', () => {
    assert.equal(multinomial(2, 2), 6);
    assert.equal(multinomial(2, 3), 20);
    assert.equal(multinomial(3, 3), 1680);
    assert.equal(multinomial(4, 4), 63_063_000);
  });

  it('the locked counter has multinomial classes and interleavings', () => {
    const model = threads(3, () =>
      repeat(2, [
        { kind: 'lock', obj: 'L' },
        { kind: 'read', obj: 'C' },
        { kind: 'write', obj: 'C' },
        { kind: 'unlock', obj: 'L' },
      ]),
    );
    assert.equal(countClasses(model), multinomial(3, 2));
    assert.equal(countInterleavings(model), multinomial(3, 2));
  });

  it('independent threads and disjoint locks are one class', () => {
    const own = threads(3, (i) => repeat(2, [{ kind: 'write', obj: `c${i}` }]));
    assert.equal(countClasses(own), 1);
    assert.equal(countInterleavings(own), multinomial(3, 2));
    const disjoint = threads(2, (i) =>
      repeat(2, [
        { kind: 'lock', obj: `l${i}` },
        { kind: 'write', obj: `c${i}` },
        { kind: 'unlock', obj: `l${i}` },
      ]),
    );
    assert.equal(countClasses(disjoint), 1);
    assert.equal(countInterleavings(disjoint), multinomial(2, 6));
  });

  it('reads commute with reads: the unlocked counter has 4 classes in 6 interleavings', () => {
    const model = threads(2, () => [
      { kind: 'read', obj: 'C' },
      { kind: 'write', obj: 'C' },
    ]);
    assert.equal(countClasses(model), 4);
    assert.equal(countInterleavings(model), 6);
    assert.deepEqual(countClassesByRuns(lostUpdate.program, none), { classes: 4, interleavings: 6 });
  });

  it('philosophers: the event model gives 2^n - 1 classes', () => {
    for (const n of [3, 4, 5, 6]) assert.equal(countClasses(philosophersModel(n)), 2 ** n - 1);
  });

  for (const n of [3]) {
    it(`philosophers-${n}: event model, real runs and DFS agree`, () => {
      const model = philosophersModel(n);
      const runs = countClassesByRuns(philosophersProgram(n), none)!;
      assert.equal(countClasses(model), 2 ** n - 1);
      assert.equal(runs.classes, 2 ** n - 1);
      assert.equal(countInterleavings(model), runs.interleavings);
      const dfs = explore(philosophersProgram(n), new DfsStrategy());
      assert.ok(dfs.exhaustive);
      assert.equal(dfs.executions, runs.interleavings);
    });
  }

  it('closed forms of the bench catalogue match DFS where DFS finishes', () => {
    // the IOMMU built-ins' rows count by brute force (every interleaving, each put in normal form:
    // cubic in its steps): two representative ones; all of them (iommu-reset-vs-detach alone has
    // 20,429 interleavings of about 150 steps) take many minutes
    const representative = new Set(['iommu-lifecycle', 'iommu-group-attach-detach']);
    for (const p of benchPrograms.filter((b) => !b.name.startsWith('iommu-') || representative.has(b.name))) {
      const c = p.count();
      if (c === null || c.interleavings > 40_000) continue;
      const r = explore(p.program, new DfsStrategy(), { faults: p.faults });
      assert.equal(r.executions, c.interleavings, p.name);
    }
  });

  it('the locked counter under DFS by runs has multinomial classes', () => {
    assert.deepEqual(countClassesByRuns(counterProgram(2, 2, true), none), { classes: 6, interleavings: 6 });
  });
});
