// Threads are resumed through %GeneratorPrototype%.next (see rt/execution.ts); a thread body
// that is some other iterator must still run exactly as `it.next()` would run it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import type { Program } from '../src/rt/execution.js';
import { OpKind, type Op } from '../src/rt/op.js';
import type { Gen } from '../src/rt/thread.js';
import { condResched, type Gen as SyncGen } from '../src/sync/index.js';

/** A hand-written iterator that yields `n` cond_resched ops, then returns `n`. */
function counting(n: number): Gen<number> {
  let i = 0;
  const op: Op = { kind: OpKind.Yield, obj: null, field: null };
  const it = {
    next: (): IteratorResult<Op, number> => (i < n ? (i++, { value: op, done: false }) : { value: n, done: true }),
    return: (v: number): IteratorResult<Op, number> => ({ value: v, done: true }),
    throw: (e: unknown): IteratorResult<Op, number> => {
      throw e;
    },
    [Symbol.iterator]: () => it,
  };
  return it as unknown as Gen<number>;
}

function* generated(n: number): SyncGen<number> {
  for (let i = 0; i < n; i++) yield* condResched();
  return n;
}

function program(body: (n: number) => Gen<number>, results: unknown[]): Program<null> {
  return {
    setup: () => null,
    threads: () => [
      { name: 'a', body: () => body(2) },
      { name: 'b', body: () => body(3) },
    ],
    final: (_w, r) => {
      results.push([...r]);
      return null;
    },
  };
}

describe('thread resumption', () => {
  it('a hand-written iterator runs like the equivalent generator', () => {
    const fromIterator: unknown[] = [];
    const fromGenerator: unknown[] = [];
    const a = explore(program(counting, fromIterator), new DfsStrategy());
    const b = explore(program(generated, fromGenerator), new DfsStrategy());
    assert.equal(a.executions, 10);
    assert.equal(a.executions, b.executions);
    assert.equal(a.steps, b.steps);
    assert.deepEqual(fromIterator, fromGenerator);
    assert.deepEqual(fromIterator[0], [2, 3]);
  });
});
