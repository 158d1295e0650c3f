// `check --shard i/n` then `merge`: the same report, JSON and exit code as one unsharded
// check; shard files that do not belong together are refused with a clear error (exit 2).
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { sealRunFile } from '../src/check/run-file.js';
import { checkedBuiltins } from '../src/scenarios/registry.js';
import { inProcess as iommulab, iommulab as spawned, scratchDir, timeless } from './helpers/cli.js';
import { heavyRun } from './support/heavy.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));
// A representative set, not every built-in (each run below is repeated for 1, 2 and 3 shards):
// passes and violations, examples and IOMMU scenarios, a toggle variant, DPOR searches of 14 to 25
// executions; enough scenarios that every shard of three gets several.
const representative = [
  'lost-update', 'mutex-counter', 'abba-deadlock', 'reader-free-uaf', 'checked-alloc',
  'iommu-group-attach-detach', 'iommu-lifecycle', 'iommu-reset-vs-attach@resetFence=none',
  'iommu-release-order@releaseOrder=old',
];
const runs = [
  { name: 'dfs', args: representative },
  { name: 'random', args: [...representative, '--strategy', 'random', '--executions', '100', '--seed', '9'] },
  { name: 'capped', args: ['lost-update', 'unchecked-alloc', 'abba-deadlock', '--max-executions', '5'] },
  { name: 'fail_nth', args: ['lost-update', 'leak-on-error', 'unchecked-alloc', 'checked-alloc', '--faults', 'nth'] },
];

describe('shards merged are the unsharded check', () => {
  const whole = new Map<string, { json: unknown; code: number | null; text: string }>();
  before(async () => {
    for (const r of runs) {
      // the text on stdout and the JSON (as --json prints it) in a file, from one run
      const file = join(dir, `whole-${r.name}.json`);
      const text = await iommulab(['check', '--workers', '2', ...r.args, '--out', file]);
      whole.set(r.name, { json: timeless(readFileSync(file, 'utf8')), code: text.code, text: text.stdout });
    }
  });

  for (const r of runs) {
    // (the two longer runs on 1 and 3 shards: 2 shards of them added 5 CPU s and nothing 3 do not show)
    for (const n of r.name === 'dfs' || r.name === 'random' ? [1, 3] : [1, 2, 3]) {
      test(`${r.name}: ${n} shard(s)`, async () => {
        const files: string[] = [];
        for (let i = 1; i <= n; i++) {
          const file = join(dir, `${r.name}-${i}of${n}.json`);
          const ran = await iommulab(['check', ...r.args, '--shard', `${i}/${n}`, '--out', file, '--workers', String(1 + (i % 2))]);
          assert.equal(ran.code, 0, ran.stderr);
          files.push(file);
        }
        const w = whole.get(r.name)!;
        const json = await iommulab(['merge', '--json', ...files.reverse()]);
        assert.equal(json.code, w.code, json.stderr);
        assert.deepEqual(timeless(json.stdout), w.json);
        const text = await iommulab(['merge', ...files]);
        assert.equal(text.code, w.code);
        const lines = (s: string) => s.replace(/\d+\.\d+s/g, 'T').split('\n');
        assert.deepEqual(lines(text.stdout), lines(w.text));
      });
    }
  }
});

// The representative set plus a fail_nth sweep, a choice-mode fault search, a seed scenario with two
// toggle settings and one built-in on each hardware driver (`npm run check` and test/cli-check.test.ts
// run every built-in through the same command).
// (the representative set itself is compared above: here two of it, the violation and the variant)
const sliced = [
  'lost-update', 'iommu-release-order@releaseOrder=old', 'unchecked-alloc', 'iommu-lifecycle-fail-nth', 'iommu-reset-pasid-identity@resetPrepareOrder=early,resetDoneOrder=early',
  'iommu-reset-pasid-detach', 'iommu-unmap-no-tlbi', 'iommu-seed002-test-dev-recorded', 'iommu-vtd-failed-replace',
];

// npm test: five of them (a violation, the fail_nth sweep, a built-in with the variants it declares,
// one on each hardware driver); npm run test:heavy: all nine
const slicedFew = heavyRun
  ? sliced
  : ['lost-update', 'iommu-lifecycle-fail-nth', 'iommu-reset-pasid-detach', 'iommu-seed002-test-dev-recorded', 'iommu-vtd-failed-replace'];

