// `iommulab check` runs DPOR by default, keeps dfs selectable, and runs bounded DPOR
// (dpor-bounded.ts) under a preemption bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario, makeStrategy, defaultCheckOptions } from '../src/check/check.js';
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { main } from '../src/cli/main.js';
import { builtinScenarios, onHardwareModel } from '../src/scenarios/registry.js';
import { dfsCrossCheckFew, dfsHeavy } from './support/dfs-heavy.js';
import { representative } from './support/heavy.js';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  };
  console.error = (...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  };
  const saved = process.exitCode;
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = saved;
  }
}

describe('dpor in iommulab check', () => {
  it('is the default strategy, and meets each built-in\'s expectation with the distinct violations DFS finds', () => {
    assert.equal(defaultCheckOptions.strategy, 'dpor');
    // every built-in meets its expectation with it: the full check of test/cli-check.test.ts (its
    // JSON names the strategy); here the DFS comparison, on a representative few (test:heavy: every
    // built-in DFS can search; it does not end on the hardware-model ones)
    const searchable = builtinScenarios.filter((x) => !onHardwareModel(x) && !dfsHeavy.has(x.name));
    for (const s of representative(searchable, dfsCrossCheckFew)) {
      const o = checkScenario(s);
      assert.match(o.strategy, /^dpor( x fail_nth)?$/, s.name);
      assert.equal(o.matches, true, `${s.name}: ${o.outcome}`);
      assert.equal(o.exhaustive, true, s.name);
      const dfs = checkScenario(s, { strategy: 'dfs' });
      // every class has a representative: the same distinct violations, not only the same kinds
      assert.deepEqual(o.violations.map((v) => v.signature).sort(), dfs.violations.map((v) => v.signature).sort(), s.name);
    }
  });

  it('the CLI runs dpor by default and dfs on request', async () => {
    const dpor = await capture(['check', 'mutex-counter', 'lost-update', '--json']);
    assert.equal(dpor.code, 0);
    const d = JSON.parse(dpor.out) as { scenarios: { strategy: string; executions: number }[] };
    assert.deepEqual(
      d.scenarios.map((s) => [s.strategy, s.executions]),
      [
        ['dpor', 20],
        ['dpor', 4],
      ],
    );
    const dfs = await capture(['check', 'lost-update', '--strategy', 'dfs', '--json']);
    assert.equal((JSON.parse(dfs.out) as { scenarios: { strategy: string; executions: number }[] }).scenarios[0]!.executions, 6);
  });

  it('--max-executions stops a dpor check at exactly that many executions, the first ones of the search', async () => {
    const capped = await capture(['check', 'iommu-reset-vs-detach', '--max-executions', '20', '--json', '--workers', '1']);
    type Out = { scenarios: { executions: number; exhaustive: boolean; kinds: string[] }[] };
    const got = (JSON.parse(capped.out) as Out).scenarios[0]!;
    assert.equal(got.executions, 20);
    assert.equal(got.exhaustive, false);
    // the whole search finds its three kinds in executions 4 and 5 (and the ops->free contract
    // report of F1 later)
    assert.deepEqual([...got.kinds].filter((k) => k !== 'driver-contract').sort(), ['invariant', 'use-after-free', 'warn']);
    const early = await capture(['check', 'iommu-reset-vs-detach', '--max-executions', '4', '--json', '--workers', '1']);
    assert.deepEqual([...(JSON.parse(early.out) as Out).scenarios[0]!.kinds].sort(), ['invariant', 'warn']);
  });

  it('a preemption bound keeps dpor (bounded) unless dfs is asked for', async () => {
    assert.ok(makeStrategy({ ...defaultCheckOptions, preemptionBound: 2 }) instanceof BoundedDporStrategy);
    const bounded = await capture(['check', 'abba-deadlock', '--preemption-bound', '1', '--json']);
    assert.equal(bounded.code, 0);
    assert.match(bounded.out, /"strategy": "dpor\(preemptions<=1\)"/);
    const explicit = await capture(['check', 'abba-deadlock', '--strategy', 'dpor', '--preemption-bound', '1', '--json']);
    assert.equal(explicit.code, 0);
    const untimed = (out: string): string => out.replace(/"(elapsedMs|executionsPerSecond|firstSeconds)": [\d.]+/g, '');
    assert.equal(untimed(explicit.out), untimed(bounded.out));
    const dfs = await capture(['check', 'abba-deadlock', '--strategy', 'dfs', '--preemption-bound', '1', '--json']);
    assert.match(dfs.out, /"strategy": "dfs\(preemptions<=1\)"/);
  });
});
