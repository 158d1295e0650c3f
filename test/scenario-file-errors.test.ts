// Bad scenario files: every problem is reported as FILE:LINE: FIELD: message, pointing at the
// line of the offending field, with a "did you mean" where a name is close; the command exits 2
// with those lines and no stack trace, and runs nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type FileProblem, ScenarioFileError } from '../src/scenarios/file/file-error.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { iommulab, stackTrace } from './support/cli.js';

/** a valid scenario; each case below changes one line */
const base = [
  'name: case', // 1
  'summary: s',
  'description: d',
  'topology:',
  '  iommus:', // 5
  '    - name: smmu0',
  '  pci:',
  '    - { name: ep0, bus: 0, slot: 5, ats: true }',
  '    - { name: ep1, bus: 0, slot: 6 }',
  'patches: [resetDoneAllDevices]', // 10
  'prologue:',
  '  - { op: domainAlloc, dev: ep0, domain: D }',
  'threads:',
  '  - name: t0',
  '    ops:', // 15
  '      - { op: attach, dev: ep0, domain: D, api: group, expect: [0, -EBUSY] }',
  '      - { op: pasidAttach, dev: ep0, domain: D, pasid: 1 }',
  '  - name: t1',
  '    ops:',
  '      - { op: reset, dev: ep0, expect: 0 }', // 20
  'expect: pass',
];

function withLine(line: number, text: string | null): string {
  const lines = [...base];
  if (text === null) lines.splice(line - 1, 1);
  else lines[line - 1] = text;
  return `${lines.join('\n')}\n`;
}

interface Case {
  readonly what: string;
  readonly text: string;
  /** the problem that must be reported: line, field ('' for a syntax error), message */
  readonly line: number;
  readonly field: string;
  readonly message: RegExp;
}

