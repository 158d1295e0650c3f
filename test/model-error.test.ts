// An exception out of model code that is not a kernel report (a model bug, not a finding) stops
// the search with a ModelError that says where it happened and how to replay it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import type { Program } from '../src/rt/execution.js';
import { ModelError } from '../src/rt/violation.js';
import { type Gen, KObject, readOnce } from '../src/sync/index.js';

class Cell extends KObject {
  value = 0;
}

function* brokenModelFunction(c: Cell): Gen {
  const v = yield* readOnce(c, 'value');
  if (v === 0) throw new RangeError('model invariant of the test broken');
}

const program: Program<Cell> = {
  setup: () => new Cell(),
  threads: (c) => [
    { name: 'ok', *body() { yield* readOnce(c, 'value'); } },
    { name: 'broken', body: () => brokenModelFunction(c) },
  ],
};

describe('model errors', () => {
  it('surface as ModelError naming the thread, the step and a replayable schedule', () => {
    assert.throws(
      () => explore(program, new DfsStrategy()),
      (e: unknown) =>
        e instanceof ModelError &&
        /model invariant of the test broken/.test(e.message) &&
        /in thread broken at step \d+; schedule [0-9x.-]+\)/.test(e.message),
    );
  });
});
