// Limits hold for every strategy and phase (issue 12, "Hangs, crashes and lost files"): the
// preemption-bounded search, a fail_nth sweep, minimization, a long single execution, replay;
// numbers have bounds with a clear error; a search cut short is "incomplete" (exit 3), not a
// bug (1). The time assertions are generous bounds on runs that, unfixed, take many times as long.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkScenario, defaultCheckOptions } from '../src/check/check.js';
import { documentedExitCodes } from '../src/check/exit-codes.js';
import { type Bound, type BoundName, bounds } from '../src/check/limits.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { sweepNth } from '../src/explorer/faults.js';
import { minimize } from '../src/explorer/minimize.js';
import type { Program } from '../src/rt/execution.js';
import { violationSignature } from '../src/rt/violation.js';
import { findScenario } from '../src/scenarios/registry.js';
import { type Gen, KObject, kfree, kzalloc } from '../src/sync/index.js';
import { inProcess, iommulab, scratchDir, start } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const stack = /\n\s+at .+[:(]\d+/;

/** a scenario file of `n` PCI functions (setup and every step cost grow with them) */
function manyDevices(name: string, n: number): string {
  const pci = Array.from({ length: n }, (_, i) => `    - { name: ep${i}, bus: ${i >> 8}, slot: ${(i >> 3) & 31}, fn: ${i & 7}, multifunction: true }`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, 'summary: s', 'description: d', 'topology:', '  iommus: [{ name: smmu0 }]', '  pci:', ...pci,
    'threads:', '  - { name: a, ops: [{ op: resvRegions, dev: ep0 }] }', '  - { name: b, ops: [{ op: resvRegions, dev: ep1 }] }', 'expect: pass'].join('\n'));
  return file;
}

