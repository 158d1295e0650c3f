// `iommulab replay`: the schedule a check reports replays to a report that leads with the replay
// key, then the kernel splat, then the trace; a bad schedule is a usage error naming the problem.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iommulab, stackTrace } from './support/cli.js';

describe('iommulab replay', { concurrency: true }, () => {
  it('replays the use-after-free from check --json: replay key, KASAN splat, then the trace', async () => {
    const check = await iommulab('check', 'reader-free-uaf', '--json');
    const doc = JSON.parse(check.stdout) as { scenarios: Array<{ violations: Array<{ kind: string; schedule: string }> }> };
    const { kind, schedule } = doc.scenarios[0]!.violations[0]!;
    assert.equal(kind, 'use-after-free');

    const r = await iommulab('replay', 'reader-free-uaf', schedule);
    assert.equal(r.status, 1, 'a replay that shows a violation exits 1');
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.equal(out.split('\n')[0], `replay: iommulab replay reader-free-uaf ${schedule}`);
    const splat = out.indexOf('BUG: KASAN: slab-use-after-free in reader_use_buffer');
    const trace = out.indexOf('\nTrace: ');
    assert.ok(splat > 0, out);
    assert.ok(trace > splat, 'the trace comes after the splat');
    // trace mode records where the buffer was allocated and freed
    assert.match(out, /Allocated by task:\n {2}setup {2}\(src\/scenarios\/examples\/uaf\.ts:\d+\)/);
    assert.match(out, /Freed by task freer:\n {2}release_buffer {2}\(src\/scenarios\/examples\/uaf\.ts:\d+\)/);
    const rows = out.slice(trace).split('\n').filter((l) => /^(>>| !|  ) +\d+ {2}/.test(l));
    assert.ok(rows.length >= 2);
    // the step the violation was reported at is marked
    assert.match(rows.at(-1)!, /^>> .*<== use-after-free$/);
    const last = rows.at(-1)!.slice(3).replace(/ {2}<==.*$/, '').trim().split(/ {2,}/);
    assert.equal(last[1], 'reader');
    assert.match(last[2]!, /^READ_ONCE\(Buffer#[0-9a-f]+\.data\)$/);
    assert.match(last[3]!, /^reader_use_buffer \(src\/scenarios\/examples\/uaf\.ts:\d+\)$/);
  });

  it('replays "-" on abba-deadlock: the inversion is reported and nothing deadlocks', async () => {
    const r = await iommulab('replay', 'abba-deadlock', '-');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /WARNING: possible circular locking dependency detected/);
    assert.doesNotMatch(r.stdout, /blocked for more than/);
    assert.match(r.stdout, /Trace: 8 steps, 0 preemption\(s\)/);
  });

  it('a malformed schedule exits 2 naming the bad token, without a stack trace', async () => {
    const r = await iommulab('replay', 'lost-update', '0.1x');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^iommulab: schedule "0\.1x": bad token "1x"/);
    assert.doesNotMatch(r.stderr, stackTrace);
  });

  it('a schedule that does not fit the scenario exits 2 saying why', async () => {
    const r = await iommulab('replay', 'lost-update', '0.7');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^iommulab: schedule "0\.7" does not fit scenario lost-update: /);
    assert.match(r.stderr, /choice 2 picks thread 7, which is not runnable/);
    assert.doesNotMatch(r.stderr, stackTrace);
  });
});
