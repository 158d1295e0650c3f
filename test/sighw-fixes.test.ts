// The model errors the triage of the fuzzer's arm-smmu-v3, intel-iommu and hardware-oracle
// signatures found (branch sighw; docs/FUZZING.md "Signatures of the default run that are not
// findings: arm-smmu-v3, intel-iommu and the hardware oracles"), one regression test each, each
// failing before its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { scenarioFileOf } from '../src/scenarios/file/load.js';

function check(name: string, lines: readonly string[]): string[] {
  const [s] = scenarioFileOf(`${name}.yaml`, Buffer.from([`name: ${name}`, `summary: ${name}`, `description: ${name}`, ...lines].join('\n'))).scenarios;
  const o = checkScenario(s!);
  assert.equal(o.exhaustive, true);
  return o.violations.map((v) => v.signature);
}

describe('H1 (page owners) and an ATC entry an identity translation filled', () => {
  // the fuzzer's `dma-isolation in isolation via dma_access: ... through the device's ATC of
  // iommu0: a free page` (489 in the 10-minute run): VT-d keeps ATS on under pass-through
  // (hardware.md §2.7), so the function's translation request gets IOVA = PA and its translated
  // write lands wherever it points. Identity is all memory (§6 H1), as for bypass.
  it('a DMA through pass-through with ATS on VT-d reaches any page', () => {
    const sigs = check('vtd-identity-ats-dma', [
      'topology:',
      '  iommus: [ { name: iommu0, driver: vtd } ]',
      '  pci: [ { name: ep0, bus: 0, slot: 1, ats: true } ]',
      '  defaultDomainType: identity',
      'threads:',
      '  - name: t0',
      '    ops:',
      '      - { op: dma, dev: ep0, iova: 155648 }',
      '      - { op: dma, dev: ep0, iova: 155648 }',
      'expect: pass',
    ]);
    assert.deepEqual(sigs, []);
  });
});