/** one thread binding and unbinding a driver `n` times: long, finite, every step a change */
function longProgram(name: string, n: number): string {
  const ops = Array.from({ length: n }, () => '      - { op: bind, dev: ep0 }\n      - { op: unbind, dev: ep0 }').join('\n');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nsummary: s\ndescription: d\ntopology:\n  iommus: [{ name: smmu0 }]\n  pci: [{ name: ep0, bus: 0, slot: 1 }]\nthreads:\n  - name: t0\n    ops:\n${ops}\nexpect: pass\n`);
  return file;
}

interface JsonDoc {
  scenarios: Array<{
    outcome: string;
    executions: number;
    exhaustive: boolean;
    truncated?: number;
    violations: Array<{ kind: string }>;
  }>;
}

describe('a preemption bound does not lift the limits', () => {
  test('--preemption-bound with --max-executions stops there (incomplete, exit 3)', async () => {
    const r = await inProcess(['check', 'iommu-group-attach-detach', '--preemption-bound', '2', '--max-executions', '5', '--json', '--workers', '1']);
    assert.equal(r.code, 3, r.stderr);
    const o = (JSON.parse(r.stdout) as JsonDoc).scenarios[0]!;
    assert.equal(o.executions, 5);
    assert.equal(o.outcome, 'incomplete');
  });

  test('--preemption-bound with --max-executions on workers and with a checkpoint', async () => {
    for (const extra of [['--workers', '2'], ['--checkpoint', join(dir, 'pb.json')]]) {
      const r = await inProcess(['check', 'iommu-reset-vs-attach', '--preemption-bound', '2', '--max-executions', '7', '--json', ...extra]);
      assert.equal(r.code, 3, r.stderr);
      assert.equal((JSON.parse(r.stdout) as JsonDoc).scenarios[0]!.executions, 7, extra.join(' '));
    }
  });

  // unfixed, the race analysis of an execution of this 1,500-function file (tens of thousands of
  // steps, quadratic) did not look at the deadline: 4 s when the deadline cut the first execution
  // in its prologue, minutes when the execution ended before it (a faster machine, a warm JIT)
  test('--preemption-bound with --time-limit stops in time', async () => {
    // 1,500 functions: each execution of this search takes seconds, the whole search minutes
    const file = manyDevices('pb-slow', 1500);
    const t0 = performance.now();
    // in a child process, as a user runs it (test/cli-limits-inprocess.test.ts runs main() itself)
    const r = await iommulab(['check', file, '--preemption-bound', '3', '--time-limit', '1', '--json', '--workers', '1'], dir);
    assert.ok(performance.now() - t0 < 30_000, `took ${Math.round(performance.now() - t0)} ms`);
    assert.equal(r.code, 3, r.stderr);
    assert.equal((JSON.parse(r.stdout) as JsonDoc).scenarios[0]!.outcome, 'incomplete');
  });
});

describe('large inputs stop at --time-limit', () => {
  test('a machine of 2,000 functions: one execution is cut at the deadline', async () => {
    const file = manyDevices('wide', 2000);
    const t0 = performance.now();
    // in a child process, as a user runs it; --max-steps at its bound, so that only the deadline
    // can cut the execution (CI's machine ran the default 100,000 steps in under a second)
    const r = await iommulab(['check', file, '--time-limit', '1', '--max-steps', '1000000', '--json', '--workers', '1'], dir);
    // unfixed, its first execution alone ran about a minute
    assert.ok(performance.now() - t0 < 30_000, `took ${Math.round(performance.now() - t0)} ms`);
    assert.equal(r.code, 3, r.stderr);
    assert.equal((JSON.parse(r.stdout) as JsonDoc).scenarios[0]!.outcome, 'incomplete');
    assert.match(r.stderr, /stopped at --time-limit 1 s/);
  });

  test('a fail_nth sweep has one time limit, not one per point', () => {
    // 300 allocation points, each a search of one slow execution
    class Obj extends KObject {}
    const program: Program<null> = {
      setup: () => {
        const t = performance.now();
        while (performance.now() - t < 3);
        return null;
      },
      threads: () => [{
        name: 'alloc',
        body: function* (): Gen<number> {
          for (let i = 0; i < 300; i++) yield* kfree(yield* kzalloc(() => new Obj()));
          return 0;
        },
      }],
    };
    const r = sweepNth(program, () => new DfsStrategy(), { timeLimitMs: 100 });
    // unfixed, each point had its own 100 ms and the sweep ran all 300 (about 1 s)
    assert.equal(r.limitHit, true);
    assert.ok(r.points < 300, `${r.points} points`);
  });

  test('minimization stops at the deadline and keeps the key found', () => {
    const s = findScenario('reader-free-uaf')!;
    const cx = explore(s.program, new DfsStrategy()).found.find((c) => c.kind === 'use-after-free')!;
    const shrink = (deadline: number) => minimize(s.program, violationSignature(cx.violation), cx.choices, { mode: 'none' }, true, 400, { deadline });
    assert.ok(shrink(Infinity).attempts > 1, 'with time, it tries more than the schedule as found');
    const m = shrink(performance.now() - 1);
    assert.equal(m.attempts, 1, 'only the schedule as found is run');
    assert.equal(m.steps, cx.steps, 'nothing shrunk');
    assert.equal(m.violation?.kind, 'use-after-free', 'the key as found still shows its violation (a short execution ends before its first limit check)');
    assert.equal(m.cut, false);
    // a run cut by a limit before the violation says nothing of the key: not "does not reproduce"
    const cut = minimize(s.program, violationSignature(cx.violation), cx.choices, { mode: 'none' }, true, 400, { maxSteps: 1 });
    assert.equal(cut.violation, null);
    assert.equal(cut.cut, true);
  });

  test('a long finite program reaching --max-steps is an incomplete search, not a livelock', async () => {
    const file = longProgram('long', 2000);
    const r = await inProcess(['check', file, '--max-steps', '3000', '--json', '--workers', '1']);
    assert.equal(r.code, 3, r.stderr);
    const o = (JSON.parse(r.stdout) as JsonDoc).scenarios[0]!;
    assert.equal(o.outcome, 'incomplete');
    assert.equal(o.truncated, 1);
    assert.deepEqual(o.violations, []);
    assert.match(r.stderr, /1 execution reached --max-steps 3,000 before ending \(not a kernel report/);
    // with room enough it passes
    const whole = await inProcess(['check', file, '--max-steps', '100000', '--workers', '1', '--strategy', 'dfs']);
    assert.equal(whole.code, 0, whole.stdout);
  });

  test('a program of 20,000 operations under the default dpor stops at --time-limit (unfixed: 54 s of race analysis)', async () => {
    const file = longProgram('long-dpor', 10_000);
    const cpu = process.cpuUsage();
    const r = await inProcess(['check', file, '--time-limit', '2', '--json', '--workers', '1']);
    const used = process.cpuUsage(cpu);
    assert.equal(r.code, 3, r.stderr);
    // CPU time, not wall time: the machine may be shared; unfixed it was about a minute
    assert.ok((used.user + used.system) / 1000 < 20_000, `${Math.round((used.user + used.system) / 1000)} ms of CPU`);
  });

  test('replay honours --max-steps (exit 3, not a violation)', async () => {
    const file = longProgram('long-replay', 2000);
    const r = await inProcess(['replay', file, '-', '--max-steps', '500']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cut at --max-steps 500 before it ended/);
    assert.match(r.stdout, /no violation in this execution/);
  });

  test('checkScenario passes --max-steps to every execution', () => {
    const s = findScenario('iommu-lifecycle')!;
    const o = checkScenario(s, { ...defaultCheckOptions, maxSteps: 10 });
    assert.equal(o.outcome, 'incomplete');
    assert.equal(o.truncated, 1);
  });
});

describe('numbers have bounds, with a clear error and no crash', () => {
  const cases: Array<[string[], RegExp]> = [
    [['check', '--shard', '1/1000000000', '--out', 'x.json'], /--shard i\/n: n must be at most 1,000/],
    [['check', '--strategy', 'pct', '--depth', '1000000000'], /--depth must be an integer between 1 and 1,000/],
    [['check', '--time-limit', '99999999999'], /--time-limit must be an integer between 1 and 1,000,000/],
    [['check', '--checkpoint-every', '9999999999'], /--checkpoint-every must be a number of seconds between 0\.01 and 1,000,000/],
    [['check', '--workers', '100000'], /--workers must be an integer between 1 and 256/],
    [['check', '--max-steps', '0'], /--max-steps must be an integer between 1 and 1,000,000/],
    [['check', '--seed', ''], /--seed must be an integer between 0 and 4,294,967,295/],
    [['check', '--seed', '0x10'], /--seed must be an integer/],
    [['check', '--executions', '1e3'], /--executions must be an integer/],
    [['check', '--preemption-bound', '5000'], /--preemption-bound must be an integer between 0 and 1,000/],
    [['check', '--max-failures', '100000'], /--max-failures must be an integer between 1 and 1,000/],
    [['replay', 'abba-deadlock', '-', '--max-steps', '2000000'], /--max-steps must be an integer between 1 and 1,000,000/],
  ];
  for (const [args, message] of cases) {
    test(args.join(' '), async () => {
      const r = await inProcess(args);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, stack);
    });
  }

  test('the largest values are accepted and print no Node warning (TimeoutOverflowWarning)', async () => {
    const ran = start(['check', 'abba-deadlock', '--time-limit', '1000000', '--checkpoint', join(dir, 'big.json'), '--checkpoint-every', '1000000'], dir);
    const r = await ran.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});

describe('README documents the bounds and exit codes the code has', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const options: Record<BoundName, string> = {
    seed: '`--seed`',
    executions: '`--executions`',
    maxExecutions: '`--max-executions`',
    preemptionBound: '`--preemption-bound`',
    pctDepth: '`--depth`',
    maxFailures: '`--max-failures`',
    timeLimit: '`--time-limit`',
    maxSteps: '`--max-steps`',
    workers: '`--workers`',
    shards: '`--shard i/n`',
    checkpointEvery: '`--checkpoint-every`',
  };
  test('every bound, in the table of "Limits, bounds and files"', () => {
    for (const [name, b] of Object.entries(bounds) as Array<[BoundName, Bound]>) {
      // a row that starts with the option (or lists it after --executions)
      const row = readme.split('\n').find((l) => l.startsWith(`| ${options[name]}`) || l.startsWith(`| \`--executions\`, ${options[name]}`));
      assert.ok(row !== undefined, `no row for ${options[name]}`);
      const n = (x: number) => x.toLocaleString('en-US');
      assert.ok(row.includes(`${n(b.min)} to ${n(b.max)}`), `${options[name]}: ${row} does not say ${n(b.min)} to ${n(b.max)}`);
    }
  });
  test('every exit code, in the table of "Quick start"', () => {
    const rows = readme.split('\n').filter((l) => /^\| \d+ \| /.test(l)).map((l) => Number(/^\| (\d+)/.exec(l)![1]));
    assert.deepEqual(rows, [...documentedExitCodes].sort((a, b) => a - b));
  });
});
