// The built-in known signatures stay true to the findings they name: each one with a replay
// key is reported (the same signature, up to the names of domains) when its finding's scenario
// replays that key, and a known-signatures file reads back as the same list.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runOnce } from '../src/explorer/run-once.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import { builtinKnown, knownFileText, loadKnown } from '../src/fuzz/known.js';
import { signatureOf } from '../src/fuzz/signature.js';
import type { FaultPlan } from '../src/rt/execution.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { findScenario } from '../src/scenarios/registry.js';
import { scratchDir } from './helpers/cli.js';
import { knownSample } from './support/heavy.js';

const dir = scratchDir();
/** the package root (a known signature's reproducer file is named relative to it) */
const root = fileURLToPath(new URL('../..', import.meta.url));
after(() => rmSync(dir, { recursive: true, force: true }));

/** the fuzzer names a minimized reproducer's domains D0, D1...: the built-in scenarios name theirs freely */
const anyDomainName = (sig: string): string => sig.replace(/\bdomain:\w+#N/g, 'domain:_#N');

// npm test: the first entry of each finding; npm run test:heavy: every entry (knownSample)
test('each built-in known signature is what its finding scenario reports at its replay key', () => {
  for (const k of knownSample(builtinKnown)) {
    assert.ok(k.replay !== undefined, `${k.signature}: no replay key`);
    const file = k.replay!.file;
    const name = k.replay!.scenario;
    const s = file === undefined ? findScenario(name) : loadScenarioFile(join(root, file)).scenarios.find((x) => x.name === name);
    assert.ok(s !== undefined, k.replay!.scenario);
    const d = decodeSchedule(k.replay!.schedule);
    // a fault choice (F) in the key: the scenario's own plan of choices
    const faults: FaultPlan = d.nth !== undefined ? { mode: 'nth', nth: d.nth } : s.faults?.mode === 'choice' ? s.faults : { mode: 'none' };
    const exec = runOnce(s.program, d.choices, { faults, warnFails: true, trace: false, strict: false });
    const sigs = exec.violations.map((v) => anyDomainName(signatureOf(v)));
    assert.ok(sigs.includes(anyDomainName(k.signature)), `${k.note}: ${k.replay!.scenario} ${k.replay!.schedule} reports ${sigs.join('; ')}`);
  }
});

test('a known-signatures file reads back as the list it was written from', () => {
  const file = join(dir, 'known.txt');
  writeFileSync(file, `\n${knownFileText(builtinKnown)}\n`);
  const back = loadKnown(file);
  assert.deepEqual(back.entries(), builtinKnown.map((k) => ({ signature: k.signature, note: k.note })));
  assert.equal(loadKnown(undefined).size, builtinKnown.length);
  assert.equal(loadKnown('none').size, 0);
});
