// `iommulab fuzz` and `iommulab fuzz-merge` as a user runs them: a deterministic --programs run
// with a config file prints its JSON summary and writes an output folder; a bad config file is
// reported as FILE:LINE: FIELD with exit code 2; --resume refuses campaign flags; fuzz-merge
// joins two shards.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { iommulab, scratchDir } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

// small programs and budgets: the run takes seconds
const config = `
program: { maxThreads: 2, maxOpsPerThread: 3 }
topology: { maxPci: 2 }
search: { random: 10, pct: 10, dfsBounds: [], faultChoice: 10, nthPoints: 8 }
triage: { executions: 10, candidates: 4 }
batch: 2
`;

describe('iommulab fuzz', () => {
  const cfg = join(dir, 'small.yaml');
  writeFileSync(cfg, config);

  test('a --programs run prints its summary and writes the output folder', async () => {
    const out = join(dir, 'run');
    const args = ['--programs', '3', '--seed', '5', '--workers', '1', '--known', 'none', '--config', cfg, '--out', out, '--json'];
    const r = await iommulab(['fuzz', ...args], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    type Sig = { known: boolean; crashDir: string | null };
    const s = JSON.parse(r.stdout) as { format: string; programs: number; seed: number; signatures: Sig[] };
    assert.equal(s.format, 'iommulab-fuzz');
    assert.equal(s.programs, 3);
    assert.equal(s.seed, 5);
    // exit code 1 exactly when something new was found, and each new signature has its folder
    assert.equal(r.code, s.signatures.some((x) => !x.known) ? 1 : 0);
    for (const x of s.signatures) if (!x.known) assert.ok(existsSync(join(out, x.crashDir!, 'repro.yaml')));
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), s);
    assert.ok(existsSync(join(out, 'state.json')));
  });

  test('a config file with a wrong key or value is reported with its line, exit code 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'ops:\n  attach: 3\n  atach: 2\nprogram:\n  maxThreads: 0\n');
    const r = await iommulab(['fuzz', '--programs', '1', '--config', bad, '--out', join(dir, 'bad-out')], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:3: ops\.atach: unknown operation kind "atach"/);
    assert.match(r.stderr, /bad\.yaml:5: program\.maxThreads/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.ok(!existsSync(join(dir, 'bad-out')), 'nothing written');
  });

  test('--resume takes the campaign from its state and refuses --seed', async () => {
    const r = await iommulab(['fuzz', '--resume', join(dir, 'run', 'state.json'), '--seed', '3', '--out', join(dir, 'run')], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--resume continues the campaign .* do not give --seed/);
  });

  test('fuzz-merge joins two shards into one output', async () => {
    // the built-in known signatures (the default): what they find is known, so not triaged (a
    // shard's triage, the cost of the run above, is not what merging tests)
    const shard = (i: number): Promise<unknown> =>
      iommulab(['fuzz', '--programs', '2', '--seed', '5', '--shard', `${i}/2`, '--workers', '1', '--config', cfg, '--out', join(dir, `s${i}`), '--json'], dir);
    await shard(1);
    await shard(2);
    const r = await iommulab(['fuzz-merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged'), '--json'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const s = JSON.parse(r.stdout) as { programs: number; shard: string };
    assert.equal(s.programs, 4);
    assert.equal(s.shard, 'merged from 2 runs');
  });
});