const cases: Case[] = [
  {
    what: 'malformed YAML: a key given twice',
    text: withLine(8, '    - { name: ep0, bus: 0, bus: 1, slot: 5 }'),
    line: 8,
    field: '',
    message: /^YAML: Map keys must be unique/,
  },
  {
    what: 'malformed YAML: block mapping written with commas',
    text: withLine(16, '      - op: attach, dev: ep0'),
    line: 16,
    field: '',
    message: /^YAML: Nested mappings are not allowed/,
  },
  {
    what: 'wrong type: a word for an integer',
    text: withLine(8, '    - { name: ep0, bus: 0, slot: five, ats: true }'),
    line: 8,
    field: 'topology.pci[0].slot',
    message: /^expected an integer, got "five"$/,
  },
  {
    what: 'wrong type: YAML 1.1 yes for a boolean',
    text: withLine(8, '    - { name: ep0, bus: 0, slot: 5, ats: yes }'),
    line: 8,
    field: 'topology.pci[0].ats',
    message: /^expected true or false, got "yes" \(YAML 1\.2: write true or false\)$/,
  },
  {
    what: 'wrong type: a word where a list goes',
    text: withLine(10, 'patches: resetDoneAllDevices'),
    line: 10,
    field: 'patches',
    message: /^expected a list, got "resetDoneAllDevices"$/,
  },
  {
    what: 'unknown operation',
    text: withLine(16, '      - { op: atach, dev: ep0, domain: D }'),
    line: 16,
    field: 'threads[0].ops[0].op',
    message: /^unknown operation "atach" \(did you mean "attach"\?\)$/,
  },
  {
    what: 'unknown key in an operation',
    text: withLine(17, '      - { op: pasidAttach, dev: ep0, domain: D, pasid: 1, handel: h }'),
    line: 17,
    field: 'threads[0].ops[1].handel',
    message: /^unknown key "handel" \(did you mean "handle"\?\); allowed here: op, dev, domain, pasid, handle, expect$/,
  },
  {
    what: 'unknown top-level key',
    text: withLine(10, 'patchs: [resetDoneAllDevices]'),
    line: 10,
    field: 'patchs',
    message: /^unknown key "patchs" \(did you mean "patches"\?\)/,
  },
  {
    what: 'missing required field of an operation',
    text: withLine(20, '      - { op: reset, expect: 0 }'),
    line: 20,
    field: 'threads[1].ops[0].dev',
    message: /^missing required field "dev"$/,
  },
  {
    what: 'missing required top-level field',
    text: withLine(2, null),
    line: 1,
    field: 'summary',
    message: /^missing required field "summary"$/,
  },
  {
    what: 'missing op',
    text: withLine(20, '      - { dev: ep0 }'),
    line: 20,
    field: 'threads[1].ops[0].op',
    message: /^missing required field "op" \(one of register, unregister, /,
  },
  {
    what: 'bad reference: unknown device',
    text: withLine(20, '      - { op: reset, dev: ep2, expect: 0 }'),
    line: 20,
    field: 'threads[1].ops[0].dev',
    message: /^unknown device "ep2" \(did you mean "ep0"\?\); known: ep0, ep1$/,
  },
  {
    what: 'bad reference: unknown domain',
    text: withLine(17, '      - { op: pasidAttach, dev: ep0, domain: E, pasid: 1 }'),
    line: 17,
    field: 'threads[0].ops[1].domain',
    message: /^unknown domain "E": no domainAlloc names it; allocated: D$/,
  },
  {
    what: 'bad reference: unknown IOMMU',
    text: withLine(9, '    - { name: ep1, bus: 0, slot: 6, iommu: smmu1 }'),
    line: 9,
    field: 'topology.pci[1].iommu',
    message: /^unknown IOMMU "smmu1" \(did you mean "smmu0"\?\); known: smmu0$/,
  },
  {
    what: 'bad reference: a wait nothing signals',
    text: withLine(17, '      - { op: wait, event: go }'),
    line: 17,
    field: 'threads[0].ops[1].event',
    message: /^no operation signals event "go"/,
  },
  {
    what: 'bad reference: unknown pause point',
    text: withLine(9, '  pausePoints: [bus_iommu_probe:pci:phase3]'),
    line: 9,
    field: 'topology.pausePoints[0]',
    message: /^unknown pause point "bus_iommu_probe:pci:phase3" \(did you mean "bus_iommu_probe:pci:phase2"\?\)/,
  },
  {
    what: 'bad patch name',
    text: withLine(10, 'patches: [resetDoneAllDevice]'),
    line: 10,
    field: 'patches[0]',
    message: /^unknown patch "resetDoneAllDevice" \(did you mean "resetDoneAllDevices"\?\); `iommulab patches` lists them$/,
  },
  {
    what: 'bad expectation kind',
    text: withLine(21, 'expect: { violations: [use-after-fre] }'),
    line: 21,
    field: 'expect.violations[0]',
    message: /^unknown violation kind "use-after-fre" \(did you mean "use-after-free"\?\); one of warn, bug, /,
  },
  {
    what: 'bad expectation shape',
    text: withLine(21, 'expect: { pass: true, violations: [warn] }'),
    line: 21,
    field: 'expect',
    message: /^give either pass: true or violations: \[KIND, \.\.\.\]$/,
  },
  {
    what: 'bad errno name',
    text: withLine(16, '      - { op: attach, dev: ep0, domain: D, expect: [0, -EBSY] }'),
    line: 16,
    field: 'threads[0].ops[0].expect[1]',
    message: /^unknown errno "-EBSY" \(did you mean "-EBUSY"\?\)$/,
  },
  {
    what: 'errno without its minus',
    text: withLine(20, '      - { op: reset, dev: ep0, expect: EBUSY }'),
    line: 20,
    field: 'threads[1].ops[0].expect',
    message: /^unknown errno "EBUSY" \(kernel functions return negative errnos: write "-EBUSY"\)$/,
  },
  {
    what: 'duplicate device names',
    text: withLine(9, '    - { name: ep0, bus: 0, slot: 6 }'),
    line: 9,
    field: 'topology.pci[1].name',
    message: /^device name "ep0" is already used by topology\.pci\[0\]\.name$/,
  },
  {
    what: 'bus/slot collision',
    text: withLine(9, '    - { name: ep1, bus: 0, slot: 5 }'),
    line: 9,
    field: 'topology.pci[1].slot',
    message: /^PCI address \(bus:slot\.fn\) "0:5\.0" is already used by topology\.pci\[0\]\.slot$/,
  },
  {
    what: 'slot out of range',
    text: withLine(9, '    - { name: ep1, bus: 0, slot: 0x20 }'),
    line: 9,
    field: 'topology.pci[1].slot',
    message: /^32 is above the maximum 31$/,
  },
  {
    what: 'pasid out of range',
    text: withLine(17, '      - { op: pasidAttach, dev: ep0, domain: D, pasid: 0x100000 }'),
    line: 17,
    field: 'threads[0].ops[1].pasid',
    message: /^1048576 is above the maximum 1048575 \(0xfffff\)$/,
  },
  {
    what: 'a handle without the handle API',
    text: withLine(16, '      - { op: attach, dev: ep0, domain: D, handle: h }'),
    line: 16,
    field: 'threads[0].ops[0].handle',
    message: /^a handle is used only with api: handle$/,
  },
  {
    what: 'enum value misspelt',
    text: withLine(16, '      - { op: attach, dev: ep0, domain: D, api: grup }'),
    line: 16,
    field: 'threads[0].ops[0].api',
    message: /^"grup" is not one of device, group, handle \(did you mean "group"\?\)$/,
  },
  {
    what: 'unknown fault mode',
    text: withLine(11, 'faults: { mode: nht }\nprologue:'),
    line: 11,
    field: 'faults.mode',
    message: /^unknown fault mode "nht" \(did you mean "nth"\?\); one of none, nth, choice$/,
  },
  {
    what: 'scenario name with a space',
    text: withLine(1, 'name: my case'),
    line: 1,
    field: 'name',
    message: /^a scenario name is letters, digits/,
  },
  {
    what: 'empty file',
    text: '# nothing yet\n',
    line: 1,
    field: '',
    message: /^the file is empty/,
  },
  {
    what: 'a list at the top',
    text: '- name: a\n- name: b\n',
    line: 1,
    field: '',
    message: /^expected a mapping \(one scenario, or scenarios: \[\.\.\.\]\), got a list$/,
  },
  {
    what: 'two scenarios of one name in a list',
    text: `scenarios:\n  - ${withLine(1, 'name: twin').trimEnd().split('\n').join('\n    ')}\n  - ${withLine(1, 'name: twin').trimEnd().split('\n').join('\n    ')}\n`,
    line: 23,
    field: 'scenarios[1].name',
    message: /^scenario name "twin" is already used by scenarios\[0\]$/,
  },
  {
    what: 'an alias to no anchor',
    text: withLine(12, '  - *alloc'),
    line: 12,
    field: '',
    message: /^YAML: unknown alias \*alloc/,
  },
];

function problemsOf(text: string): readonly FileProblem[] {
  try {
    parseScenarioText(text, 'case.yaml');
  } catch (e) {
    if (e instanceof ScenarioFileError) return e.problems;
    throw e;
  }
  return [];
}

describe('scenario file errors name the file, the line and the field', () => {
  test('the base text of the cases is a valid scenario', () => {
    assert.deepEqual(problemsOf(withLine(1, 'name: case')), []);
  });

  for (const c of cases) {
    test(c.what, () => {
      const problems = problemsOf(c.text);
      const found = problems.find((p) => p.field === c.field && c.message.test(p.message));
      assert.ok(found !== undefined, `no problem ${c.field}: ${String(c.message)} in:\n${problems.map((p) => `${p.line}: ${p.field}: ${p.message}`).join('\n')}`);
      assert.equal(found.file, 'case.yaml');
      assert.equal(found.line, c.line, `${c.field}: ${found.message}`);
    });
  }
});

describe('iommulab exits 2 on a bad scenario file, with FILE:LINE: FIELD: and no stack trace', { concurrency: true }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iommulab-yaml-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const fileOf = (c: Case): string => {
    const file = join(dir, `case${cases.indexOf(c)}.yaml`);
    writeFileSync(file, c.text);
    return file;
  };
  const caseNamed = (what: string): Case => cases.find((x) => x.what === what)!;

  /** the case's line of stderr: FILE:LINE: FIELD: message */
  function assertReported(stderr: string, c: Case): void {
    const file = join(dir, `case${cases.indexOf(c)}.yaml`);
    const prefix = c.field === '' ? `${file}:${c.line}: ` : `${file}:${c.line}: ${c.field}: `;
    const line = stderr.split('\n').find((l) => l.startsWith(prefix));
    assert.ok(line !== undefined, `no line starting ${prefix} in:\n${stderr}`);
    assert.match(line.slice(prefix.length), c.message);
  }

  function assertRefused(r: { status: number; stdout: string; stderr: string }): void {
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, stackTrace);
  }

  // the kinds of mistake a user makes, in one `check` of eight files: every file is read first
  // and all their problems are reported together
  const kinds = [
    'malformed YAML: a key given twice',
    'wrong type: a word for an integer',
    'unknown operation',
    'unknown key in an operation',
    'missing required field of an operation',
    'bad reference: unknown device',
    'bad patch name',
    'bad expectation kind',
  ].map(caseNamed);
  let checked: Promise<{ status: number; stdout: string; stderr: string }> | null = null;
  const checkAll = () => (checked ??= iommulab('check', ...kinds.map(fileOf), 'iommu-lifecycle'));

  test('check runs nothing and exits 2', async () => assertRefused(await checkAll()));
  for (const c of kinds) test(`check: ${c.what}`, async () => assertReported((await checkAll()).stderr, c));

  test('list: bus/slot collision', async () => {
    const c = caseNamed('bus/slot collision');
    const r = await iommulab('list', fileOf(c));
    assertRefused(r);
    assertReported(r.stderr, c);
  });

  test('replay: an unknown operation', async () => {
    const c = caseNamed('unknown operation');
    const r = await iommulab('replay', fileOf(c), '-');
    assertRefused(r);
    assertReported(r.stderr, c);
  });

  test('a file that does not exist', async () => {
    const r = await iommulab('check', join(dir, 'missing.yaml'));
    assertRefused(r);
    assert.equal(r.stderr, `${join(dir, 'missing.yaml')}: cannot read the scenario file: no such file\n`);
  });

  test('FILE.yaml:NAME with a name the file does not have', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, withLine(1, 'name: good'));
    const r = await iommulab('check', `${file}:goood`);
    assertRefused(r);
    assert.equal(r.stderr, `iommulab: ${file} has no scenario "goood" (did you mean "good"?); it has good\n`);
  });
});