test('the check command (slices, workers) reports what checkScenario() (one explore()) does', async () => {
  const ran = await iommulab(['check', '--json', '--workers', '3', ...slicedFew]);
  const cli = timeless(ran.stdout) as { scenarios: Array<{ scenario: string }> };
  // a built-in named on the command line runs with the variants it declares
  const names = cli.scenarios.map((o) => o.scenario);
  assert.ok(names.length > slicedFew.length && slicedFew.every((n) => names.includes(n)), names.join());
  const direct = names.map((n) => timeless(JSON.stringify(checkScenario(checkedBuiltins.find((s) => s.name === n)!))));
  assert.deepEqual(cli.scenarios, direct);
});

describe('merge refuses shards that do not belong together', () => {
  const files: string[] = [];
  before(async () => {
    for (let i = 1; i <= 3; i++) {
      const file = join(dir, `bad-${i}of3.json`);
      const ran = await iommulab(['check', 'lost-update', 'abba-deadlock', '--shard', `${i}/3`, '--out', file]);
      assert.equal(ran.code, 0, ran.stderr);
      files.push(file);
    }
  });

  async function refused(args: string[], message: RegExp): Promise<void> {
    const ran = await iommulab(['merge', ...args]);
    assert.equal(ran.code, 2, ran.stdout);
    assert.match(ran.stderr, message);
    assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack trace');
  }

  function variant(name: string, edit: (o: Record<string, unknown>) => void, from = 1): string {
    const o = JSON.parse(readFileSync(files[from]!, 'utf8')) as Record<string, unknown>;
    edit(o);
    const file = join(dir, name);
    // with its digest made again: only the field and consistency checks can refuse it
    writeFileSync(file, JSON.stringify(sealRunFile(o)));
    return file;
  }

  test('a missing shard', () => refused([files[0]!, files[2]!], /missing shard 2\/3/));
  test('a shard given twice', () => refused([files[0]!, files[1]!, files[1]!], /shard 2\/3 is also given/));
  test('a file that is not there', () => refused([files[0]!, files[1]!, join(dir, 'nope.json')], /cannot read .*nope\.json/));
  test('a truncated file', () => {
    const file = join(dir, 'truncated.json');
    writeFileSync(file, readFileSync(files[1]!, 'utf8').slice(0, 300));
    return refused([files[0]!, file, files[2]!], /truncated\.json: not valid JSON/);
  });
  test('a checkpoint is not a shard result', () =>
    refused([files[0]!, variant('cp.json', (o) => (o.format = 'iommulab-checkpoint')), files[2]!], /cp\.json: format: not an iommulab shard result/));
  test('different shard counts', () =>
    refused([files[0]!, variant('n4.json', (o) => (o.shard = { index: 2, count: 4 })), files[2]!], /n4\.json: shard\.count/));
  test('different options', () =>
    refused([files[0]!, variant('seed.json', (o) => ((o.options as { seed: number }).seed = 99)), files[2]!], /seed\.json: options\.seed: differs/));
  test('different scenarios', () =>
    refused([files[0]!, variant('sc.json', (o) => (o.scenarios = ['abba-deadlock', 'lost-update'])), files[2]!], /sc\.json: scenarios: differ/));
  test('a corrupt field names the field', () =>
    refused(
      [
        files[0]!,
        variant('field.json', (o) => {
          type Part = { part: { ranges?: Array<{ result: { executions: unknown } }> } };
          const p = (o.progress as Part[]).find((x) => (x.part.ranges?.length ?? 0) > 0)!;
          p.part.ranges![0]!.result.executions = -3;
        }),
        files[2]!,
      ],
      /field\.json: progress\[\d\]\.part\.ranges\[0\]\.result\.executions: expected an integer >= 0/,
    ));
  test('a shard run needs somewhere to write its result', async () => {
    const ran = await iommulab(['check', 'lost-update', '--shard', '1/2']);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /--out FILE/);
  });
  test('a bad --shard', async () => {
    const ran = await spawned(['check', '--shard', '3/2', '--out', join(dir, 'x.json')], dir);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /--shard must be i\/n/);
  });
});
