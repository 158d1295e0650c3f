// Files in and out (issue 12): only regular files are read, with a size cap; nothing the user
// had is replaced without --force; a checkpoint is bound to its content by a digest and every
// field is checked; bad input (cyclic bridges, deep nesting) is a FILE:LINE error; the CLI's
// rough edges (exit codes, short usage errors, --version, examples in --help).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { documentedExitCodes, exitCodes } from '../src/check/exit-codes.js';
import { defaultCheckOptions } from '../src/check/check.js';
import { runFileJson, sealRunFile } from '../src/check/run-file.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { NthSweep } from '../src/explorer/faults.js';
import { findScenario } from '../src/scenarios/registry.js';
import { maxScenarioFileBytes } from '../src/scenarios/file/load.js';
import { type Ran, inProcess, scratchDir, start } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const stack = /\n\s+at .+[:(]\d+/;

/** the command in a child process, killed after `ms` (a read that blocks must not hang the suite) */
async function bounded(args: readonly string[], ms = 60_000): Promise<Ran & { killed: boolean }> {
  const ran = start(args, dir);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    ran.child.kill('SIGKILL');
  }, ms);
  const r = await ran.done;
  clearTimeout(timer);
  return { ...r, killed };
}

const scenario = [
  'name: small',
  'summary: s',
  'description: d',
  'topology:',
  '  iommus: [{ name: smmu0 }]',
  '  pci: [{ name: ep0, bus: 0, slot: 1 }]',
  'threads:',
  '  - { name: a, ops: [{ op: bind, dev: ep0 }] }',
  'expect: pass',
  '',
].join('\n');

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('only regular files are read, and only so much of them', () => {
  let fifo = '';
  before(() => {
    fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
  });

  for (const [what, args] of [
    ['a FIFO as a scenario file', () => ['check', fifo]],
    ['a FIFO given to list', () => ['list', fifo]],
    ['a FIFO given to replay', () => ['replay', fifo, '-']],
    ['a FIFO as --resume', () => ['check', '--resume', fifo]],
    ['a FIFO given to merge', () => ['merge', fifo]],
    ['/dev/zero as --resume', () => ['check', '--resume', '/dev/zero']],
    ['/dev/zero given to merge', () => ['merge', '/dev/zero']],
  ] as const) {
    test(`${what} is refused at once`, async () => {
      const r = await bounded(args());
      assert.equal(r.killed, false, 'it blocked');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is a (FIFO|character device)[^\n]*, not a regular file/);
      assert.doesNotMatch(r.stderr, stack);
    });
  }

  test('a directory named like a scenario file, and one as --resume', async () => {
    const d = join(dir, 'adir.yaml');
    mkdirSync(d);
    const a = await inProcess(['check', d]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /adir\.yaml: cannot read the scenario file: is a directory, not a regular file/);
    const b = await inProcess(['check', '--resume', d]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /cannot read .*adir\.yaml: is a directory/);
  });

  test('a scenario file above the size cap is refused before it is parsed', async () => {
    const big = file('big.yaml', scenario);
    truncateSync(big, maxScenarioFileBytes + 1);
    const r = await inProcess(['check', big]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /big\.yaml: cannot read the scenario file: is larger than 4 MiB/);
  });
});

