// Every replay key docs/FINDINGS.md gives (`iommulab replay NAME KEY`), and every one the README's
// sample `check` output reports (`replay: iommulab replay ...`), still shows a violation: a key is
// a schedule, and a change of the model's steps moves it, silently, unless something replays it.
// (The README's other replay lines are usage examples: some replay a passing execution.) One
// execution each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scenarioOfArg } from '../src/cli/scenario-args.js';
import { runOnce } from '../src/explorer/run-once.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import type { FaultPlan } from '../src/rt/execution.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** keys the docs give for a trace that shows how a fix passes, not a violation */
const passingTraces = new Set([
  'iommu-reset-vs-hotadd-alias@resetHotAddBlocked 1x12.2x27', // FINDINGS.md F11: how the fix re-attaches
]);

/** a replay command: NAME (quoted or not) and KEY, which ends the code span, the line or a parenthesis */
const keyPattern = String.raw`iommulab replay\s+('[^']+'|[^\s\x60']+)\s+([-0-9nxSF./]+)(?=[\x60\s)]|$)`;

/** `iommulab replay NAME KEY` in the docs, NAME a built-in (quoted or not) or a test fixture */
function replayKeys(): { doc: string; name: string; key: string }[] {
  const out: { doc: string; name: string; key: string }[] = [];
  for (const [doc, prefix] of [['docs/FINDINGS.md', ''], ['README.md', 'replay: ']] as const) {
    const text = readFileSync(`${root}/${doc}`, 'utf8');
    for (const m of text.matchAll(new RegExp(prefix + keyPattern, 'gm'))) {
      const name = m[1]!.replace(/^'|'$/g, '');
      // the fuzzer's reproducers (repro.yaml in a crash folder) and placeholders are not at hand
      if (name === 'NAME' || name.endsWith('repro.yaml') || name === 'FILE') continue;
      const key = m[2]!.replace(/\.$/, '');
      if (!passingTraces.has(`${name} ${key}`)) out.push({ doc, name, key });
    }
  }
  return out;
}

test('each replay key of the findings and the README sample reports a violation', () => {
  const keys = replayKeys();
  assert.ok(keys.length >= 30, `only ${keys.length} replay keys found: the pattern no longer reads the file`);
  const stale: string[] = [];
  for (const { doc, name, key } of keys) {
    const s = scenarioOfArg(name.startsWith('test/') ? `${root}/${name}` : name);
    const d = decodeSchedule(key);
    const faults: FaultPlan = d.nth !== undefined ? { mode: 'nth', nth: d.nth } : s.faults?.mode === 'choice' ? s.faults : { mode: 'none' };
    const exec = runOnce(s.program, d.choices, { faults, warnFails: true, trace: false, strict: false });
    if (exec.violations.length === 0) stale.push(`${doc}: iommulab replay ${name} ${key}`);
  }
  assert.deepEqual(stale, [], 'replay keys in the docs that show no violation any more');
});
