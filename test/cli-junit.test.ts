// `check --junit FILE`: one testcase per scenario; an outcome not as expected is a <failure> with
// the splat and the replay command; a search cut short an <error>; written through the output
// guard (never over a file that is not iommulab's JUnit output, without --force).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kindOfFile } from '../src/check/output-file.js';
import { inProcess, scratchDir } from './helpers/cli.js';

const example = new URL('../../examples/scenarios/remove-between-phases.yaml', import.meta.url);

/** the testcase elements of a JUnit document, by name */
function testcases(xml: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of xml.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*?(?:\/>|>[\s\S]*?<\/testcase>)/g)) m.set(c[1]!, c[0]);
  return m;
}

describe('check --junit', () => {
  it('writes one testcase per scenario: a failure carries the splat and the replay command', async () => {
    const dir = scratchDir();
    // the example finding, with its expectation turned into "pass": its use-after-free is now a failure
    const file = join(dir, 'rbp.yaml');
    writeFileSync(file, readFileSync(example, 'utf8').replace(/expect:\n {2}violations: \[use-after-free\]/, 'expect: pass'));
    const junit = join(dir, 'results.xml');
    const r = await inProcess(['check', file, 'mutex-counter', 'iommu-reset-vs-detach', '--junit', junit, '--workers', '1']);
    assert.equal(r.code, 1, r.stderr);
    const xml = readFileSync(junit, 'utf8');
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="iommulab"'), xml);
    assert.match(xml, /^<testsuites name="iommulab" tests="3" failures="1" errors="0" time="[\d.]+">/m);
    const cases = testcases(xml);
    assert.deepEqual([...cases.keys()], ['remove-between-phases', 'mutex-counter', 'iommu-reset-vs-detach']);
    const failed = cases.get('remove-between-phases')!;
    assert.match(failed, /<failure type="not-as-expected" message="expected pass, found violation: use-after-free \(exhaustive/);
    // each distinct violation: its signature, how often, its replay command, its splat
    assert.match(failed, /\n\nuse-after-free in bus_iommu_probe: KASAN: [^\n]*\nonce, first at execution 1; replay: /);
    assert.match(failed, /; replay: iommulab replay \S*rbp\.yaml:remove-between-phases \S+\n=+\n/);
    assert.match(failed, /\nBUG: KASAN: slab-use-after-free in /);
    assert.match(cases.get('mutex-counter')!, /^<testcase classname="iommulab.builtin" name="mutex-counter" time="[\d.]+"\/>$/);
    // an expected finding passes and says how to see it
    const finding = cases.get('iommu-reset-vs-detach')!;
    assert.doesNotMatch(finding, /<failure/);
    assert.match(finding, /<system-out>expected violation: warn, invariant, use-after-free, driver-contract, found violation: /);
    assert.match(finding, /replay: iommulab replay iommu-reset-vs-detach /);
    assert.doesNotMatch(xml.replace(/&(amp|lt|gt|quot|#10);/g, ''), /&/, 'every & is an entity');
    assert.equal(kindOfFile(junit), 'junit');
  });

  it('a search cut short is an error, not a failure', async () => {
    const dir = scratchDir();
    const junit = join(dir, 'results.xml');
    const r = await inProcess(['check', 'iommu-reset-vs-detach', '--max-executions', '1', '--junit', junit, '--workers', '1']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /tests="1" failures="0" errors="1"/);
    const kinds = 'warn, invariant, use-after-free, driver-contract';
    assert.match(xml, new RegExp(`<error type="incomplete" message="expected violation: ${kinds}, found incomplete`));
  });

  it('never replaces a file that is not its own JUnit output without --force', async () => {
    const dir = scratchDir();
    const mine = join(dir, 'notes.xml');
    writeFileSync(mine, '<?xml version="1.0"?>\n<notes>mine</notes>\n');
    const r = await inProcess(['check', 'mutex-counter', '--junit', mine]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--junit .*notes\.xml: already exists and is not an iommulab JUnit report .*give --force/);
    assert.equal(readFileSync(mine, 'utf8'), '<?xml version="1.0"?>\n<notes>mine</notes>\n');
    // its own output of the same kind is replaced; with --force, anything but an input
    const own = join(dir, 'own.xml');
    assert.equal((await inProcess(['check', 'mutex-counter', '--junit', own])).code, 0);
    assert.equal((await inProcess(['check', 'ordered-locks', '--junit', own])).code, 0);
    assert.match(readFileSync(own, 'utf8'), /name="ordered-locks"/);
    assert.equal((await inProcess(['check', 'mutex-counter', '--junit', mine, '--force'])).code, 0);
    assert.equal(kindOfFile(mine), 'junit');
  });

  it('merge writes the sharded run\'s JUnit report, never over one of its shards', async () => {
    const dir = scratchDir();
    const shards = [join(dir, 's1.json'), join(dir, 's2.json')];
    for (const [i, f] of shards.entries()) assert.equal((await inProcess(['check', 'lost-update', 'mutex-counter', '--shard', `${i + 1}/2`, '--out', f])).code, 0);
    const junit = join(dir, 'r.xml');
    assert.equal((await inProcess(['merge', ...shards, '--junit', junit])).code, 0);
    assert.deepEqual([...testcases(readFileSync(junit, 'utf8')).keys()], ['lost-update', 'mutex-counter']);
    const over = await inProcess(['merge', ...shards, '--junit', shards[0]!, '--force']);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /is a shard result this merge reads; refusing to replace it/);
  });

  it('refuses a path another output uses, and a --shard run', async () => {
    const dir = scratchDir();
    const same = join(dir, 'x');
    const both = await inProcess(['check', 'mutex-counter', '--out', same, '--junit', same]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--out and --junit name the same file/);
    const shard = await inProcess(['check', 'mutex-counter', '--shard', '1/2', '--out', join(dir, 's.json'), '--junit', join(dir, 'j.xml')]);
    assert.equal(shard.code, 2);
    assert.match(shard.stderr, /--junit reports outcomes, which a --shard run does not have/);
  });
});
