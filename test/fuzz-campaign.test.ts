// A campaign is a function of its seed: the same seed gives the same programs, coverage,
// corpus, signatures and reproducers with one worker or two, and a campaign stopped and resumed
// from its state equals one that ran through. Also: the output folder rules, and merging the
// outputs of shards.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CampaignState } from '../src/fuzz/campaign.js';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { fuzz, KnownSet, mergeOutputs, OutputError, readState } from '../src/fuzz/index.js';
import { scratchDir } from './helpers/cli.js';
import { heavyRun } from './support/heavy.js';

const config: FuzzConfig = {
  ...defaultFuzzConfig,
  program: { ...defaultFuzzConfig.program, maxThreads: 2, maxOpsPerThread: 3 },
  // the mock only: an SMMUv3 or VT-d program costs several times more per execution, and what is
  // tested here (determinism, resume, outputs) does not depend on the driver
  drivers: { mock: 1 },
  topology: { ...defaultFuzzConfig.topology, maxPci: 3, unregisteredIommu: 0.5 },
  search: {
    ...defaultFuzzConfig.search,
    random: 12, pct: 12, dfsBounds: [1], dfsExecutions: 8, faultChoice: 12, nthPoints: 12, faultShare: 0.5,
  },
  // the confirming check is bounded by executions; its time limit is a safety net only, and one
  // that fires under load makes the reproducer's expectation depend on the machine
  triage: { executions: 12, candidates: 5, checkSeconds: 600, causes: 3 },
  batch: 3,
  // the block probe is what must not depend on the worker count or on a resume
  coverage: 'blocks',
};
const programs = 6;
const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** what must not depend on workers, interruptions or time */
function essence(s: CampaignState): unknown {
  return {
    programs: s.programs,
    executions: s.executions,
    corpus: s.corpus.map((e) => [e.index, e.fresh]),
    coverage: [s.coverage.fns.length, s.coverage.features.length, s.coverage.blocks.reduce((n, [, ran]) => n + ran.length, 0)],
    signatures: s.signatures.map((r) => [
      r.signature, r.cause, r.firstProgram, r.count, r.canonical, r.crashDir,
      (r.causes ?? []).map((c) => [c.cause, c.firstProgram, c.canonical, c.crashDir]),
    ]),
  };
}

/** every reproducer under crashes/, cause subfolders (crashes/SIGNATURE/CAUSE/) included */
function reproducers(out: string): Record<string, string> {
  const crashes = join(out, 'crashes');
  const files = (readdirSync(crashes, { recursive: true }) as string[]).filter((f) => f.endsWith('repro.yaml'));
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(crashes, f), 'utf8').replace(/^# check: .*$/m, '')]));
}

