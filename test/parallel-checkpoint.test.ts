// Checkpoints: a run killed with SIGKILL (or stopped with Ctrl-C) and resumed ends with the same
// verdict, execution count and counterexamples as a run that was never interrupted; bad
// checkpoints are refused with a clear error (exit 2).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { Coordinator, wholeRange } from '../src/explorer/parallel/coordinator.js';
import { finishSearch, rangeOutcome } from '../src/explorer/parallel/explore-parallel.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { makePool, type SlicePool } from '../src/explorer/parallel/pool.js';
import { emptyRange } from '../src/explorer/parallel/range.js';
import type { SearchSpec } from '../src/explorer/parallel/slice.js';
import { checkScenario, defaultCheckOptions } from '../src/check/check.js';
import { checkProgress, checkRangeProgress } from '../src/check/progress-json.js';
import { CheckRun, type ScenarioProgress } from '../src/check/run.js';
import { sealRunFile } from '../src/check/run-file.js';
import { strategySpec } from '../src/check/search-spec.js';
import { NthSweep } from '../src/explorer/faults.js';
import { findScenario } from '../src/scenarios/registry.js';
import { noFaults, type Program } from '../src/rt/execution.js';
import { fixtureSource, programNamed } from './fixtures/programs.js';
import { inProcess, iommulab, scratchDir, start, timeless } from './helpers/cli.js';
import { essence } from './helpers/compare.js';
import { heavyRun } from './support/heavy.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const long = (executions: number) => ['lost-update', '--strategy', 'random', '--executions', String(executions), '--seed', '3', '--json'];
/** random runs, four times longer each, until one is long enough to be caught on a fast machine */
const randomRuns = [10_000, 40_000, 160_000, 640_000, 2_560_000].map(long);
/** dpor (the default strategy) on an IOMMU scenario: about a hundred executions, then more with failures as choices */
const dporRuns = [
  ['iommu-reset-vs-detach', '--json'],
  ['iommu-reset-vs-detach', '--faults', 'choice', '--json'],
  ['iommu-reset-vs-detach', '--faults', 'choice', '--max-failures', '2', '--json'],
];

/** The checkpoint, once it shows explored executions; null if the run ended first. */
async function progressed(file: string, running: () => boolean): Promise<string | null> {
  for (;;) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      type Saved = { progress: Array<{ status: string; ranges?: Array<{ committed: { executions: number } }> }> };
      const p = (JSON.parse(text) as Saved).progress[0];
      if (p !== undefined && p.status === 'search' && (p.ranges ?? []).some((r) => r.committed.executions > 0)) return text;
    }
    if (!running()) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Start a run with checkpoints and send it `signal` once a checkpoint shows progress. A run
 * too short to be caught (a fast machine) is given up for the next, longer one.
 */
async function interrupted(name: string, signal: NodeJS.Signals, runs: ReadonlyArray<readonly string[]>) {
  for (const [i, args] of runs.entries()) {
    const file = join(dir, `${name}-${i}.json`);
    const run = start(['check', ...args, '--workers', '2', '--checkpoint', file, '--checkpoint-every', '0.05'], dir);
    let running = true;
    void run.done.then(() => (running = false));
    const text = await progressed(file, () => running);
    if (text === null) continue;
    run.child.kill(signal);
    return { file, args, text, ran: await run.done };
  }
  return assert.fail('no run was long enough to interrupt');
}