describe('bad topologies and deep files are FILE:LINE errors', () => {
  test('cyclic bridges (unfixed: setup walked up the buses forever)', async () => {
    const f = file('cycle.yaml', scenario.replace('  pci: [{ name: ep0, bus: 0, slot: 1 }]', [
      '  pci:',
      '    - { name: br1, bus: 0, slot: 1, bridge: { secondary: 1 } }',
      '    - { name: br2, bus: 1, slot: 1, bridge: { secondary: 2 } }',
      '    - { name: br3, bus: 2, slot: 1, bridge: { secondary: 0 } }',
      '    - { name: ep0, bus: 1, slot: 5 }',
    ].join('\n')));
    const r = await bounded(['check', f, '--time-limit', '5']);
    assert.equal(r.killed, false, 'it hung');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cycle\.yaml:7: topology\.pci\[0\]\.bridge\.secondary: bridges form a cycle: /);
    assert.match(r.stderr, /bus 1 is behind bus 0, which is behind bus 2, which is behind bus 1/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one cycle, reported once');
  });

  test('a mapping key that is a list or a mapping is a problem, not a Node warning on stderr', async () => {
    for (const [name, extra] of [['key-seq.yaml', '? [a, b]\n: 1\n'], ['key-map.yaml', 'x: { { a: 1 }: 2 }\n']]) {
      const r = await bounded(['check', file(name!, `${scenario}${extra!}`)]);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, new RegExp(`${name!.replace('.', '\\.')}:\\d+: YAML: a key must be a plain value, not a (list|mapping)`));
      assert.doesNotMatch(r.stderr, /Warning/);
    }
  });

  test('collections nested thousands deep (unfixed: stack overflow)', async () => {
    for (const [name, deep] of [
      ['flow.yaml', `${scenario}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
      ['block.yaml', `${scenario}x:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\n`],
      ['compact.yaml', `${scenario}x:\n  ${'- '.repeat(3000)}a\n`],
    ]) {
      const f = file(name!, deep!);
      const r = await inProcess(['check', f]);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, new RegExp(`${name!.replace('.', '\\.')}:\\d+: YAML: collections nested more than 64 deep`));
      assert.doesNotMatch(r.stderr, stack);
    }
  });
});

describe('outputs never replace what is not theirs', () => {
  const report = (): string => join(dir, 'report.json');

  test('--out over the scenario file being checked, a user file, a checkpoint, a merge input: refused, untouched', async () => {
    const sc = file('mine.yaml', scenario);
    const user = file('notes.txt', 'my notes\n');
    const json = file('other.json', '{"name": "not ours"}\n');
    const cp = join(dir, 'cp-out.json');
    assert.equal((await inProcess(['check', 'abba-deadlock', '--checkpoint', cp])).code, 0);
    const cpText = readFileSync(cp, 'utf8');
    const cases: Array<[string[], RegExp]> = [
      [['check', sc, '--out', sc], /--out .*mine\.yaml: is a scenario file this check reads; refusing to replace it/],
      [['check', 'abba-deadlock', '--out', user], /--out .*notes\.txt: already exists and is not an iommulab report \(it is not JSON\)/],
      [['check', 'abba-deadlock', '--out', json], /other\.json: already exists and is not an iommulab report \(it is JSON of another program\)/],
      [['check', 'abba-deadlock', '--out', cp], /cp-out\.json: already exists and is not an iommulab report \(it is an iommulab checkpoint\)/],
      [['check', 'abba-deadlock', '--shard', '1/2', '--out', cp], /is not an iommulab shard result \(it is an iommulab checkpoint\)/],
      [['check', 'abba-deadlock', '--checkpoint', user], /--checkpoint .*notes\.txt: already exists and is not an iommulab checkpoint/],
      [['check', 'abba-deadlock', '--checkpoint', cp], /cp-out\.json exists: continue it with --resume .*, or give --force to start over/],
      [['check', 'abba-deadlock', '--out', sc, '--checkpoint', sc], /--out and --checkpoint name the same file/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message);
    }
    assert.equal(readFileSync(sc, 'utf8'), scenario);
    assert.equal(readFileSync(user, 'utf8'), 'my notes\n');
    assert.equal(readFileSync(json, 'utf8'), '{"name": "not ours"}\n');
    assert.equal(readFileSync(cp, 'utf8'), cpText);
  });

  test('merge --out over one of its own input shards is refused', async () => {
    const shards = [1, 2].map((i) => join(dir, `in-${i}of2.json`));
    for (const [i, f] of shards.entries()) assert.equal((await inProcess(['check', 'abba-deadlock', '--shard', `${i + 1}/2`, '--out', f])).code, 0);
    const before = readFileSync(shards[0]!, 'utf8');
    const r = await inProcess(['merge', ...shards, '--out', shards[0]!]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out .*in-1of2\.json: is a shard result this merge reads; refusing to replace it/);
    assert.equal(readFileSync(shards[0]!, 'utf8'), before);
    // its own kind of output is replaced; --force replaces anything regular
    assert.equal((await inProcess(['merge', ...shards, '--out', report()])).code, 0);
    assert.equal((await inProcess(['merge', ...shards, '--out', report()])).code, 0);
    const user = file('forced.txt', 'x');
    assert.equal((await inProcess(['check', 'abba-deadlock', '--out', user, '--force'])).code, 0);
    assert.equal((JSON.parse(readFileSync(user, 'utf8')) as { ok: boolean }).ok, true);
  });

  test('a directory or a FIFO is never written, even with --force', async () => {
    const d = join(dir, 'outdir');
    mkdirSync(d);
    const r = await inProcess(['check', 'abba-deadlock', '--out', d, '--force']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /outdir: is a directory; iommulab writes only regular files/);
  });

  test('a checkpoint in a missing directory fails at once, before the run (unfixed: again later, from a timer, with a stack)', async () => {
    const r = await bounded(['check', 'lost-update', '--strategy', 'random', '--executions', '100000', '--checkpoint', join(dir, 'nope', 'cp.json'), '--checkpoint-every', '0.05']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^iommulab: --checkpoint .*nope\/cp\.json: cannot write it: directory .*nope does not exist\n$/);
  });

  test('a temporary file of the atomic write never replaces one that exists', async () => {
    const out = join(dir, 'atomic.json');
    // the name the write used to take (FILE.tmp-PID) and others like it
    const squatters = [`${out}.tmp`, `${out}.tmp-${process.pid}`].map((f) => file(f.slice(dir.length + 1), 'keep'));
    assert.equal((await inProcess(['check', 'abba-deadlock', '--out', out])).code, 0);
    for (const f of squatters) assert.equal(readFileSync(f, 'utf8'), 'keep');
    assert.ok(existsSync(out));
  });
});

describe('checkpoints are bound to their content', () => {
  let good = '';
  let sweep = '';
  before(async () => {
    good = join(dir, 'good.json');
    assert.equal((await inProcess(['check', 'abba-deadlock', 'lost-update', '--strategy', 'dfs', '--checkpoint', good])).code, 0);
    // a fail_nth sweep saved between points: the forgery turned it into a plain search
    sweep = join(dir, 'sweep.json');
    const s = findScenario('iommu-lifecycle')!;
    const options = { ...defaultCheckOptions, faults: 'nth' as const };
    const point = new NthSweep();
    point.add(explore(s.program, new DporStrategy(), { faults: { mode: 'nth', nth: 1 }, recordOps: true }));
    const progress = [{ name: s.name, status: 'sweep' as const, elapsedMs: 1, sweep: point.state, ranges: null }];
    writeFileSync(sweep, runFileJson({ format: 'iommulab-checkpoint', scenarios: [s.name], origins: {}, options, shard: null, progress }));
  });

  const edit = (from: () => string, name: string, change: (o: Record<string, unknown>) => void, reseal: boolean): string => {
    const o = JSON.parse(readFileSync(from(), 'utf8')) as Record<string, unknown>;
    change(o);
    return file(name, JSON.stringify(reseal ? sealRunFile(o) : o));
  };
  const opts = (o: Record<string, unknown>) => o.options as Record<string, unknown>;
  const progress = (o: Record<string, unknown>) => o.progress as Array<Record<string, unknown>>;

  test('an edited checkpoint is refused by its digest (the issue: faults edited mid-sweep)', async () => {
    for (const [name, change] of [
      ['faults.json', (o: Record<string, unknown>) => (opts(o).faults = 'none')],
      ['seed.json', (o: Record<string, unknown>) => (opts(o).seed = 2)],
      ['verdict.json', (o: Record<string, unknown>) => ((progress(o)[0]!.outcome as Record<string, unknown>).matches = false)],
    ] as const) {
      const r = await inProcess(['check', '--resume', edit(name === 'faults.json' ? () => sweep : () => good, name, change, false)]);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, new RegExp(`${name.replace('.', '\\.')}: digest: does not match the content: the checkpoint was edited or damaged after iommulab wrote it`));
    }
  });

  test('a checkpoint before digests is refused with the reason', async () => {
    const r = await inProcess(['check', '--resume', edit(() => good, 'v2.json', (o) => (o.version = 2), true)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /v2\.json: version: 2 is not 3 \(written by an older iommulab/);
  });

  test('every field is checked, even when the digest is recomputed', async () => {
    const cases: Array<[string, () => string, (o: Record<string, unknown>) => void, RegExp]> = [
      ['fits.json', () => sweep, (o) => (opts(o).faults = 'none'), /fits\.json: progress\[0\]: the progress of a fail_nth sweep, but with the options saved \(faults: none\)/],
      ['steps.json', () => good, (o) => (opts(o).maxSteps = 5e6), /steps\.json: options\.maxSteps: 5000000 is above the maximum 1000000/],
      ['limit.json', () => good, (o) => (opts(o).timeLimitMs = 0), /limit\.json: options\.timeLimitMs: expected an integer >= 1000/],
      ['extra.json', () => good, (o) => (opts(o).turbo = true), /extra\.json: options\.turbo: not an option of this iommulab/],
      ['top.json', () => good, (o) => (o.note = 'x'), /top\.json: note: not a field of an iommulab checkpoint/],
      ['twice.json', () => good, (o) => (o.progress = [progress(o)[0], progress(o)[0]]), /twice\.json: progress\[1\]\.name: "abba-deadlock" already has progress/],
      ['elapsed.json', () => sweep, (o) => (progress(o)[0]!.elapsedMs = -1e9), /elapsed\.json: progress\[0\]\.elapsedMs: expected a number >= 0/],
      ['kind.json', () => good, (o) => (((progress(o)[0]!.outcome as { violations: Array<{ kind: string }> }).violations[0]!.kind = 'oops')), /kind\.json: progress\[0\]\.outcome\.violations\[0\]\.kind: not a violation kind/],
      ['origin.json', () => good, (o) => (o.origins = { 'abba-deadlock': { file: 'rel.yaml', sha256: '0'.repeat(64) } }), /origin\.json: origins\.abba-deadlock\.file: not an absolute path/],
    ];
    for (const [name, from, change, message] of cases) {
      const r = await inProcess(['check', '--resume', edit(from, name, change, true)]);
      assert.equal(r.code, 2, `${name}: ${r.stdout}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, stack);
    }
  });

  test('an unedited checkpoint still resumes', async () => {
    const r = await inProcess(['check', '--resume', sweep, '--checkpoint', join(dir, 'sweep-2.json')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^FAIL iommu-lifecycle +violation/m);
  });
});

describe('the command line', () => {
  test('an incomplete search has its own exit code (3), distinct from a bug found (1)', async () => {
    const cut = await inProcess(['check', 'iommu-group-attach-detach', '--max-executions', '3']);
    assert.equal(cut.code, exitCodes.incomplete);
    assert.match(cut.stderr, /iommu-group-attach-detach: the search stopped at --max-executions 3 before it could decide/);
    const bug = await inProcess(['check', 'iommu-lifecycle', '--faults', 'nth', '--max-executions', '3']);
    assert.equal(bug.code, exitCodes.notAsExpected, 'a violation where none is expected is 1, even when the search was cut');
  });

  test('a usage error is a short message with a hint, not the whole help', async () => {
    // the first as a real process (bin.ts and commander's own output), the others through main()
    // in this process (the same code from main() on; a child process costs 0.4 CPU s to start)
    const cases = [['check', '--bogus'], ['bogus'], ['check', '--strategy', 'bfs'], ['replay', 'abba-deadlock'], []];
    for (const [i, args] of cases.entries()) {
      const r = i === 0 ? await bounded(args) : await inProcess(args);
      assert.equal(r.code, 2, args.join(' '));
      const lines = r.stderr.trimEnd().split('\n');
      assert.ok(lines.length <= 3, `${args.join(' ')}: ${lines.length} lines:\n${r.stderr}`);
      assert.match(r.stderr, /--help/);
    }
  });

  test('--version and examples in --help', async () => {
    const v = await bounded(['--version']);
    assert.equal(v.code, 0);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(v.stdout.trim(), pkg.version);
    // --version as a real process, the help through main() here
    for (const args of [['--help'], ['check', '--help']]) {
      const h = await inProcess(args);
      assert.equal(h.code, 0);
      assert.match(h.stdout, /Examples:\n {2}iommulab /);
      assert.match(h.stdout, /Exit codes: 0 as expected, 1 not as expected/);
      if (args[0] === 'check') for (const option of ['--max-steps', '--force', '--time-limit']) assert.match(h.stdout, new RegExp(option));
    }
  });

  test('an error nothing else handles is an internal error (exit 70) without a stack', async () => {
    const { reportError } = await import('../src/cli/main.js');
    const error = console.error;
    let printed = '';
    console.error = (...a: unknown[]) => void (printed += `${a.join(' ')}\n`);
    try {
      assert.equal(reportError(new TypeError('boom')), exitCodes.internal);
    } finally {
      console.error = error;
    }
    assert.match(printed, /^iommulab: internal error: boom\nThis is a bug in iommulab/);
    assert.doesNotMatch(printed, stack);
    assert.deepEqual([...documentedExitCodes].sort((a, b) => a - b), [0, 1, 2, 3, 70, 130]);
  });
});
