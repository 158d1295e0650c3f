// `iommulab explain KIND` for every kind the explorer reports (an unknown kind: a usage error
// with a did-you-mean), and `iommulab run SCENARIO`: one execution with its trace, the serial
// schedule or a seeded random one, led by a replay key that replays the same execution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { violationKinds } from '../src/rt/violation.js';
import { inProcess } from './helpers/cli.js';
import { stackTrace } from './support/cli.js';

describe('iommulab explain', () => {
  it('explains every kind the explorer can report', async () => {
    for (const kind of violationKinds) {
      const r = await inProcess(['explain', kind]);
      assert.equal(r.code, 0, kind);
      assert.ok(r.stdout.startsWith(`${kind}: `), r.stdout);
      for (const part of ['Kernel analogue: ', 'Reading the splat: ', 'What to do: ']) assert.ok(r.stdout.includes(`\n\n${part}`), `${kind}: ${part}`);
      assert.ok(r.stdout.split('\n').every((l) => l.length <= 100), `${kind}: lines fit 100 columns`);
    }
  });

  it('lists the kinds without an argument', async () => {
    const r = await inProcess(['explain']);
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), [...violationKinds]);
  });

  it('an unknown kind is a usage error that suggests the closest one', async () => {
    const r = await inProcess(['explain', 'use-after-fre']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^iommulab: unknown violation kind "use-after-fre"; did you mean use-after-free\? \(kinds: warn, /);
    assert.doesNotMatch(r.stderr, stackTrace);
    const far = await inProcess(['explain', 'xyzzy']);
    assert.equal(far.code, 2);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });
});

/** the trace part of a report, from the thread key on */
function traceOf(out: string): string {
  return out.slice(out.indexOf('\nThreads ('));
}

describe('iommulab run', () => {
  it('--seed picks the schedule; the report leads with a replay key that replays it', async () => {
    const bad = await inProcess(['run', 'lost-update', '--seed', '1']);
    const good = await inProcess(['run', 'lost-update', '--seed', '2']);
    assert.equal(bad.code, 1, 'seed 1 loses an update');
    assert.equal(good.code, 0, 'seed 2 does not');
    const head = /^run: lost-update, one execution along the schedule of seed 1\nreplay: iommulab replay lost-update \S+\n/;
    assert.match(bad.stdout, head);
    assert.match(bad.stdout, /\[assertion\]/);
    const again = await inProcess(['run', 'lost-update', '--seed', '1']);
    assert.equal(again.stdout, bad.stdout, 'a seed always gives the same execution');
    const key = bad.stdout.split('\n')[1]!.split(' ').at(-1)!;
    const replayed = await inProcess(['replay', 'lost-update', key]);
    assert.equal(replayed.code, 1);
    assert.equal(traceOf(replayed.stdout), traceOf(bad.stdout));
  });

  it('without --seed runs the serial schedule, with the scenario\'s names in the trace', async () => {
    const r = await inProcess(['run', 'iommu-reset-vs-detach']);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^run: iommu-reset-vs-detach, one execution along the serial schedule\n/);
    assert.match(r.stdout, /mutex_lock\(&group\(ep0\)->mutex\)/);
    const serial = await inProcess(['replay', 'iommu-reset-vs-detach', '-']);
    assert.equal(traceOf(serial.stdout), traceOf(r.stdout));
  });

  it('an unknown scenario or a missing one is a short usage error', async () => {
    const r = await inProcess(['run', 'no-such-scenario']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no-such-scenario/);
    assert.doesNotMatch(r.stderr, stackTrace);
    const none = await inProcess(['run']);
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'error: missing required argument \'scenario\'\n(run `iommulab run --help` for usage)\n');
  });
});