describe('checkpoint and resume on the command line', () => {
  const uninterrupted = new Map<string, { code: number | null; json: unknown }>();
  // every run here is a child process, as the interrupted one is: a counterexample found before
  // the interruption carries the child's stack (bin.ts maps it to the TypeScript lines), and
  // source maps cannot be switched on for this process alone without changing other tests
  const cli = (args: readonly string[]) => iommulab(args, dir);
  const reference = async (args: readonly string[]) => {
    const id = args.join(' ');
    if (!uninterrupted.has(id)) {
      const ran = await cli(['check', ...args, '--workers', '1']);
      uninterrupted.set(id, { code: ran.code, json: timeless(ran.stdout) });
    }
    return uninterrupted.get(id)!;
  };
  const executionsOf = (json: unknown) => (json as { scenarios: Array<{ executions: number }> }).scenarios[0]!.executions;

  // npm run test:heavy (npm test kills the dpor search below, and interrupts random ones with SIGINT here and in check-concurrent)
  test('SIGKILL after a checkpoint, then --resume: same result as an uninterrupted run', { skip: heavyRun ? false : 'npm run test:heavy' }, async () => {
    const { file, args, ran } = await interrupted('killed', 'SIGKILL', randomRuns);
    assert.equal(ran.signal, 'SIGKILL');
    const resumed = await cli(['check', '--resume', file, '--workers', '2', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const got = timeless(resumed.stdout);
    assert.deepEqual(got, (await reference(args)).json);
    assert.equal(executionsOf(got), Number(args[args.indexOf('--executions') + 1]));
  });

  test('a dpor check killed mid-search resumes from its frontier to the uninterrupted result', async () => {
    const { file, args, text, ran } = await interrupted('dpor-killed', 'SIGKILL', dporRuns);
    assert.equal(ran.signal, 'SIGKILL');
    // the checkpoint holds the rest of the search: a frontier past the executions committed
    type Range = { committed: { executions: number }; pending: Array<{ key: number[]; state: { path: unknown[] } }> };
    type Saved = { progress: Array<{ ranges: Range[] }> };
    const range = (JSON.parse(text) as Saved).progress[0]!.ranges[0]!;
    assert.ok(range.committed.executions > 0);
    const rest = range.pending[0]!;
    assert.ok(rest.key[0]! >= range.committed.executions && rest.state.path.length > 0, 'a dpor frontier, not the whole search again');
    const resumed = await cli(['check', '--resume', file, '--workers', '2', '--json']);
    const whole = await reference(args);
    assert.equal(resumed.code, whole.code, resumed.stderr);
    assert.deepEqual(timeless(resumed.stdout), whole.json);
    assert.ok(executionsOf(whole.json) >= 90);
  });

  for (const [kind, runs] of [['random', randomRuns], ['dpor', dporRuns]] as const) {
    test(`${kind}: Ctrl-C saves the checkpoint and exits 130; --resume finishes the run`, async () => {
      const { file, args, ran } = await interrupted(`stopped-${kind}`, 'SIGINT', runs);
      assert.equal(ran.code, 130, ran.stderr);
      assert.match(ran.stderr, /--resume/);
      const resumed = await cli(['check', '--resume', file, '--json']);
      assert.deepEqual(timeless(resumed.stdout), (await reference(args)).json);
      // the finished checkpoint resumes to the same report without exploring again
      const again = await cli(['check', '--resume', file, '--json']);
      assert.deepEqual(timeless(again.stdout), (await reference(args)).json);
    });
  }

  test('bad checkpoints and flags are refused (exit 2, naming the file and field)', async () => {
    const good = join(dir, 'good.json');
    assert.equal((await inProcess(['check', 'abba-deadlock', '--strategy', 'dfs', '--checkpoint', good])).code, 0);
    const variant = (name: string, text: string) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    /** an edited checkpoint with its digest made again: only the field checks can refuse it */
    const resealed = (text: string): string => JSON.stringify(sealRunFile(JSON.parse(text) as Record<string, unknown>));
    const empty = { ...emptyRange };
    const misfit = JSON.parse(readFileSync(good, 'utf8')) as { progress: unknown[] };
    const state = (frames: unknown[]) => ({ frames, floor: 0, pruned: false });
    const start = { key: [], state: state([]) };
    const pending = [{ key: [0], state: state([{ options: [5, 6], index: 0 }]) }];
    const range = { index: 0, start, committed: empty, done: [], pending, limitHit: false };
    misfit.progress = [{ name: 'abba-deadlock', status: 'search', elapsedMs: 0, planSize: 1, ranges: [range] }];
    // a dpor checkpoint mid-search, with its frontier corrupted or not this scenario's
    const goodDpor = join(dir, 'good-dpor.json');
    assert.equal((await inProcess(['check', 'abba-deadlock', '--checkpoint', goodDpor])).code, 0);
    const dpor = new DporStrategy();
    explore(findScenario('abba-deadlock')!.program as Program<unknown>, dpor, { maxExecutions: 1, recordOps: true });
    const frontier = dpor.save()!;
    const dporFile = (name: string, edit: (state: Record<string, unknown>) => void) => {
      const state = JSON.parse(JSON.stringify(frontier)) as Record<string, unknown>;
      edit(state);
      const f = JSON.parse(readFileSync(goodDpor, 'utf8')) as { progress: unknown[] };
      const part = { key: [frontier.explored], state };
      const r = { index: 0, start: { key: [0], state: familyFor({ kind: 'dpor' }).root() }, committed: empty, done: [], pending: [part], limitHit: false };
      f.progress = [{ name: 'abba-deadlock', status: 'search', elapsedMs: 0, planSize: 1, ranges: [r] }];
      return variant(name, JSON.stringify(sealRunFile(f as unknown as Record<string, unknown>)));
    };
    const at = 'progress\\[0\\]\\.ranges\\[0\\]\\.pending\\[0\\]\\.state';
    const cases: Array<[string[], RegExp]> = [
      [['--resume', dporFile('dpor-op.json', (st) => ((st.events as Array<{ op: number }>)[0]!.op = 99))], new RegExp(`dpor-op\\.json: ${at}\\.events\\[0\\]\\.op: op 99 is past`)],
      [['--resume', dporFile('dpor-kind.json', (st) => ((st.ops as Array<{ kind: unknown }>)[0]!.kind = 'lock'))], new RegExp(`${at}\\.ops\\[0\\]\\.kind: expected an integer`)],
      [['--resume', dporFile('dpor-tree.json', (st) => ((st.path as Array<{ pending: unknown }>)[0]!.pending = [[0, 3]]))], new RegExp(`${at}\\.path\\[0\\]\\.pending\\[0\\]\\[1\\]: parent 3 does not come before`)],
      [['--resume', dporFile('dpor-key.json', (st) => (st.explored = 5))], new RegExp(`${at.replace(/\\.state$/, '')}\\.key: does not match its state`)],
      [['--resume', dporFile('dpor-misfit.json', (st) => ((st.events as Array<{ thread: number }>).forEach((e) => (e.thread += 5))))], /dpor-misfit\.json: the saved search does not fit .*thread [5-9] is not runnable/],

      [['--resume', variant('misfit.json', JSON.stringify(sealRunFile(misfit as unknown as Record<string, unknown>)))], /misfit\.json: the saved search does not fit .*thread 5 is not runnable/],
      [['--resume', join(dir, 'none.json')], /cannot read .*none\.json: no such file/],
      [['--resume', variant('trunc.json', readFileSync(good, 'utf8').slice(0, 100))], /trunc\.json: not valid JSON/],
      [['--resume', variant('shard.json', readFileSync(good, 'utf8').replace('iommulab-checkpoint', 'iommulab-shard'))], /shard\.json: format/],
      [['--resume', variant('opt.json', resealed(readFileSync(good, 'utf8').replace('"strategy":"dfs"', '"strategy":"bfs"')))], /opt\.json: options\.strategy/],
      [['--resume', variant('ver.json', readFileSync(good, 'utf8').replace('"version":3', '"version":7'))], /ver\.json: version/],
      [['--resume', good, 'lost-update'], /--resume takes the scenarios and options from the checkpoint/],
      [['--resume', good, '--seed', '4'], /do not give --seed/],
      [['abba-deadlock', '--checkpoint', good], /good\.json exists: continue it with --resume/],
      [['--checkpoint-every', '0'], /--checkpoint-every must be a number of seconds between 0\.01 and 1,000,000/],
    ];
    for (const [args, message] of cases) {
      const ran = args.includes('--checkpoint-every') ? await iommulab(['check', ...args], dir) : await inProcess(['check', ...args]);
      assert.equal(ran.code, 2, `${args.join(' ')}: ${ran.stdout}`);
      assert.match(ran.stderr, message);
      assert.doesNotMatch(ran.stderr, /\n\s+at /);
    }
  });
});

describe('a dfs frontier saved mid-run resumes exactly', () => {
  const spec: SearchSpec = { strategy: { kind: 'dfs', preemptionBound: null }, faults: noFaults, warnFails: true, maxSteps: 1e5, recordOps: false };
  const family = familyFor(spec.strategy);
  const pool = makePool(2);
  after(() => pool.close());

  test('stopped after some slices, saved as JSON, read back and resumed (twice)', async () => {
    const seq = explore(programNamed('lock-order')!, new DfsStrategy());
    let ranges = [wholeRange(family)];
    for (const stopAfter of [6, 20, Infinity]) {
      let slices = 0;
      const counting: SlicePool = { size: pool.size, close: () => pool.close(), run: (t) => pool.run(t) };
      const limits = { maxExecutions: 2e6, deadline: Infinity, sliceMs: 1 };
      const c: Coordinator = new Coordinator(fixtureSource('lock-order'), spec, ranges, limits);
      counting.run = (t) => pool.run(t).finally(() => void (++slices === stopAfter && c.stop()));
      const end = await c.run(counting);
      // through JSON and the checkpoint reader, as a resumed run gets it
      const saved = JSON.parse(JSON.stringify(c.snapshot())) as unknown[];
      ranges = saved.map((r, i) => checkRangeProgress(r, `ranges[${i}]`, family));
      if (end === 'finished') break;
      assert.equal(end, 'stopped');
    }
    const r = await finishSearch(fixtureSource('lock-order'), spec, ranges.map(rangeOutcome), 2e6, 0);
    assert.deepEqual(essence(r), essence(seq));
  });
});

describe('a fail_nth sweep saved between points resumes exactly', () => {
  test('resumed after its first point, it ends as an uninterrupted check', async () => {
    const s = findScenario('unchecked-alloc')!;
    const opts = { ...defaultCheckOptions, faults: 'nth' as const };
    const whole = checkScenario(s, opts);
    const sweep = new NthSweep();
    sweep.add(explore(s.program, new DfsStrategy(), { faults: { mode: 'nth', nth: 1 } }));
    assert.equal(sweep.done, false);
    const saved = JSON.parse(JSON.stringify({ name: s.name, status: 'sweep', elapsedMs: 1, sweep: sweep.state, ranges: null })) as unknown;
    const progress = checkProgress(saved, 'progress[0]', [s.name], familyFor(strategySpec(opts)));
    const run = new CheckRun([s], opts, { workers: 2, sliceMs: 1, warmUpMs: 1, shard: null }, [progress]);
    let got: ScenarioProgress | null = null;
    assert.equal(await run.run((_, p) => (got = p)), true);
    assert.equal(got!.status, 'concluded');
    const outcome = (got as unknown as { outcome: unknown }).outcome;
    assert.deepEqual(timeless(JSON.stringify(outcome)), timeless(JSON.stringify(whole)));
  });
});
