// WARN_ON is not fatal: the thread goes on and everything it does after the WARN happens.
// With warnFails off (no panic_on_warn) it is a warning, not a violation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { type Gen, KObject, Mutex, mutexLock, mutexUnlock, readOnce, WARN_ON, WARN_ON_ONCE, writeOnce } from '../src/sync/index.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

class Dev extends KObject {
  busy = false;
  /** set by the checker after its WARN_ON: proves the thread went on */
  checked = false;
  override get label(): string {
    return 'dev';
  }
}

interface World {
  readonly dev: Dev;
  readonly lock: Mutex;
}

/** marks the device busy for a while; the twin does it under the lock */
function* worker(w: World, locked: boolean): Gen {
  if (locked) yield* mutexLock(w.lock);
  yield* writeOnce(w.dev, 'busy', true);
  yield* writeOnce(w.dev, 'busy', false);
  if (locked) yield* mutexUnlock(w.lock);
}

/** expects the device idle: WARN_ON(dev->busy), then records that it went on */
function* checker(w: World, locked: boolean): Gen<string> {
  if (locked) yield* mutexLock(w.lock);
  const busy = yield* readOnce(w.dev, 'busy');
  WARN_ON(busy, 'WARN_ON(dev->busy)');
  if (locked) yield* mutexUnlock(w.lock);
  yield* writeOnce(w.dev, 'checked', true);
  return 'went on';
}

function program(locked: boolean): Program<World> {
  return {
    setup: () => ({ dev: new Dev(), lock: new Mutex('&dev_lock') }),
    threads: (w) => [
      { name: 'worker', body: () => worker(w, locked) },
      { name: 'checker', body: () => checker(w, locked) },
    ],
    final: (w) => (w.dev.checked ? null : 'the checker stopped at its WARN_ON'),
  };
}

/** worker sets busy, checker reads it and runs to its end, worker finishes */
const warnSchedule = [0, 1, 1];

describe('WARN_ON', () => {
  it('fires when the checker runs inside the worker\'s busy window', () => {
    const r = exhaust(program(false));
    assert.deepEqual(foundKinds(r), ['warn']);
    const splat = splatOf(r, 'warn');
    assert.match(splat, /------------\[ cut here \]------------/);
    assert.match(splat, /WARNING: CPU: 0 PID: 2 at checker \(test\/detect-warn-on\.test\.ts:\d+\)/);
    assert.match(splat, /WARN_ON\(dev->busy\)/);
  });

  it('is not fatal: the warning thread finishes and its later writes happen', () => {
    const exec = replay(program(false), warnSchedule);
    assert.deepEqual(execKinds(exec), ['warn']);
    assert.equal(exec.fatal, false);
    assert.equal(exec.threads[1]!.result, 'went on');
    assert.equal(exec.threads.every((t) => t.done), true);
  });

  it('with warnFails off is a warning, not a violation', () => {
    const exec = replay(program(false), warnSchedule, { warnFails: false });
    assert.deepEqual(execKinds(exec), []);
    assert.equal(exec.warnings.length, 1);
    assert.equal(exec.warnings[0]!.kind, 'warn');
    const r = exhaust(program(false), { warnFails: false });
    assert.deepEqual(foundKinds(r), []);
  });

  it('WARN_ON_ONCE fires once per execution for its key', () => {
    const program: Program<Dev> = {
      setup: () => new Dev(),
      threads: (d) => [{
        name: 'looper',
        *body() {
          for (let i = 0; i < 3; i++) {
            const busy = yield* readOnce(d, 'busy');
            WARN_ON_ONCE(!busy, d, 'WARN_ON_ONCE(!dev->busy)');
          }
        },
      }],
    };
    const exec = replay(program, []);
    assert.deepEqual(execKinds(exec), ['warn']);
    assert.match(exec.violations[0]!.splat, /WARN_ON_ONCE\(!dev->busy\)/);
  });

  it('never fires in the twin that holds the lock across the busy window', () => {
    const r = exhaust(program(true));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });
});
