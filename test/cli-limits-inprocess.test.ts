// main() leaves nothing behind (issue 12, limits): a check of a large file, run twice in one
// process, returns both times at its limit. Unfixed, the second call never returned: its search,
// JIT-warm, got further into the file's long first execution before the deadline, and that
// execution's race analysis (quadratic in its length) did not look at the deadline.
// And the pieces: the deadline reaches the analysis, a strategy cut there refuses to go on, an
// in-process slice still queued when a run stops is dropped.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Deadline, DeadlineCut } from '../src/explorer/deadline.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { BoundedDporStrategy } from '../src/explorer/dpor-bounded.js';
import { explore } from '../src/explorer/engine.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { InProcessPool } from '../src/explorer/parallel/pool.js';
import { scenarioSource } from '../src/check/search-spec.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { Execution, noFaults, type Program } from '../src/rt/execution.js';
import { LockdepGraph } from '../src/rt/lockdep.js';
import { counterProgram } from '../src/scenarios/examples/counter.js';
import { inProcess, scratchDir } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** a scenario file of `n` PCI functions */
function manyDevices(name: string, n: number): string {
  const pci = Array.from({ length: n }, (_, i) => `    - { name: ep${i}, bus: ${i >> 8}, slot: ${(i >> 3) & 31}, fn: ${i & 7}, multifunction: true }`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, 'summary: s', 'description: d', 'topology:', '  iommus: [{ name: smmu0 }]', '  pci:', ...pci,
    'threads:', '  - { name: a, ops: [{ op: resvRegions, dev: ep0 }] }', '  - { name: b, ops: [{ op: resvRegions, dev: ep1 }] }', 'expect: pass'].join('\n'));
  return file;
}

describe('main() twice in one process on a large file', () => {
  // no timed assertion: each call must return (exit 3, incomplete); the test's own timeout is the
  // bound (unfixed, the second call ran for minutes)
  test('2,000 functions, --time-limit 1, twice: both return, incomplete', { timeout: 180_000 }, async () => {
    const file = manyDevices('twice', 2000);
    for (const call of [1, 2]) {
      // --max-steps at its bound: only the deadline cuts the execution (the default 100,000 steps
      // can end it first on a fast machine, as CI's did in test/cli-limits.test.ts)
      const r = await inProcess(['check', file, '--time-limit', '1', '--max-steps', '1000000', '--json', '--workers', '1']);
      assert.equal(r.code, 3, `call ${call}: ${r.stderr}`);
      assert.equal((JSON.parse(r.stdout) as { scenarios: Array<{ outcome: string }> }).scenarios[0]!.outcome, 'incomplete', `call ${call}`);
    }
  });

  test('1,500 functions under --preemption-bound, twice', { timeout: 180_000 }, async () => {
    const file = manyDevices('twice-pb', 1500);
    for (const call of [1, 2]) {
      const r = await inProcess(['check', file, '--preemption-bound', '3', '--time-limit', '1', '--json', '--workers', '1']);
      assert.equal(r.code, 3, `call ${call}: ${r.stderr}`);
    }
  });
});

/** One finished execution of `program` chosen by `strategy`. */
function runOne(program: Program<unknown>, strategy: Strategy): Execution {
  const chooser = strategy.next()!;
  const opts = { faults: noFaults, lockdep: new LockdepGraph(), warnFails: true, trace: false, recordOps: true, maxSteps: 1e5 };
  return new Execution(program, chooser, opts).run();
}

describe('the deadline reaches the analysis of an execution', () => {
  const passed = (): Deadline => new Deadline(performance.now() - 1, 1);

  test('Deadline.tick throws only past the deadline, reading the clock every `every` units', () => {
    const d = new Deadline(performance.now() + 60_000, 10);
    for (let i = 0; i < 1000; i++) d.tick();
    const late = new Deadline(performance.now() - 1, 10);
    for (let i = 0; i < 9; i++) late.tick();
    assert.throws(() => late.tick(), DeadlineCut);
  });

  for (const [name, make] of [['dpor', () => new DporStrategy()], ['dpor, preemption-bounded', () => new BoundedDporStrategy(2)]] as const) {
    test(`${name}: an analysis cut at the deadline ends the search, not exhaustive, not resumable`, () => {
      const program = counterProgram(2, 2, true) as Program<unknown>;
      const s: Strategy = make();
      const exec = runOne(program, s);
      assert.throws(() => s.finished(exec, passed()), DeadlineCut);
      assert.equal(s.next(), null, 'no execution after a cut analysis');
      assert.equal(s.exhaustive, false);
      if (s.save !== undefined) assert.throws(() => s.save!(), /cut at its deadline/);
      // the same execution with time to spare: analysed, the search goes on
      const fresh = make();
      fresh.finished(runOne(program, fresh), new Deadline(performance.now() + 60_000));
      assert.notEqual(fresh.next(), null);
    });
  }

  test('explore(): an analysis cut at the deadline counts its execution and ends the search (limit hit)', () => {
    const inner = new DporStrategy();
    let n = 0;
    // the third analysis runs past the deadline
    const strategy: Strategy = {
      name: inner.name,
      recordsOps: true,
      get exhaustive() {
        return inner.exhaustive;
      },
      next: () => inner.next(),
      finished: (exec, deadline) => inner.finished(exec, ++n === 3 ? passed() : deadline),
    };
    const r = explore(counterProgram(2, 2, true) as Program<unknown>, strategy);
    assert.equal(r.executions, 3);
    assert.equal(r.limitHit, true);
    assert.equal(r.exhaustive, false);
    const whole = explore(counterProgram(2, 2, true) as Program<unknown>, new DporStrategy());
    assert.equal(whole.exhaustive, true);
    assert.ok(whole.executions > 3);
  });
});

describe('an in-process slice pool leaves nothing queued', () => {
  test('close() drops a slice that has not started: it never runs', async () => {
    const pool = new InProcessPool();
    const family = familyFor({ kind: 'dpor' });
    const search = { strategy: { kind: 'dpor' as const }, faults: noFaults, warnFails: true, maxSteps: 100_000, recordOps: true };
    const queued = pool.run({ source: scenarioSource('lost-update'), search, state: family.root(), budget: { maxExecutions: 1_000_000, timeMs: 60_000 } });
    await pool.close();
    await assert.rejects(queued, /closed/);
    await assert.rejects(pool.run({ source: scenarioSource('lost-update'), search, state: family.root(), budget: { maxExecutions: 1, timeMs: 1 } }), /closed/);
  });
});
