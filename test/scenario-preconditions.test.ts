// Kernel preconditions of scenario operations (scenarios/iommu/preconditions.ts): an operation
// only a bound driver performs needs a `bind` of its device that may run before it, an undo
// needs what it undoes; a scenario file reports the line and field; the built-ins meet them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENODEV } from '../src/sync/index.js';
import { ScenarioFileError } from '../src/scenarios/file/file-error.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { pathText, validateSpec } from '../src/scenarios/iommu/validate.js';
import type { IommuScenarioSpec, Op } from '../src/scenarios/iommu/spec.js';
import { kinds, pciTopology, run, spec } from './support/iommu.js';

const topo = pciTopology([{ name: 'ep0', bus: 0, slot: 5 }]);

function problems(s: IommuScenarioSpec): string[] {
  return validateSpec(s).map((i) => `${pathText(i.path)}: ${i.message}`);
}

function threads(...ops: Op[][]): IommuScenarioSpec {
  return { ...spec(topo), threads: ops.map((o, i) => ({ name: `t${i}`, ops: o })) };
}

describe('scenario operation preconditions', () => {
  it('driver operations without a bind of the device are refused, naming the field', () => {
    const p = problems(threads([
      { op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b' },
      { op: 'prepareMsi', dev: 'ep0', doorbell: 0x8000000 },
      { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
      { op: 'attach', dev: 'ep0', domain: 'D' },
      { op: 'unbind', dev: 'ep0' },
    ]));
    assert.deepEqual(p.map((x) => x.split(':')[0]), ['threads[0].ops[0].op', 'threads[0].ops[1].op', 'threads[0].ops[3].op', 'threads[0].ops[4].op']);
    assert.match(p[0]!, /dmaMap needs a `bind` of "ep0"/);
  });

  it('a device claim needs a driver_managed_dma bind; a group claim does not', () => {
    const p = problems(threads([
      { op: 'bind', dev: 'ep0' },
      { op: 'claim', dev: 'ep0', owner: 'o' },
      { op: 'claim', dev: 'ep0', owner: 'o', group: true },
    ]));
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^threads\[0\]\.ops\[1\]\.op: claim needs a `bind` of "ep0" with driverManagedDma/);
  });

  it('an undo needs what it undoes: releaseOwner (same API), detach, pasidDetach (same PASID)', () => {
    const p = problems(threads([
      { op: 'bind', dev: 'ep0', driverManagedDma: true },
      { op: 'claim', dev: 'ep0', owner: 'o' },
      { op: 'releaseOwner', dev: 'ep0', group: true },
      { op: 'detach', dev: 'ep0' },
      { op: 'domainAlloc', dev: 'ep0', domain: 'S', pasid: true },
      { op: 'pasidAttach', dev: 'ep0', domain: 'S', pasid: 1 },
      { op: 'pasidDetach', dev: 'ep0', domain: 'S', pasid: 2 },
    ]));
    assert.deepEqual(p.map((x) => x.split(':')[0]), ['threads[0].ops[2].op', 'threads[0].ops[3].op', 'threads[0].ops[6].op']);
  });

  it('"before" is the program order the threads allow: another thread counts, a later op of the same thread or the epilogue does not', () => {
    assert.deepEqual(problems(threads([{ op: 'bind', dev: 'ep0' }], [{ op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b', expect: [0, -ENODEV] }])), []);
    assert.equal(problems(threads([{ op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b' }, { op: 'bind', dev: 'ep0' }])).length, 1);
    assert.equal(problems({ ...threads([{ op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b' }]), epilogue: [{ op: 'bind', dev: 'ep0' }] }).length, 1);
    assert.deepEqual(problems({ ...threads([{ op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b' }]), prologue: [{ op: 'bind', dev: 'ep0' }] }), []);
  });

  it('at run time a driver operation with no driver bound at that moment is not issued (-ENODEV)', () => {
    const r = run(threads([{ op: 'bind', dev: 'ep0' }], [
      { op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b', expect: [0, -ENODEV] },
      { op: 'prepareMsi', dev: 'ep0', doorbell: 0x8000000, expect: [0, -ENODEV] },
    ]), undefined, { choices: [2] }); // thread 0 is the prologue
    assert.deepEqual(r.results[1], [-ENODEV, -ENODEV], 'the second thread ran first');
    assert.deepEqual(kinds(r), []);
    // and after the bind, the driver's operations are issued (the check is an event of its own)
    const after = run(threads([{ op: 'bind', dev: 'ep0' }], [
      { op: 'dmaMap', dev: 'ep0', paddr: 0x1000, as: 'b', expect: [0, -ENODEV] },
      { op: 'prepareMsi', dev: 'ep0', doorbell: 0x8000000, expect: [0, -ENODEV] },
    ]), undefined, { choices: [1] });
    assert.deepEqual(after.results[1], [0, 0], 'the first thread ran first');
  });

  it('a scenario file reports the line', () => {
    const file = join(tmpdir(), `precond-${process.pid}.yaml`);
    writeFileSync(file, [
      'name: p',
      'summary: s',
      'description: d',
      'topology:',
      '  iommus: [{ name: smmu0 }]',
      '  pci: [{ name: ep0, bus: 0, slot: 5 }]',
      'threads:',
      '  - name: t',
      '    ops:',
      '      - { op: dmaMap, dev: ep0, paddr: 0x1000, as: b }',
      'expect: pass',
      '',
    ].join('\n'));
    assert.throws(() => loadScenarioFile(file), (e: unknown) => {
      assert.ok(e instanceof ScenarioFileError);
      assert.match(e.message, /precond-\d+\.yaml:10: threads\[0\]\.ops\[0\]\.op: dmaMap needs a `bind` of "ep0"/);
      return true;
    });
  });
});
