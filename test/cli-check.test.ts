// `iommulab check` as a user runs it: text and JSON results, exit codes, and clear usage errors
// without stack traces.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkedBuiltins } from '../src/scenarios/registry.js';
import { scratchDir } from './helpers/cli.js';
import { type CliRun, iommulab, stackTrace } from './support/cli.js';
import { heavyRun } from './support/heavy.js';

interface JsonOutcome {
  scenario: string;
  strategy: string;
  expected: string;
  outcome: string;
  matches: boolean;
  exhaustive: boolean;
  executions: number;
  kinds: string[];
  violations: Array<{
    signature: string;
    kind: string;
    schedule: string;
    replay: string;
    occurrences: number;
    firstExecution: number;
  }>;
}

/**
 * The full check's limits: bounded by executions, not by time. A scenario needs at most 2,576
 * executions today (iommu-smmuv3-unmap-vs-reset); with the default 60 s --time-limit that one took
 * 55.8 s on a loaded machine, so a slow CI machine could cut it short. No time limit cuts a search
 * here (the largest --time-limit), and a search that outgrows 50,000 executions stops and fails the
 * test as incomplete: the outcome alone decides, whatever the load.
 */
const fullCheckLimits = ['--time-limit', '1000000', '--max-executions', '50000'];

/**
 * npm test: every built-in and its variants but the one costly search,
 * iommu-smmuv3-unmap-vs-reset (about 2,300 DPOR executions of ~600 steps on the arm-smmu-v3
 * model: 60% of the full check's CPU; smmuv3-builtins runs the core built-ins on that driver).
 * npm run test:heavy runs every one, and so does .ci/run's `npm run check`.
 */
const costly = ['iommu-smmuv3-unmap-vs-reset'];
const checked = heavyRun ? checkedBuiltins : checkedBuiltins.filter((s) => !costly.includes(s.name.split('@')[0]!));
/** the names to give the command (a built-in named runs with its variants): none, every one */
const named = heavyRun ? [] : [...new Set(checked.map((s) => s.name.split('@')[0]!))];

describe('iommulab check', { concurrency: true }, () => {
  // every built-in and the variants it declares, once: the text on stdout and the JSON in a file
  // (`npm run check` in .ci/run is the same command, for the user's view of it)
  const dir = scratchDir();
  const json = join(dir, 'check.json');
  let full: Promise<CliRun> | null = null;
  const fullCheck = (): Promise<CliRun> => (full ??= iommulab('check', ...fullCheckLimits, '--out', json, ...named));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every built-in scenario and the variants it declares (npm test: but one), prints one line each and a summary, and exits 0', async () => {
    const r = await fullCheck();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const all = r.stdout.trimEnd().split('\n');
    // a line per scenario, each followed by two per distinct violation it found
    const lines = all.filter((l) => !l.startsWith(' '));
    assert.equal(lines.length, checked.length + 1);
    for (const [i, s] of checked.entries()) {
      assert.match(lines[i]!, new RegExp(`^ok {3}${s.name} .*\\(expected .*; exhaustive \\d+ exec, `));
    }
    const uaf = all.indexOf(all.find((l) => l.startsWith('ok   reader-free-uaf '))!);
    assert.equal(all[uaf + 1], '       use-after-free in reader_use_buffer: KASAN: slab-use-after-free: Read of data of Buffer#N');
    const counts =
      /^ {9}once in 3 executions, first at execution \d+ \(\d+\.\d\ds\); replay: iommulab replay reader-free-uaf [\w.]+$/;
    assert.match(all[uaf + 2]!, counts);
    assert.match(lines.at(-1)!, new RegExp(`^${checked.length} of ${checked.length} scenarios as expected, 0 not; \\d+ executions in `));
  });

  it('the JSON (--out, as --json prints it) has the outcome of each scenario, with the violations and their schedules', async () => {
    const r = await fullCheck();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; scenarios: JsonOutcome[] };
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.scenarios.map((o) => o.scenario), checked.map((s) => s.name));
    const kinds = new Set(doc.scenarios.flatMap((o) => o.violations.map((v) => v.kind)));
    assert.ok(kinds.size >= 10, [...kinds].join());
    for (const o of doc.scenarios) {
      // the default strategy (test/dpor-cli.test.ts compares it with DFS)
      assert.match(o.strategy, /^dpor( x fail_nth)?$/, o.scenario);
      assert.equal(o.matches, true, o.scenario);
      assert.equal(o.exhaustive, true, o.scenario);
      assert.ok(Number.isInteger(o.executions) && o.executions > 0, o.scenario);
      if (o.expected === 'pass') {
        assert.equal(o.outcome, 'pass', o.scenario);
        assert.deepEqual(o.violations, [], o.scenario);
      } else {
        assert.equal(o.outcome, 'violation', o.scenario);
        assert.ok(o.expected.startsWith('violation: '), o.scenario);
        assert.deepEqual([...new Set(o.violations.map((v) => v.kind))].sort(), [...o.kinds].sort(), o.scenario);
        for (const v of o.violations) {
          assert.ok(o.expected.slice('violation: '.length).split(', ').includes(v.kind), o.scenario);
          assert.match(v.schedule, /^(n\d+\/)?[-\w.]+$/, o.scenario);
          assert.ok(v.signature.startsWith(`${v.kind}`), v.signature);
          assert.ok(v.occurrences >= 1 && v.firstExecution >= 1 && v.firstExecution <= o.executions);
        }
        assert.equal(new Set(o.violations.map((v) => v.signature)).size, o.violations.length, `${o.scenario}: each signature once`);
      }
    }
    const uaf = doc.scenarios.find((o) => o.scenario === 'reader-free-uaf')!;
    assert.equal(uaf.violations[0]!.kind, 'use-after-free');
    assert.equal(uaf.violations[0]!.replay, `iommulab replay reader-free-uaf ${uaf.violations[0]!.schedule}`);
  });

  it('--json prints that JSON on stdout', async () => {
    const r = await iommulab('check', '--json', 'reader-free-uaf', 'mutex-counter');
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { ok: boolean; scenarios: JsonOutcome[] };
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.scenarios.map((o) => [o.scenario, o.outcome, o.exhaustive]), [['reader-free-uaf', 'violation', true], ['mutex-counter', 'pass', true]]);
    assert.deepEqual(doc.scenarios[0]!.violations.map((v) => v.kind), ['use-after-free']);
  });

  it('exits 1 and says FAIL when an outcome does not match the expectation', async () => {
    // one serial execution per thread order cannot lose an update
    const r = await iommulab('check', 'lost-update', '--preemption-bound', '0');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAIL lost-update +pass +\(expected violation: assertion; partial 2 exec/m);
    assert.match(r.stdout, /0 of 1 scenarios as expected, 1 not/);
  });

  it('an unknown scenario exits 2 with a clear message and no stack trace', async () => {
    const r = await iommulab('check', 'no-such-scenario');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^iommulab: unknown scenario "no-such-scenario"; `iommulab list` shows the built-in ones$/m);
    assert.doesNotMatch(r.stderr, stackTrace);
  });

  for (const [args, message] of [
    [['--seed', '-1'], /option '--seed <n>' argument '-1' is invalid\. --seed must be an integer between 0 and 4,294,967,295/],
    [['--seed', '4294967296'], /--seed must be an integer between 0 and 4,294,967,295/],
  ] as const) {
    it(`rejects ${args.join(' ')} with exit 2 and no stack trace`, async () => {
      const r = await iommulab('check', 'lost-update', ...args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, stackTrace);
    });
  }
});
