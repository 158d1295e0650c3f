// Patch toggles with several values (core/patches.ts), scenarios in other toggle settings
// (NAME@SETTINGS, declared `variants`), and how the command line and scenario files set them.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { noPatches, parsePatchArg, patchRegistry, patchSettingsText, withPatches } from '../src/core/patches.js';
import { parseScenarioText } from '../src/scenarios/file/load.js';
import { iommuReleaseLastMember } from '../src/scenarios/iommu/findings/release-order.js';
import { findScenario } from '../src/scenarios/registry.js';
import { scenarioNamed, VariantNameError } from '../src/scenarios/variants.js';
import { inProcess, scratchDir } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('patch toggles', () => {
  it('every toggle has its values, a default among them, a source and a commit; the defaults are the baseline', () => {
    for (const p of patchRegistry) {
      const values: Readonly<Record<string, string>> = p.values;
      assert.ok(Object.keys(values).length >= 2, p.name);
      assert.ok(Object.keys(values).includes(p.default), p.name);
      assert.ok(p.source.length > 0 && p.commit.length > 0, p.name);
    }
    assert.equal(noPatches.releaseOrder, 'final');
    assert.equal(noPatches.resetDoneAllDevices, false);
    assert.equal(noPatches.resetFence, 'merged');
  });

  it('NAME turns an off/on toggle on; NAME=VALUE sets any; errors name the accepted values', () => {
    assert.deepEqual(parsePatchArg('resetDoneAllDevices'), { name: 'resetDoneAllDevices', value: true });
    assert.deepEqual(parsePatchArg('resetDoneAllDevices=off'), { name: 'resetDoneAllDevices', value: false });
    assert.deepEqual(parsePatchArg('releaseOrder=old'), { name: 'releaseOrder', value: 'old' });
    assert.match((parsePatchArg('releaseOrder') as { error: string }).error, /needs a value: .*old, reversal2022/);
    assert.match((parsePatchArg('releaseOrder=new') as { error: string }).error, /releaseOrder takes final, old, reversal2022/);
    assert.match((parsePatchArg('releaseOrdr=old') as { error: string }).error, /unknown patch "releaseOrdr"/);
    const p = withPatches(['resetDoneAllDevices', { releaseOrder: 'reversal2022' }]);
    assert.equal(p.resetDoneAllDevices, true);
    assert.equal(p.releaseOrder, 'reversal2022');
    assert.equal(patchSettingsText({ releaseOrder: 'old', resetDoneAllDevices: true }), 'releaseOrder=old,resetDoneAllDevices');
  });
});

