// The model errors the triage of the fuzzer's arm-smmu-v3, intel-iommu and hardware-oracle
// signatures found (branch sighw; docs/FUZZING.md "Signatures of the default run that are not
// findings: arm-smmu-v3, intel-iommu and the hardware oracles"), one regression test each, each
// failing before its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkScenario } from '../src/check/check.js';
import { runOnce } from '../src/explorer/run-once.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import { signatureOf } from '../src/fuzz/signature.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { checkInline as check } from './support/inline-scenario.js';

const fixtureOf = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}.yaml`, import.meta.url));

/** the signatures one execution of a fixture reports along `schedule` */
function replayed(name: string, schedule: string): string[] {
  const [s] = loadScenarioFile(fixtureOf(name)).scenarios;
  const exec = runOnce(s!.program, decodeSchedule(schedule).choices, { faults: { mode: 'none' }, warnFails: true, trace: false, strict: false });
  return exec.violations.map((v) => signatureOf(v));
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

describe('I5 at the free of an IO page table handle and a root frame another domain took', () => {
  // the fuzzer's `invariant in io_pgtable_free via device_del: I5: iommu0 stream N RID still
  // translates through freed page[0xN]` (and `via iommu_device_unregister`, `via
  // iommu_domain_free` on VT-d): free_io_pgtable_ops() frees the table pages, then the handle; by
  // the handle's kfree another domain's root may sit in the frame, and its own device's entry was
  // taken for the freed table's
  it('an entry on the domain that reused the frame is not reported', () => {
    const sigs = replayed('smmuv3-table-frame-reuse', '1x68.2x50');
    assert.deepEqual(sigs.filter((x) => x.includes('I5')), [], sigs.join('\n'));
  });
});

describe('finding F27: a group member removed while the group has a PASID keeps it in the driver', () => {
  const scenarios = loadScenarioFile(fixtureOf('remove-pasid-member')).scenarios;
  const checkedNamed = (name: string): string[] => {
    const o = checkScenario(scenarios.find((s) => s.name === name)!);
    assert.equal(o.exhaustive, true);
    assert.equal(o.matches, true, o.violations.map((v) => v.signature).join('\n'));
    return o.violations.map((v) => v.signature);
  };
  it('intel-iommu: the removed function\'s dev_pasid_info, cache tags and DID reference outlive the domain', () => {
    const sigs = checkedNamed('remove-pasid-member-vtd');
    assert.ok(sigs.includes('leak: kmemleak: unreferenced object dev_pasid_info:ep0/N'), sigs.join('\n'));
    assert.ok(sigs.some((s) => s.startsWith('leak: kmemleak: unreferenced object iommu_domain_info:')), sigs.join('\n'));
  });
  it('arm-smmu-v3: the domain\'s next ATC invalidation reads the freed master', () => {
    const sigs = checkedNamed('remove-pasid-member-smmuv3');
    assert.ok(sigs.some((s) => s.startsWith('use-after-free in arm_smmu_atc_inv_domain')), sigs.join('\n'));
  });
});

describe('a DMA-API driver\'s PASID attach needs the driver bound', () => {
  // the fuzzer's minimized `null-deref in arm_smmu_set_pasid via iommu_attach_device_pasid:
  // sid_domain` had the driver's bind fail (-EPROBE_DEFER: the registration was between its probe
  // phases) and its PASID attach still issued; the kernel driver is not bound then and attaches
  // nothing. (With the bind done before the registration, the same NULL dereference is F13's
  // window: docs/FUZZING.md.)
  it('after the driver unbound, the PASID attach through the device is not issued (-ENODEV)', () => {
    const sigs = check('dma-api-pasid-unbound', [
      'topology:',
      '  iommus: [ { name: iommu0, driver: smmuv3 } ]',
      '  pci: [ { name: ep0, bus: 0, slot: 1, pasids: 16 } ]',
      'threads:',
      '  - name: t0',
      '    ops:',
      '      - { op: bind, dev: ep0 }',
      '      - { op: unbind, dev: ep0 }',
      '      - { op: domainAlloc, dev: ep0, domain: D0, pasid: true }',
      '      - { op: pasidAttach, dev: ep0, domain: D0, pasid: 1, expect: -ENODEV }',
      'epilogue:',
      '  - { op: domainFree, domain: D0 }',
      'expect: pass',
    ]);
    assert.deepEqual(sigs, []);
  });
});
