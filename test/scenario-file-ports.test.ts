// The YAML ports in examples/scenarios/ are the built-in scenarios they port: each gives exactly
// the check outcome of its TypeScript original (verdict, executions, steps, violation kinds and
// their minimized schedules), so the file format loses nothing the typed API says.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkScenario, type ScenarioOutcome } from '../src/check/check.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { findScenario } from '../src/scenarios/registry.js';

const examples = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));
const files = readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)).sort();

/** what a check decides, without timings */
function decided(o: ScenarioOutcome): unknown {
  return {
    expected: o.expected,
    outcome: o.outcome,
    matches: o.matches,
    exhaustive: o.exhaustive,
    strategy: o.strategy,
    faults: o.faults,
    executions: o.executions,
    steps: o.steps,
    violations: o.violations.map((v) => ({
      kind: v.kind,
      title: v.title,
      schedule: v.schedule,
      steps: v.steps,
      preemptions: v.preemptions,
    })),
  };
}

describe('examples/scenarios: YAML ports of built-in scenarios', () => {
  test('there are at least three files porting at least four built-ins, every one loads', () => {
    assert.ok(files.length >= 3, files.join(', '));
    const ported = files.flatMap((f) => loadScenarioFile(`${examples}${f}`).scenarios.map((s) => s.name));
    assert.ok(ported.length >= 4, ported.join(', '));
    // named like the built-in without "iommu-", so a file and the built-ins can be checked together
    for (const name of ported) {
      assert.equal(findScenario(name), undefined, `${name} is also a built-in name`);
      assert.ok(findScenario(`iommu-${name}`) !== undefined, `iommu-${name} is not a built-in scenario`);
    }
  });

  for (const file of files) {
    test(`${file}: the same check outcome as the TypeScript original`, () => {
      for (const port of loadScenarioFile(`${examples}${file}`).scenarios) {
        const original = findScenario(`iommu-${port.name}`)!;
        assert.equal(port.summary, original.summary);
        assert.equal(port.description, original.description);
        assert.deepEqual(port.expect, original.expect);
        assert.deepEqual(port.faults, original.faults);
        // a variant is named after its scenario (NAME@SETTINGS): compare the settings
        const settings = (base: string, name: string) => name.slice(base.length);
        assert.deepEqual(
          port.variants?.map((v) => [settings(port.name, v.name), v.expect]),
          original.variants?.map((v) => [settings(original.name, v.name), v.expect]),
        );
        const a = checkScenario(port);
        const b = checkScenario(original);
        assert.equal(a.matches, true, `${port.name}: ${a.outcome}`);
        assert.deepEqual(decided(a), decided(b), port.name);
      }
    });
  }
});
