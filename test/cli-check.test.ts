// `iommulab check` as a user runs it: text and JSON results, exit codes, and clear usage errors
// without stack traces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinScenarios } from '../src/scenarios/registry.js';
import { iommulab, stackTrace } from './support/cli.js';

interface JsonOutcome {
  scenario: string;
  expected: string;
  outcome: string;
  matches: boolean;
  exhaustive: boolean;
  executions: number;
  violation?: { kind: string; schedule: string };
}

describe('iommulab check', { concurrency: true }, () => {
  it('runs every built-in scenario, prints one line each and a summary, and exits 0', async () => {
    const r = await iommulab('check');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, builtinScenarios.length + 1);
    for (const [i, s] of builtinScenarios.entries()) {
      assert.match(lines[i]!, new RegExp(`^ok {3}${s.name} .*\\(expected .*; exhaustive \\d+ exec, `));
    }
    assert.match(lines.at(-1)!, new RegExp(`^${builtinScenarios.length} of ${builtinScenarios.length} scenarios as expected, 0 not; \\d+ executions in `));
  });

  it('--json prints the outcome of each scenario, with the violation and its schedule', async () => {
    const r = await iommulab('check', '--json');
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { ok: boolean; scenarios: JsonOutcome[] };
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.scenarios.map((o) => o.scenario), builtinScenarios.map((s) => s.name));
    for (const o of doc.scenarios) {
      assert.equal(o.matches, true, o.scenario);
      assert.equal(o.exhaustive, true, o.scenario);
      assert.ok(Number.isInteger(o.executions) && o.executions > 0, o.scenario);
      if (o.expected === 'pass') {
        assert.equal(o.outcome, 'pass', o.scenario);
        assert.equal(o.violation, undefined, o.scenario);
      } else {
        assert.equal(o.outcome, 'violation', o.scenario);
        assert.ok(o.expected.startsWith('violation: '), o.scenario);
        assert.ok(o.expected.slice('violation: '.length).split(', ').includes(o.violation!.kind), o.scenario);
        assert.match(o.violation!.schedule, /^(n\d+\/)?[-\w.]+$/, o.scenario);
      }
    }
    const uaf = doc.scenarios.find((o) => o.scenario === 'reader-free-uaf')!;
    assert.equal(uaf.violation!.kind, 'use-after-free');
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
