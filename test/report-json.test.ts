// The JSON report is versioned and its schema cannot drift: docs/check-report.schema.json is what
// the zod schema generates (UPDATE_DOCS=1 rewrites it: `npm run docs`), and real output of
// `check --json` and `merge --json` validates against that file with a JSON Schema validator.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { checkReportJsonSchema, checkReportSchema, checkReportVersion } from '../src/report/json.js';
import { inProcess as iommulab, scratchDir } from './helpers/cli.js';

const schemaPath = fileURLToPath(new URL('../../docs/check-report.schema.json', import.meta.url));
const examples = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));
const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

describe('the JSON report', () => {
  test('docs/check-report.schema.json is the schema the code generates', () => {
    const generated = checkReportJsonSchema();
    if (process.env.UPDATE_DOCS === '1') {
      writeFileSync(schemaPath, generated);
      return;
    }
    assert.equal(readFileSync(schemaPath, 'utf8'), generated, 'the schema file is out of date: run `npm run docs`');
  });

  test('real output of check and merge validates against the schema file', async () => {
    const validate = validator();
    const runs = [
      // violations of several kinds and signatures, a pass, a scenario file
      ['check', '--json', '--workers', '1', 'abba-deadlock', 'lost-update', 'mutex-counter', 'iommu-reset-nested', join(examples, 'remove-between-phases.yaml')],
      // an incomplete search, a fail_nth sweep
      ['check', '--json', '--workers', '1', 'iommu-group-attach-detach', '--max-executions', '3'],
      ['check', '--json', '--workers', '1', 'unchecked-alloc', '--faults', 'nth', '--no-minimize'],
      // executions cut at --max-steps (truncated, exit 3); checking mode (yieldRaces)
      ['check', '--json', '--workers', '1', 'lost-update', 'mutex-counter', '--max-steps', '3'],
      ['check', '--json', '--check-yields', 'lost-update', 'mutex-counter'],
    ];
    const seen = new Set<string>();
    for (const args of runs) {
      const ran = await iommulab(args);
      const doc = JSON.parse(ran.stdout) as { version: number; exitCode: number; scenarios: Array<Record<string, unknown>> };
      assert.ok(validate(doc), `${args.join(' ')}: ${JSON.stringify(validate.errors, null, 1)}`);
      assert.equal(doc.version, checkReportVersion);
      assert.equal(doc.exitCode, ran.code, `${args.join(' ')}: the document's exit code is the command's`);
      checkReportSchema.parse(doc);
      for (const o of doc.scenarios) for (const k of Object.keys(o)) seen.add(k);
    }
    assert.ok(seen.has('truncated') && seen.has('yieldRaces'), [...seen].join(', '));
    const shards = [1, 2].map((i) => join(dir, `s${i}.json`));
    for (const [i, f] of shards.entries()) {
      const ran = await iommulab(['check', 'abba-deadlock', 'lost-update', '--shard', `${i + 1}/2`, '--out', f, '--workers', '1']);
      assert.equal(ran.code, 0, ran.stderr);
    }
    const merged = await iommulab(['merge', '--json', ...shards]);
    assert.ok(validate(JSON.parse(merged.stdout)), JSON.stringify(validate.errors));
  });

  test('the schema refuses what the format does not have', () => {
    const validate = validator();
    const base = { format: 'iommulab-check', version: checkReportVersion, ok: true, exitCode: 0, elapsedMs: 1, scenarios: [] };
    assert.ok(validate(base));
    assert.ok(!validate({ ...base, version: 1 }), 'another version');
    assert.ok(!validate({ ...base, extra: 1 }), 'an unknown key');
    assert.ok(!validate({ ...base, ok: undefined }), 'a missing key');
  });
});
