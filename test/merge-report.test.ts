// `merge --report FILE`: the HTML report of a sharded run is the report the unsharded check
// writes (the shard files name the scenarios, and merge replays each violation's key with the
// trace on, as check does), but for the command line and the times.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inProcess, scratchDir } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** the report's embedded data, without what differs between two runs of one check */
function data(file: string): unknown {
  const html = readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="iommulab-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, `${file} embeds its data`);
  return JSON.parse(m[1]!, (k, v: unknown) => (['command', 'generated', 'elapsedMs', 'firstSeconds', 'firstMs', 'executionsPerSecond'].includes(k) ? undefined : v));
}

test('merge --report writes the report of the whole run, as check --report does', { timeout: 120_000 }, async () => {
  const at = (f: string): string => join(dir, f);
  const names = ['iommu-reset-vs-detach', 'abba-deadlock'];
  for (const i of [1, 2]) {
    const r = await inProcess(['check', ...names, '--shard', `${i}/2`, '--out', at(`s${i}.json`), '--workers', '1']);
    assert.equal(r.code, 0, r.stderr);
  }
  const merged = await inProcess(['merge', at('s1.json'), at('s2.json'), '--report', at('merged.html')]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, /^HTML report: .*merged\.html$/m);
  const whole = await inProcess(['check', ...names, '--report', at('whole.html'), '--workers', '1']);
  assert.equal(whole.code, 0, whole.stderr);
  assert.deepEqual(data(at('merged.html')), data(at('whole.html')));
  // the output guard holds for it like for every output: not over a file of the user's, nor a shard
  writeFileSync(at('notes.html'), 'mine');
  for (const target of ['notes.html', 's1.json']) {
    const refused = await inProcess(['merge', at('s1.json'), at('s2.json'), '--report', at(target)]);
    assert.equal(refused.code, 2, target);
  }
  assert.equal(readFileSync(at('notes.html'), 'utf8'), 'mine');
});