describe('fuzz campaign', () => {
  const known = new KnownSet([]);
  const run = (out: string, workers: number, maxPrograms: number, resume: CampaignState | null = null) =>
    fuzz({ seed: 20, workers, maxPrograms, config, known, out, resume, saveEveryMs: 60_000 });

  test('the same seed gives the same findings, with one worker or two; a resumed run equals an uninterrupted one', async () => {
    const a = await run(join(dir, 'a'), 1, programs);
    assert.equal(a.state.programs, programs);
    assert.ok(a.state.signatures.length > 0, 'the campaign finds something');
    // a signature seen with two causes: both witnesses triaged, the second in its own subfolder
    const extra = a.state.signatures
      .flatMap((r) => (r.causes ?? []).map((c) => [r, c] as const))
      .find(([, c]) => c.triagedMs !== null && c.crashDir);
    assert.ok(extra !== undefined, 'some signature has a further cause, triaged');
    const [rec, cause] = extra;
    assert.notEqual(cause.cause, rec.cause);
    assert.ok(rec.crashDir && existsSync(join(dir, 'a', 'crashes', rec.crashDir, 'repro.yaml')));
    assert.match(cause.crashDir!, /^[^/]+\/[^/]+$/, 'crashes/SIGNATURE/CAUSE');
    const meta = JSON.parse(readFileSync(join(dir, 'a', 'crashes', cause.crashDir!, 'meta.json'), 'utf8')) as { cause: string; check: unknown };
    assert.equal(meta.cause, cause.cause);
    assert.ok(meta.check !== null, 'triaged: the check ran');
    assert.match(readFileSync(join(dir, 'a', 'crashes', cause.crashDir!, 'repro.yaml'), 'utf8'), new RegExp(`^# cause: +${cause.cause}$`, 'm'));
    // npm run test:heavy: `b`, two workers through the whole campaign, and `c`, stopped after 3
    // programs and resumed on the other worker count. npm test keeps `d` and `e` below: two workers,
    // interrupted mid-triage and resumed, against `a` on one worker
    if (heavyRun) {
      const b = await run(join(dir, 'b'), 2, programs);
      assert.deepEqual(essence(b.state), essence(a.state));
      assert.deepEqual(reproducers(join(dir, 'b')), reproducers(join(dir, 'a')));
      // stopped after 3 programs, then resumed from the saved state
      await run(join(dir, 'c'), 2, 3);
      const saved = readState(join(dir, 'c', 'state.json'));
      assert.equal(saved.programs, 3);
      const c = await run(join(dir, 'c'), 1, programs, saved);
      assert.deepEqual(essence(c.state), essence(a.state));
      assert.deepEqual(reproducers(join(dir, 'c')), reproducers(join(dir, 'a')));
    }
    // interrupted (as by Ctrl-C) as soon as a new signature is committed: its triage and the
    // searches in flight are lost, the state is saved; the resumed run ends where `a` did
    const ctl = new AbortController();
    const d = await fuzz({
      seed: 20, workers: 2, maxPrograms: programs, config, known, out: join(dir, 'd'), saveEveryMs: 60_000, signal: ctl.signal,
      onSignature: (_r, what) => {
        if (what === 'new') ctl.abort();
      },
    });
    assert.equal(d.stopped, 'signal');
    const cut = readState(join(dir, 'd', 'state.json'));
    assert.ok(cut.signatures.some((r) => r.triagedMs === null), 'stopped before a triage ended');
    const e = await run(join(dir, 'd'), 2, programs, cut);
    assert.deepEqual(essence(e.state), essence(a.state));
    assert.deepEqual(reproducers(join(dir, 'd')), reproducers(join(dir, 'a')));
  });

  test('an --out folder that exists and is not a fuzz output is refused, and nothing in it is touched', async () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'mine');
    await assert.rejects(run(mine, 1, 1), OutputError);
    assert.deepEqual(readdirSync(mine), ['notes.txt']);
  });

  // (seed 28: its shards have signatures with further causes, crashes/SIGNATURE/CAUSE/; seed 24 had
  // before the yield-rule events of branch yields)
  test('shards cover different programs; merging keeps every signature and one crash folder per signature', async () => {
    const s1 = await fuzz({ seed: 28, workers: 1, maxPrograms: 3, config, known, out: join(dir, 's1'), shard: { index: 1, count: 2 } });
    const s2 = await fuzz({ seed: 28, workers: 1, maxPrograms: 3, config, known, out: join(dir, 's2'), shard: { index: 2, count: 2 } });
    const merged = mergeOutputs([join(dir, 's1'), join(dir, 's2')], join(dir, 'm'), false);
    assert.equal(merged.programs, 6);
    const sigs = new Set([...s1.state.signatures, ...s2.state.signatures].map((s) => s.signature));
    assert.deepEqual(new Set(merged.signatures.map((s) => s.signature)), sigs);
    const all = [...s1.state.signatures, ...s2.state.signatures];
    const dirs = new Set(all.flatMap((s) => [...(s.crashDir ? [s.crashDir] : []), ...(s.causes ?? []).flatMap((c) => (c.crashDir ? [c.crashDir.split('/')[0]!] : []))]));
    assert.deepEqual(new Set(readdirSync(join(dir, 'm', 'crashes'))), dirs);
    // the cause subfolders too
    const causeDirs = all.flatMap((s) => (s.causes ?? []).flatMap((c) => (c.crashDir ? [c.crashDir] : [])));
    assert.ok(causeDirs.length > 0, 'the shards have further causes');
    for (const c of causeDirs) assert.ok(existsSync(join(dir, 'm', 'crashes', c, 'repro.yaml')), c);
    assert.ok(existsSync(join(dir, 'm', 'summary.json')));
  });
});
