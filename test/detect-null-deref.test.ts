// NULL pointer dereference, both ways model code can do it: deref() of NULL, and plain JS
// property access on null (a TypeError), which the runtime reports as the same oops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { deref, type Gen, KObject, kfree, readOnce, setupAlloc, writeOnce } from '../src/sync/index.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

class Ops extends KObject {
  feature = 3;
}

class Dev extends KObject {
  ops: Ops | null = null;
  override get label(): string {
    return 'dev';
  }
}

type Use = 'deref' | 'plain' | 'destructure' | 'checked';

/** reads dev->ops and uses it; only the 'checked' twin tests for NULL first */
function* probeFeature(d: Dev, use: Use): Gen<number> {
  const ops = yield* readOnce(d, 'ops');
  if (use === 'deref') return deref(ops, 'dev->ops').feature;
  if (use === 'plain') return ops!.feature; // the model forgot the NULL check: a JS TypeError
  if (use === 'destructure') {
    const { feature } = ops!; // the same, spelled as a destructuring
    return feature;
  }
  return ops === null ? -1 : ops.feature;
}

/** unbinds the driver: clears dev->ops, then frees them */
function* unbind(d: Dev): Gen {
  const ops = yield* readOnce(d, 'ops');
  yield* writeOnce(d, 'ops', null);
  yield* kfree(ops);
}

function program(use: Use): Program<Dev> {
  return {
    setup() {
      const d = new Dev();
      d.ops = setupAlloc(() => new Ops());
      return d;
    },
    threads: (d) => [
      { name: 'probe', body: () => probeFeature(d, use) },
      { name: 'unbind', body: () => unbind(d) },
    ],
  };
}

describe('NULL pointer dereference', () => {
  it('deref() of NULL is reported with the C expression', () => {
    const r = exhaust(program('deref'));
    assert.deepEqual(foundKinds(r), ['null-deref']);
    const splat = splatOf(r, 'null-deref');
    assert.match(splat, /^BUG: kernel NULL pointer dereference, address: 0000000000000000/);
    assert.match(splat, /dereferenced: dev->ops/);
    assert.match(splat, /RIP: probe_feature \(test\/detect-null-deref\.test\.ts:\d+\)/);
  });

  it('a JS TypeError on null in model code is reported as the same oops, not thrown', () => {
    const r = exhaust(program('plain'));
    assert.deepEqual(foundKinds(r), ['null-deref']);
    const splat = splatOf(r, 'null-deref');
    assert.match(splat, /^BUG: kernel NULL pointer dereference/);
    assert.match(splat, /Cannot read properties of null \(reading 'feature'\)/);
    assert.match(splat, /RIP: probe_feature/);
    assert.equal(r.found[0]!.violation.thread, 'probe');
  });

  it('a destructuring of null in model code is the same oops', () => {
    const r = exhaust(program('destructure'));
    assert.deepEqual(foundKinds(r), ['null-deref']);
    assert.match(splatOf(r, 'null-deref'), /Cannot destructure property 'feature' of 'ops' as it is null/);
  });

  it('is fatal: the dereferencing thread does not return', () => {
    const cx = exhaust(program('plain')).found[0]!;
    const exec = replay(program('plain'), cx.choices);
    assert.deepEqual(execKinds(exec), ['null-deref']);
    assert.equal(exec.fatal, true);
    assert.equal(exec.threads[0]!.done, false);
  });

  it('the serial execution reads the ops before unbind clears them', () => {
    const exec = replay(program('plain'), []);
    assert.deepEqual(execKinds(exec), []);
    assert.equal(exec.threads[0]!.result, 3);
  });

  it('never happens in the twin that checks for NULL', () => {
    const r = exhaust(program('checked'));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });
});
