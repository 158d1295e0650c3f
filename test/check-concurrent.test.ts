// Several scenarios on one pool of workers: whatever the number of workers and the timing, the
// check prints the same lines in the same order and the same JSON; a checkpoint taken with two
// scenarios in flight resumes to the uninterrupted result; a scenario whose program throws a
// ModelError fails the run as the first failing scenario in order, after the ones before it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveCheckOptions } from '../src/check/check.js';
import { CheckRun } from '../src/check/run.js';
import { ModelError } from '../src/rt/violation.js';
import { checkedBuiltins } from '../src/scenarios/registry.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { fixtureSource, programNamed } from './fixtures/programs.js';
import { inProcess, iommulab, scratchDir, start, timeless } from './helpers/cli.js';
import { heavyRun } from './support/heavy.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** The text report without times, and the --out JSON without times, of one check. */
async function check(args: readonly string[], workers: number): Promise<{ code: number | null; text: string; json: unknown }> {
  const out = join(dir, `out-${workers}.json`);
  const ran = await inProcess(['check', ...args, '--workers', String(workers), '--out', out]);
  assert.equal(ran.stderr, '');
  return { code: ran.code, text: ran.stdout.replace(/\d+\.\d+s/g, 'T'), json: timeless(readFileSync(out, 'utf8')) };
}

async function assertSameOnWorkers(args: readonly string[], scenarios: number): Promise<void> {
  const one = await check(args, 1);
  assert.equal(one.text.trimEnd().split('\n').filter((l) => !l.startsWith(' ')).length, scenarios + 1, one.text);
  // npm test: 1 worker against 3 (more workers than scenarios at times); test:heavy: 2 as well
  for (const w of heavyRun ? [2, 3] : [3]) {
    const many = await check(args, w);
    assert.equal(many.code, one.code, `exit code on ${w} workers`);
    assert.equal(many.text, one.text, `text on ${w} workers`);
    assert.deepEqual(many.json, one.json, `JSON on ${w} workers`);
  }
}

const examples = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));

/** One file holding the example ports: a fail_nth sweep, long DPOR searches and findings. */
function severalScenariosFile(): string {
  const lifecycle = readFileSync(join(examples, 'lifecycle.yaml'), 'utf8');
  let text = lifecycle.slice(lifecycle.indexOf('scenarios:\n'));
  for (const f of ['group-attach-detach.yaml', 'reset-vs-attach.yaml', 'remove-between-phases.yaml']) {
    const lines = readFileSync(join(examples, f), 'utf8').split('\n').filter((l) => !l.startsWith('#') && l.trim() !== '');
    text += lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n') + '\n';
  }
  const file = join(dir, 'several.yaml');
  writeFileSync(file, text);
  return file;
}

describe('several scenarios in flight: the same report for 1, 2 and 3 workers', () => {
  test('built-in scenarios (text lines in order, JSON, exit code)', async () => {
    // a representative six rather than every built-in three times: examples and IOMMU scenarios,
    // passes and violations, a scenario with three variants (DPOR searches of 18 to 24 executions),
    // a fail_nth sweep on intel-iommu and a 26-execution search on arm-smmu-v3 (the dozen this was
    // until 2026-12-05 also had iommu-release-order's 471-execution variant: about 5 CPU s)
    const some = [
      'lost-update', 'mutex-counter', 'abba-deadlock', 'iommu-reset-pasid-detach', 'iommu-vtd-failed-replace', 'iommu-seed002-test-dev-recorded',
    ];
    const withTheirVariants = checkedBuiltins.filter((s) => some.includes(s.name.split('@')[0]!)).length;
    assert.ok(withTheirVariants > some.length, 'some of them declare variants');
    await assertSameOnWorkers(some, withTheirVariants);
  });

  test('a scenario file with five scenarios, one a fail_nth sweep, one with a variant', async () => {
    const file = severalScenariosFile();
    await assertSameOnWorkers([file], 6);
  });

  test('a fail_nth sweep of every scenario, one not as expected (exit 1)', async () => {
    await assertSameOnWorkers(['lost-update', 'unchecked-alloc', 'iommu-lifecycle', 'mutex-counter', '--faults', 'nth'], 4);
  });

  test('searches that are cut into parts (random) sharing the workers', async () => {
    await assertSameOnWorkers(['lost-update', 'mutex-counter', 'abba-deadlock', 'iommu-reset-nested', '--strategy', 'random', '--executions', '600'], 4);
  });
});

