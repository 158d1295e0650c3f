// A report's Call Trace is the model's call stack of the reporting thread and nothing else:
// innermost first, in the kernel's spelling, without the runtime, the caller of the explorer,
// or (for a thread started by kthread_run) the parent that spawned it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { condResched, type Gen, KObject, kthreadRun, readOnce, WARN_ON } from '../src/sync/index.js';
import { exhaust, splatOf } from './support/search.js';

class Flag extends KObject {
  up = true;
}

function* innerHelper(f: Flag): Gen {
  const up = yield* readOnce(f, 'up');
  WARN_ON(up, 'WARN_ON(flag->up)');
}

function* outerStep(f: Flag): Gen {
  yield* condResched();
  yield* innerHelper(f);
}

/** warns before its first yield, so while kthread_run() is starting it */
function* childWarnsAtOnce(): Gen {
  WARN_ON(true, 'WARN_ON(child)');
  yield* condResched();
}

function* parentSpawns(): Gen {
  yield* kthreadRun('child', childWarnsAtOnce);
}

/** The function names of the Call Trace section, innermost first. */
function callTrace(splat: string): string[] {
  const lines = splat.split('\n');
  const from = lines.indexOf(' <TASK>');
  const to = lines.indexOf(' </TASK>');
  assert.ok(from >= 0 && to > from, `no Call Trace in:\n${splat}`);
  return lines.slice(from + 1, to).map((l) => l.trim().split(/\s+/)[0]!);
}

describe('model backtraces', () => {
  it('list the model functions of the thread, innermost first, and stop at the thread entry', () => {
    const program: Program<Flag> = {
      setup: () => new Flag(),
      threads: (f) => [{ name: 'stepper', body: () => outerStep(f) }],
    };
    const splat = splatOf(exhaust(program), 'warn');
    assert.deepEqual(callTrace(splat), ['inner_helper', 'outer_step']);
    assert.match(splat, /WARNING: CPU: 0 PID: 1 at inner_helper \(test\/model-backtrace\.test\.ts:\d+\)/);
  });

  it('of a thread started by kthread_run() do not include the parent', () => {
    const program: Program<null> = {
      setup: () => null,
      threads: () => [{ name: 'parent', body: parentSpawns }],
    };
    const splat = splatOf(exhaust(program), 'warn');
    assert.deepEqual(callTrace(splat), ['child_warns_at_once']);
    assert.match(splat, /Comm: child/);
  });
});
