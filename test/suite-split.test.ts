// What npm test leaves to `npm run test:heavy` is not lost: every test file that runs a sample
// in npm test (test/support/heavy.ts) is one that test:heavy runs whole, and the known-list
// replays npm test keeps cover every finding the list names.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinKnown } from '../src/fuzz/known.js';
import { heavyRun, knownSample, sampled } from './support/heavy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('every test file that samples in npm test is in npm run test:heavy', () => {
  const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const heavy = new Set([...scripts['test:heavy']!.matchAll(/dist\/test\/([\w-]+)\.test\.js/g)].map((m) => m[1]!));
  assert.match(scripts['test:heavy']!, /IOMMULAB_TEST_HEAVY=1/);
  const sampling = readdirSync(`${root}test`)
    .filter((f) => f.endsWith('.test.ts') && f !== 'suite-split.test.ts')
    .filter((f) => /from '\.\/support\/heavy\.js'/.test(readFileSync(`${root}test/${f}`, 'utf8')))
    .map((f) => f.slice(0, -'.test.ts'.length));
  assert.ok(sampling.length >= 10, sampling.join());
  assert.deepEqual(sampling.filter((f) => !heavy.has(f)), [], 'add these to test:heavy in package.json');
});

test('the known-list replays npm test keeps: the first entry of each finding', () => {
  const finding = (note: string) => /^[^\s:(,]+/.exec(note)![0];
  const kept = knownSample(builtinKnown);
  const findings = new Set(builtinKnown.map((k) => finding(k.note)));
  if (heavyRun) assert.equal(kept.length, builtinKnown.length);
  else {
    assert.deepEqual(kept.map((k) => finding(k.note)), [...findings]);
    for (const k of kept) assert.equal(builtinKnown.find((x) => finding(x.note) === finding(k.note)), k);
  }
  assert.ok(findings.has('F1') && findings.has('F3'), [...findings].join());
  assert.deepEqual(sampled(['a', 'b', 'c', 'd', 'e'], 2), heavyRun ? ['a', 'b', 'c', 'd', 'e'] : ['a', 'c', 'e']);
});
