// The documentation of the scenario file format cannot drift: the reference part of
// docs/SCENARIOS.md is what the schema generates (UPDATE_DOCS=1 rewrites it: `npm run docs`),
// and every YAML example in the README and in docs/SCENARIOS.md is a valid scenario file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { opNames } from '../src/scenarios/file/op-schema.js';
import { scenarioReference } from '../src/scenarios/file/reference.js';

const root = new URL('../../', import.meta.url);
const docPath = fileURLToPath(new URL('docs/SCENARIOS.md', root));
const begin = '<!-- reference:begin -->\n';
const end = '<!-- reference:end -->';

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([^]*?)```/g)].map((m) => m[1]!);
}

describe('docs/SCENARIOS.md', () => {
  test('its reference is the one the schema generates', () => {
    const doc = readFileSync(docPath, 'utf8');
    const i = doc.indexOf(begin);
    const j = doc.indexOf(end);
    assert.ok(i >= 0 && j > i, `docs/SCENARIOS.md must have ${begin.trim()} ... ${end}`);
    const generated = scenarioReference();
    if (process.env.UPDATE_DOCS === '1') {
      writeFileSync(docPath, `${doc.slice(0, i + begin.length)}${generated}${doc.slice(j)}`);
      return;
    }
    assert.equal(doc.slice(i + begin.length, j), generated, 'the reference is out of date: run `npm run docs`');
  });

  test('the reference documents every operation and every key', () => {
    const reference = scenarioReference();
    for (const op of opNames) assert.match(reference, new RegExp(`^#### \`${op}\`$`, 'm'), op);
    for (const key of ['name', 'topology', 'patches', 'prologue', 'threads', 'epilogue', 'expect', 'faults', 'pausePoints', 'maxPasids', 'quirkResetViaFlr']) {
      assert.match(reference, new RegExp(`^\\| \`${key}\` \\|`, 'm'), key);
    }
  });

  for (const [name, path] of [['README.md', 'README.md'], ['docs/SCENARIOS.md', 'docs/SCENARIOS.md']] as const) {
    test(`every YAML example in ${name} is a valid scenario file`, () => {
      const blocks = yamlBlocks(readFileSync(fileURLToPath(new URL(path, root)), 'utf8'));
      assert.ok(blocks.length > 0, `${name} has no yaml example`);
      for (const block of blocks) assert.ok(parseScenarioText(block, name).length > 0);
    });
  }
});
