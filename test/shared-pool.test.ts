// The pool shared by the searches of one check: a free slot goes to the searches in rank order
// (the earliest scenario first), and the owner hears onIdle (to start another scenario) only
// when a slot is still free once every search had its turn, after pending promise callbacks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SlicePool, SliceTask } from '../src/explorer/parallel/pool.js';
import { SharedPool } from '../src/explorer/parallel/shared-pool.js';
import type { SliceOutcome } from '../src/explorer/parallel/slice.js';

/** A pool whose slices end when the test says so. */
class HeldPool implements SlicePool {
  readonly started: string[] = [];
  private readonly ends: Array<() => void> = [];

  constructor(readonly size: number) {}

  run(task: SliceTask): Promise<SliceOutcome> {
    this.started.push(task.source.name);
    return new Promise((resolve) => this.ends.push(() => resolve({ result: null as never, remaining: null })));
  }

  /** end the oldest slice still running */
  end(): void {
    this.ends.shift()!();
  }

  async close(): Promise<void> {}
}

const task = (name: string): SliceTask => ({ source: { module: '', name }, search: null as never, state: null, budget: null as never });
/** let promise callbacks and the immediates they queue run */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A search with `parts` slices to run, one at a time per free slot. */
function search(shared: SharedPool, name: string, parts: number) {
  let left = parts;
  return {
    fill(): void {
      while (left > 0 && shared.free > 0) {
        left--;
        void shared.run(task(name)).then(() => shared.pump());
      }
    },
  };
}

describe('SharedPool', () => {
  test('free slots go to the searches in rank order, whatever the order they joined in', async () => {
    const pool = new HeldPool(1);
    let idle = 0;
    const shared = new SharedPool(pool, () => idle++);
    shared.join(search(shared, 'late', 2), 5);
    shared.join(search(shared, 'early', 2), 1);
    shared.pump();
    assert.deepEqual(pool.started, ['early']);
    for (let i = 0; i < 3; i++) {
      pool.end();
      await settle();
    }
    assert.deepEqual(pool.started, ['early', 'early', 'late', 'late']);
    assert.equal(idle, 0, 'no slot was free while a search had a part to give');
    pool.end();
    await settle();
    assert.equal(idle, 1, 'once nothing is left, the owner hears of the free slot');
  });

  test('onIdle comes after callbacks already queued: a search that goes on at once takes its slot back', async () => {
    const pool = new HeldPool(1);
    const heard: number[] = [];
    const shared = new SharedPool(pool, () => heard.push(shared.free));
    /** one slice; when it is over, leave and (from a promise callback, as a sweep does) go on */
    const point = (name: string, then: () => void): void => {
      let left = 1;
      let running = 0;
      const leave = shared.join(
        {
          fill(): void {
            if (left > 0 && shared.free > 0) {
              left--;
              running++;
              void shared.run(task(name)).then(() => {
                running--;
                shared.pump();
              });
            }
            if (left === 0 && running === 0) {
              leave();
              void Promise.resolve().then(then);
            }
          },
        },
        0,
      );
      shared.pump();
    };
    point('point 1', () => point('point 2', () => {}));
    pool.end();
    await settle();
    assert.deepEqual(pool.started, ['point 1', 'point 2']);
    assert.deepEqual(heard, [], 'the worker never looked idle to the owner');
    pool.end();
    await settle();
    assert.deepEqual(heard, [1]);
  });
});