describe('scenarios in other settings', () => {
  it('NAME@SETTINGS builds the scenario in that setting, named canonically, with the declared expectation', () => {
    const old = findScenario('iommu-release-last-member@releaseOrder=old')!;
    assert.equal(old.name, 'iommu-release-last-member@releaseOrder=old');
    // the old order frees the default domain under the attached device: I5, and ops->free's contract
    assert.deepEqual(old.expect, { violations: ['invariant', 'driver-contract'] });
    assert.equal(old.patches!.releaseOrder, 'old');
    // its own setting is the scenario itself; an undeclared one expects what the scenario does
    assert.equal(findScenario('iommu-release-last-member@releaseOrder=final')!.name, 'iommu-release-last-member');
    const undeclared = findScenario('iommu-release-last-member@resetDoneAllDevices')!;
    assert.deepEqual(undeclared.expect, iommuReleaseLastMember.expect);
    // settings in any order name the same scenario
    const a = findScenario('iommu-reset-pasid-detach@resetDoneAllDevices,resetDriverQuery=groupDomain')!;
    const b = findScenario('iommu-reset-pasid-detach@resetDriverQuery=groupDomain,resetDoneAllDevices')!;
    assert.equal(a.name, b.name);
    assert.throws(() => scenarioNamed([iommuReleaseLastMember], 'iommu-release-last-member@releaseOrder=nope'), VariantNameError);
    assert.equal(findScenario('iommu-release-last-member@releaseOrder=nope'), undefined);
    assert.throws(() => scenarioNamed([findScenario('lost-update')!], 'lost-update@resetDoneAllDevices'), /no patch toggles/);
  });

  it('the declared variants of a scenario are scenarios with their own expectations', () => {
    const s = iommuReleaseLastMember;
    assert.deepEqual(s.variants!.map((v) => v.name), [
      'iommu-release-last-member@releaseOrder=old',
      'iommu-release-last-member@releaseOrder=reversal2022',
    ]);
    assert.deepEqual(s.variants!.map((v) => v.expect), [{ violations: ['invariant', 'driver-contract'] }, { violations: ['invariant'] }]);
  });

  it('a scenario file sets toggles as NAME or NAME: VALUE and declares variants; bad ones are refused with their line', () => {
    const text = (patches: string, variants: string): string => `
name: f
summary: s
description: d
topology:
  iommus: [{ name: smmu0 }]
  pci: [{ name: ep0, bus: 0, slot: 1 }]
threads:
  - name: t
    ops: [{ op: remove, dev: ep0 }]
expect: pass
patches: ${patches}
variants: ${variants}
`;
    const [spec] = parseScenarioText(text('[resetDoneAllDevices, releaseOrder: final]', '[{ patches: [releaseOrder: old], expect: { violations: [invariant] } }]'), 'x.yaml');
    assert.deepEqual(spec!.patches, ['resetDoneAllDevices', { releaseOrder: 'final' }]);
    assert.deepEqual(spec!.variants, [{ patches: [{ releaseOrder: 'old' }], expect: { violations: ['invariant'] } }]);
    const bad = (p: string, v: string, re: RegExp): void => assert.throws(() => parseScenarioText(text(p, v), 'x.yaml'), re);
    bad('[releaseOrder]', '[{ patches: [releaseOrder: old], expect: pass }]', /x\.yaml:12: patches\[0\]: releaseOrder needs a value: `releaseOrder: VALUE` with VALUE one of final, old, reversal2022/);
    bad('[releaseOrder: new]', '[{ patches: [releaseOrder: old], expect: pass }]', /patches\[0\]: releaseOrder takes final, old, reversal2022; got "new"/);
    bad('[]', '[{ patches: [releaseOrder: final], expect: pass }]', /variants\[0\]\.patches: this is the scenario's own setting/);
    bad('[]', '[{ patches: [resetDoneAllDevices], expect: pass }, { patches: [resetDoneAllDevices: on], expect: pass }]', /variants\[1\]\.patches: the same setting as variants\[0\]/);
  });
});

describe('the command line', () => {
  it('`patches` lists every toggle with its values, the default, the source and the commit', async () => {
    const r = await inProcess(['patches']);
    assert.equal(r.code, 0);
    for (const p of patchRegistry) assert.match(r.stdout, new RegExp(`^${p.name}: `, 'm'));
    assert.match(r.stdout, /^ {2}final \(default\) +v6\.4\/v6\.5: /m);
    assert.match(r.stdout, /^ {2}reversal2022 +9ac8545199a1: /m);
    assert.match(r.stdout, /^ {2}commit: old: before 9ac8545199a1; reversal2022: 9ac8545199a1/m);
  });

  it('check runs a scenario and its declared variants; --patch runs it in one setting; --json reports the settings', async () => {
    const all = await inProcess(['check', 'iommu-release-last-member', '--workers', '1']);
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.match(all.stdout, /^ok +iommu-release-last-member +pass/m);
    assert.match(all.stdout, /^ok +iommu-release-last-member@releaseOrder=old +violation: invariant/m);
    assert.match(all.stdout, /^ok +iommu-release-last-member@releaseOrder=reversal2022 +violation: invariant/m);
    const one = await inProcess(['check', 'iommu-release-last-member', '--patch', 'releaseOrder=old', '--json', '--workers', '1']);
    assert.equal(one.code, 0, one.stderr);
    type Outcome = { scenario: string; patches: Record<string, string>; violations: Array<{ schedule: string }> };
    const doc = JSON.parse(one.stdout) as { scenarios: Outcome[] };
    assert.deepEqual(doc.scenarios.map((o) => o.scenario), ['iommu-release-last-member@releaseOrder=old']);
    assert.equal(doc.scenarios[0]!.patches.releaseOrder, 'old');
    assert.equal(doc.scenarios[0]!.patches.resetFence, 'merged');
    // the replay key names the setting: it reproduces the violation without --patch
    const replay = await inProcess(['replay', doc.scenarios[0]!.scenario, doc.scenarios[0]!.violations[0]!.schedule]);
    assert.equal(replay.code, 1);
    assert.match(replay.stdout, /^replay: iommulab replay iommu-release-last-member@releaseOrder=old /);
    assert.match(replay.stdout, /invariant violated: I5: /);
    const viaFlag = await inProcess(['replay', 'iommu-release-last-member', '--patch', 'releaseOrder=old', '-']);
    assert.equal(viaFlag.stdout, replay.stdout);
  });

  it('--patch is in the checkpoint (the scenario names, under its digest): a resume runs that setting and takes no --patch', async () => {
    const cp = join(dir, 'patched-cp.json');
    const first = await inProcess(['check', 'iommu-release-last-member', '--patch', 'releaseOrder=old', '--checkpoint', cp, '--workers', '1']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const saved = JSON.parse(readFileSync(cp, 'utf8')) as { scenarios: string[] };
    assert.deepEqual(saved.scenarios, ['iommu-release-last-member@releaseOrder=old']);
    const resumed = await inProcess(['check', '--resume', cp, '--workers', '1']);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /^ok +iommu-release-last-member@releaseOrder=old +violation: invariant/m);
    const given = await inProcess(['check', '--resume', cp, '--patch', 'releaseOrder=final']);
    assert.equal(given.code, 2);
    assert.match(given.stderr, /--resume takes the scenarios and options from the checkpoint; do not give --patch/);
    // the setting edited out of the checkpoint: the digest refuses it
    writeFileSync(cp, JSON.stringify({ ...saved, scenarios: ['iommu-release-last-member'] }));
    const edited = await inProcess(['check', '--resume', cp]);
    assert.equal(edited.code, 2);
    assert.match(edited.stderr, /digest: does not match the content/);
  });

  it('a bad --patch is a usage error naming it, without a stack trace', async () => {
    const r = await inProcess(['check', 'iommu-release-last-member', '--patch', 'releaseOrder=later']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--patch: releaseOrder takes final, old, reversal2022; got "later"/);
    const ex = await inProcess(['check', 'lost-update', '--patch', 'resetDoneAllDevices']);
    assert.equal(ex.code, 2);
    assert.match(ex.stderr, /none of these scenarios has patch toggles/);
  });

  it('a scenario file\'s variants run with check FILE and replay by FILE:NAME@SETTINGS', async () => {
    const file = join(dir, 'variants.yaml');
    writeFileSync(file, `
name: last
summary: s
description: d
topology:
  iommus: [{ name: smmu0 }]
  pci: [{ name: ep0, bus: 0, slot: 4 }]
  defaultDomainType: dma
prologue: [{ op: bind, dev: ep0 }]
threads:
  - name: remove
    ops: [{ op: remove, dev: ep0, expect: 0 }]
expect: pass
variants:
  - patches: [releaseOrder: old]
    expect: { violations: [invariant, driver-contract] }
`);
    const r = await inProcess(['check', file, '--workers', '2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok +last@releaseOrder=old +violation: invariant/m);
    const replay = await inProcess(['replay', `${file}:last@releaseOrder=old`, '-']);
    assert.equal(replay.code, 1);
    assert.match(replay.stdout, /invariant violated: I5: /);
  });
});