describe('a checkpoint with two scenarios in flight', () => {
  const args = (executions: number) => [
    'lost-update', 'mutex-counter', '--strategy', 'random', '--executions', String(executions), '--seed', '5', '--json',
  ];
  type Saved = { progress: Array<{ name: string; status: string; ranges?: Array<{ committed: { executions: number } }> }> };
  /** the scenarios in flight with explored executions in the checkpoint */
  const inFlight = (text: string): string[] =>
    (JSON.parse(text) as Saved).progress
      .filter((p) => p.status === 'search' && (p.ranges ?? []).some((r) => r.committed.executions > 0))
      .map((p) => p.name);

  // npm test: SIGINT (its resume reads both the checkpoint caught with both in flight and the one
  // Ctrl-C wrote); test:heavy: SIGKILL as well (parallel-checkpoint kills a one-scenario check so)
  for (const signal of heavyRun ? ['SIGKILL', 'SIGINT'] as const : ['SIGINT'] as const) {
    test(`${signal} once both have progress, then --resume: the uninterrupted result`, async () => {
      for (let executions = 10_000; ; executions *= 4) {
        const file = join(dir, `two-${signal}-${executions}.json`);
        const run = start(['check', ...args(executions), '--workers', '2', '--checkpoint', file, '--checkpoint-every', '0.05'], dir);
        let running = true;
        void run.done.then(() => (running = false));
        let caught: string | null = null;
        while (running && caught === null) {
          const text = existsSync(file) ? readFileSync(file, 'utf8') : null;
          if (text !== null && inFlight(text).length === 2) caught = text;
          else await new Promise((r) => setTimeout(r, 10));
        }
        if (caught === null) {
          // ended before both were caught in flight (a fast machine): a longer run
          assert.ok(executions < 3_000_000, 'no run was long enough to catch two scenarios in flight');
          continue;
        }
        run.child.kill(signal);
        const ran = await run.done;
        if (signal === 'SIGKILL') assert.equal(ran.signal, 'SIGKILL');
        else assert.equal(ran.code, 130, ran.stderr);
        // child processes, as the interrupted run is: a counterexample found before the kill
        // carries the child's stack (bin.ts maps it to the TypeScript lines; this process does not)
        const reference = timeless((await iommulab(['check', ...args(executions), '--workers', '1'], dir)).stdout);
        // the checkpoint caught with both in flight, and the one the run left (a later periodic
        // one, or the one Ctrl-C wrote)
        const bothInFlight = join(dir, `two-${signal}-caught.json`);
        writeFileSync(bothInFlight, caught);
        for (const f of [bothInFlight, file]) {
          const resumed = await iommulab(['check', '--resume', f, '--workers', '2', '--json'], dir);
          assert.equal(resumed.code, 0, resumed.stderr);
          const got = timeless(resumed.stdout) as { scenarios: Array<{ executions: number }> };
          assert.deepEqual(got, reference);
          assert.deepEqual(got.scenarios.map((s) => s.executions), [executions, executions]);
        }
        return;
      }
    });
  }
});

describe('a ModelError beside other scenarios in flight', () => {
  const scenario = (name: string): Scenario => {
    const program = programNamed(name.replace(/#.*/, ''))!;
    return { name, summary: '', description: '', expect: { pass: true }, program };
  };
  /** runs the scenarios; what onDone heard, and the error the run ended with */
  async function run(names: readonly string[], workers: number): Promise<{ done: string[]; error: unknown }> {
    const settings = { workers, sliceMs: 1, warmUpMs: 1, shard: null };
    const checkRun = new CheckRun(names.map(scenario), resolveCheckOptions({}), settings, [], (s) => fixtureSource(s.name.replace(/#.*/, '')));
    const done: string[] = [];
    let error: unknown = null;
    try {
      await checkRun.run((s) => done.push(s.name));
    } catch (e) {
      error = e;
    }
    return { done, error };
  }

  for (const [names, before, failing] of [
    [['counter-3-2-unlocked', 'abba', 'broken', 'lock-order', 'broken#2'], ['counter-3-2-unlocked', 'abba'], 'broken'],
    [['broken', 'counter-3-2-unlocked', 'broken#2'], [], 'broken'],
    [['lock-order', 'broken#2', 'broken'], ['lock-order'], 'broken#2'],
  ] as const) {
    test(`${names.join(', ')}: ${failing} is reported, after ${before.length} scenario(s)`, async () => {
      let message: string | null = null;
      for (const w of [1, 2, 3]) {
        const r = await run(names, w);
        assert.ok(r.error instanceof ModelError, `${w} workers: ${String(r.error)}`);
        assert.match(r.error.message, new RegExp(`^scenario ${failing}: model invariant of the fixture broken \\(in thread broken at step \\d+; schedule `));
        message ??= r.error.message;
        assert.equal(r.error.message, message, `${w} workers: the same error`);
        assert.deepEqual(r.done, before, `${w} workers: the scenarios before it, and only those`);
        // nothing is heard from the stopped searches afterwards
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(r.done, before);
      }
    });
  }
});
