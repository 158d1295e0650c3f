// Check a scenario written inline in a test (YAML lines after name/summary/description): the
// search must be exhaustive and meet the scenario's expectations; returns what it reported.
import assert from 'node:assert/strict';
import { checkScenario } from '../../src/check/check.js';
import { scenarioFileOf } from '../../src/scenarios/file/load.js';

export function checkInline(name: string, lines: readonly string[]): string[] {
  const text = [`name: ${name}`, `summary: ${name}`, `description: ${name}`, ...lines].join('\n');
  const [s] = scenarioFileOf(`${name}.yaml`, Buffer.from(text)).scenarios;
  const o = checkScenario(s!);
  assert.equal(o.exhaustive, true);
  assert.equal(o.matches, true, `${name}: not as expected (${o.violations.map((v) => v.signature).join('; ')})`);
  return o.violations.map((v) => v.signature);
}
