// Scenario files through every path `check` has: text and JSON reports, FILE.yaml:NAME, list,
// replay, fault sweeps and strategies, worker threads (which find the program by file path and
// content hash), shards and merge, checkpoints and resume (refused when the file changed).
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultCheckOptions } from '../src/check/check.js';
import { runFileJson } from '../src/check/run-file.js';
import { CheckRun } from '../src/check/run.js';
import { scenarioSource } from '../src/check/search-spec.js';
import { scenarioFileError } from '../src/cli/file-errors.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { exploreParallel } from '../src/explorer/parallel/explore-parallel.js';
import { makePool } from '../src/explorer/parallel/pool.js';
import { loadProgram } from '../src/explorer/parallel/program-source.js';
import { noFaults } from '../src/rt/execution.js';
import { ScenarioFileError } from '../src/scenarios/file/file-error.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { programRef } from '../src/scenarios/program-ref.js';
import { essence } from './helpers/compare.js';
import { inProcess, scratchDir, timeless } from './helpers/cli.js';

const examples = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));
const lifecycle = join(examples, 'lifecycle.yaml');
const resetAttach = join(examples, 'reset-vs-attach.yaml');
const groupAttach = join(examples, 'group-attach-detach.yaml');
const removePhases = join(examples, 'remove-between-phases.yaml');

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

interface Doc {
  ok: boolean;
  scenarios: Array<{ scenario: string; file?: string; violations: Array<{ schedule: string; replay: string }> }>;
}

/** a check's JSON with the file fields dropped (and the file in replay commands) and the port's name back: what a built-in's check gives */
function asBuiltin(json: string): unknown {
  const d = timeless(json) as Doc;
  for (const o of d.scenarios) {
    // the ports are named like their built-ins without "iommu-", so both can be checked together
    if (o.file !== undefined) {
      for (const v of o.violations) v.replay = v.replay.replace(`${o.file}:`, 'iommu-');
      o.scenario = `iommu-${o.scenario}`;
    }
    delete o.file;
  }
  return d;
}

describe('iommulab with scenario files', () => {
  test('check FILE --json: every scenario of the file, as the built-ins they port, each naming its file', async () => {
    const file = await inProcess(['check', lifecycle, '--json', '--workers', '1']);
    const builtin = await inProcess(['check', 'iommu-lifecycle', 'iommu-lifecycle-fail-nth', '--json', '--workers', '1']);
    assert.equal(file.code, 0, file.stderr);
    const doc = JSON.parse(file.stdout) as Doc;
    assert.deepEqual(doc.scenarios.map((o) => o.file), [lifecycle, lifecycle].map((f) => f.replace(`${process.cwd()}/`, '')));
    assert.deepEqual(asBuiltin(file.stdout), asBuiltin(builtin.stdout));
  });

  test('check FILE.yaml:NAME runs that one; list FILE names them with their summaries', async () => {
    const one = await inProcess(['check', `${lifecycle}:lifecycle`]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^ok {3}lifecycle {2}pass .*exhaustive 1 exec/);
    assert.match(one.stdout, /^1 of 1 scenarios as expected/m);
    const list = await inProcess(['list', lifecycle, removePhases]);
    assert.equal(list.code, 0);
    assert.deepEqual(list.stdout.trimEnd().split('\n').map((l) => l.split(/ {2,}/)[0]), [
      'lifecycle',
      'lifecycle-fail-nth',
      'remove-between-phases',
    ]);
    assert.match(list.stdout, /lifecycle {2,}one device from hot-add to removal/);
  });

  test('replay FILE[:NAME] SCHEDULE prints the trace the built-in gives, keyed by the file', async () => {
    const checked = JSON.parse((await inProcess(['check', removePhases, '--json'])).stdout) as Doc;
    const schedule = checked.scenarios[0]!.violations[0]!.schedule;
    const builtin = await inProcess(['replay', 'iommu-remove-between-phases', schedule]);
    for (const target of [removePhases, `${removePhases}:remove-between-phases`]) {
      const r = await inProcess(['replay', target, schedule]);
      assert.equal(r.code, 1, r.stderr);
      const [key, ...rest] = r.stdout.split('\n');
      assert.equal(key, `replay: iommulab replay ${removePhases.replace(`${process.cwd()}/`, '')}:remove-between-phases ${schedule}`);
      assert.deepEqual(rest, builtin.stdout.split('\n').slice(1));
      assert.match(r.stdout, /\[use-after-free\]/);
    }
    const many = await inProcess(['replay', lifecycle, '-']);
    assert.equal(many.code, 2);
    const hint = /holds 2 scenarios: name one as .*lifecycle\.yaml:NAME \(lifecycle, lifecycle-fail-nth\)/;
    assert.match(many.stderr, hint);
  });

  test('--faults nth and --strategy random work on file scenarios as on built-ins', async () => {
    // the lifecycle against its fault-free expectation: findings, and a FAIL line whose replay key names the file
    const nth = await inProcess(['check', `${lifecycle}:lifecycle`, '--faults', 'nth']);
    assert.equal(nth.code, 1);
    assert.match(nth.stdout, /^FAIL lifecycle +violation: warn, dma-isolation +\(expected pass; exhaustive/m);
    assert.match(nth.stdout, new RegExp(`replay: iommulab replay \\S*lifecycle\\.yaml:lifecycle n\\d+/`));
    const args = ['--strategy', 'random', '--executions', '20', '--seed', '5', '--json', '--workers', '1'];
    const random = await inProcess(['check', groupAttach, ...args]);
    const randomBuiltin = await inProcess(['check', 'iommu-group-attach-detach', ...args]);
    assert.equal(random.code, 0, random.stderr);
    assert.deepEqual(asBuiltin(random.stdout), asBuiltin(randomBuiltin.stdout));
    assert.equal((JSON.parse(random.stdout) as { scenarios: Array<{ executions: number }> }).scenarios[0]!.executions, 20);
  });

  test('files and built-ins together (the README example): the example ports run beside their built-ins', async () => {
    const r = await inProcess(['check', resetAttach, 'iommu-reset-vs-attach', '--workers', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok {3}reset-vs-attach +pass/m);
    assert.match(r.stdout, /^ok {3}iommu-reset-vs-attach +pass/m);
  });

  test('a file scenario is not run twice, nor beside the built-in of its name: a clear error says which and what to do', async () => {
    const clash = join(dir, 'clash.yaml');
    writeFileSync(clash, readFileSync(resetAttach, 'utf8').replace(/^name: reset-vs-attach$/m, 'name: iommu-reset-vs-attach'));
    const r = await inProcess(['check', clash, 'iommu-reset-vs-attach']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /scenario "iommu-reset-vs-attach" is named twice \(.*clash\.yaml and the built-in one\)/);
    assert.match(r.stderr, /rename it in .*clash\.yaml/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const twice = await inProcess(['check', resetAttach, resetAttach]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /scenario "reset-vs-attach" is named twice/);
  });
});

describe('worker threads find a file scenario by path and content hash', () => {
  const pool = makePool(2);
  after(() => pool.close());
  const search = { strategy: { kind: 'dfs' as const, preemptionBound: null }, faults: noFaults, warnFails: true, maxSteps: 100_000, recordOps: false };
  const limits = { maxExecutions: 2e6, timeLimitMs: 600_000, sliceMs: 1 };

  test('the search on 2 workers is the sequential search', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, [
      'name: small',
      'summary: a sysfs type change racing a DMA of another device',
      'description: Two functions behind one IOMMU; one has its group type written while the other issues a DMA.',
      'topology:',
      '  iommus: [{ name: smmu0 }]',
      '  pci: [{ name: ep0, bus: 0, slot: 1 }, { name: ep1, bus: 0, slot: 2 }]',
      'threads:',
      '  - { name: sysfs, ops: [{ op: setType, dev: ep0, type: identity }] }',
      '  - { name: device, ops: [{ op: dma, dev: ep1, iova: 0x1000 }] }',
      'expect: pass',
    ].join('\n'));
    const [s] = loadScenarioFile(file).scenarios;
    const seq = explore(s!.program, new DfsStrategy(), { timeLimitMs: 600_000 });
    const par = await exploreParallel(scenarioSource(programRef(s!)), search, pool, limits);
    assert.ok(seq.executions > 20, `${seq.executions} executions: enough to be cut among workers`);
    assert.deepEqual(essence(par), essence(seq));
  });

  test('a worker refuses a file changed after it was read; the command shows why, without a stack', async () => {
    const file = join(dir, 'changing.yaml');
    copyFileSync(groupAttach, file);
    const [s] = loadScenarioFile(file).scenarios;
    const source = scenarioSource(programRef(s!));
    // as in a check: this thread has the program (its first slice ran here) before workers start,
    // so only the workers read the file again
    await loadProgram(source);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
    const failed = await exploreParallel(source, search, pool, limits).then(() => null, (e: unknown) => e);
    assert.ok(failed instanceof Error && !(failed instanceof ScenarioFileError), 'the error comes from a worker thread');
    assert.match(scenarioFileError(failed)!, new RegExp(`^${file}: has changed since it was read \\(sha256 [0-9a-f]{12}\\.\\.\\. then, [0-9a-f]{12}\\.\\.\\. now\\)$`));
  });
});

describe('shards, merge and checkpoints of file scenarios', () => {
  test('two shards merged give the check of the whole file; merge refuses a file changed since', async () => {
    const file = join(dir, 'sharded.yaml');
    copyFileSync(groupAttach, file);
    const shard = (i: number) => inProcess(['check', file, `${lifecycle}:lifecycle-fail-nth`, '--shard', `${i}/2`, '--out', join(dir, `s${i}.json`), '--workers', '1']);
    assert.equal((await shard(1)).code, 0);
    assert.equal((await shard(2)).code, 0);
    const merged = await inProcess(['merge', join(dir, 's1.json'), join(dir, 's2.json'), '--json']);
    const whole = await inProcess(['check', file, `${lifecycle}:lifecycle-fail-nth`, '--json', '--workers', '1']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(timeless(merged.stdout), timeless(whole.stdout));
    writeFileSync(file, readFileSync(file, 'utf8').replace('expect: pass', 'expect: { violations: [warn] }'));
    const refused = await inProcess(['merge', join(dir, 's1.json'), join(dir, 's2.json')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`s1\\.json: scenario "group-attach-detach" comes from ${file}, which has changed since .*s1\\.json was written`));
  });

  test('a checkpoint saved mid-search resumes to the uninterrupted result, and is refused once the file changed', async () => {
    const file = join(dir, 'checkpointed.yaml');
    copyFileSync(resetAttach, file);
    const f = loadScenarioFile(file);
    // the default strategy (dpor), stopped as soon as a slice is committed
    const opts = { ...defaultCheckOptions, timeLimitMs: 600_000 };
    const run = new CheckRun(f.scenarios, opts, { workers: 1, sliceMs: 1, warmUpMs: 1, shard: null, savesMidSearch: true });
    const poll = setInterval(() => {
      const p = run.snapshot()[0];
      if (p?.status === 'search' && p.ranges.some((r) => r.committed.executions > 0)) run.interrupt();
    }, 1);
    const ended = await run.run(() => {});
    clearInterval(poll);
    assert.equal(ended, false, 'the search is interrupted mid-way');
    const progress = run.snapshot();
    assert.equal(progress[0]!.status, 'search');
    const checkpoint = join(dir, 'mid.json');
    const origins = { [f.scenarios[0]!.name]: f.scenarios[0]!.origin! };
    writeFileSync(checkpoint, runFileJson({ format: 'iommulab-checkpoint', scenarios: [f.scenarios[0]!.name], origins, options: opts, shard: null, progress }));
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { version: number; origins: Record<string, { file: string; sha256: string }> };
    assert.deepEqual(saved.origins, { 'reset-vs-attach': { file, sha256: f.sha256 } });
    // version 3 (with a digest): an older iommulab refuses it
    assert.equal(saved.version, 3);

    const resumed = await inProcess(['check', '--resume', checkpoint, '--json', '--workers', '2']);
    const whole = await inProcess(['check', file, '--json', '--workers', '1', '--time-limit', '600']);
    assert.equal(resumed.code, 0, resumed.stderr);
    // the checkpoint holds the scenario alone; the file also declares a variant of it
    const only = (json: string): unknown => {
      const d = timeless(json) as { scenarios: Array<{ scenario: string }> };
      return { ...d, scenarios: d.scenarios.filter((o) => o.scenario === 'iommu-reset-vs-attach') };
    };
    assert.deepEqual(only(resumed.stdout), only(whole.stdout));

    writeFileSync(file, `${readFileSync(file, 'utf8')}# a comment is a change too\n`);
    const refused = await inProcess(['check', '--resume', checkpoint]);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, new RegExp(`^iommulab: ${checkpoint}: scenario "reset-vs-attach" comes from ${file}, which has changed since ${checkpoint} was written \\(sha256 ${f.sha256.slice(0, 12)}\\.\\.\\. then, [0-9a-f]{12}\\.\\.\\. now\\): the saved search belongs to the old content; restore the file, or start the check over\\n$`));
    rmSync(file);
    const gone = await inProcess(['check', '--resume', checkpoint]);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /comes from .*checkpointed\.yaml: cannot read the scenario file: no such file/);
  });
});
