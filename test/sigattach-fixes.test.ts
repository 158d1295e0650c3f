// The model errors the triage of the fuzzer's attach, detach, ownership and domain-free
// signatures found (branch sigattach; docs/FUZZING.md "Signatures of the default run that are not
// findings: sigattach"), one regression test each, each failing before its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkScenario } from '../src/check/check.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { checkInline as check } from './support/inline-scenario.js';

describe('an owner whose claim failed does not attach (the rule is branch sigreg\'s, ledger ownerOf())', () => {
  // the fuzzer's `warn in __iommu_release_dma_ownership via iommu_group_release_dma_owner:
  // WARN_ON(!group->owner_cnt || !group->owner || !xa_empty(&group->pasid_array))` (1,238 in the
  // default run of 2026-12-05 13:13): a second VFIO container's claim of an owned group is refused
  // (-EPERM), the program attached its domain anyway (the handle landed in pasid_array[0] of the
  // other owner's group), and the first owner's release WARNed. Without a container (VFIO) or an
  // iommufd device (iommufd_device_bind() failed) there is nothing to attach through.
  it('the attach, replace and PASID attach after the failed claim are not issued and the release is clean', () => {
    const sigs = check('refused-claim-attach', [
      'topology:',
      '  iommus: [ { name: iommu0 } ]',
      '  pci:',
      '    - { name: ep0, bus: 0, slot: 1, multifunction: true }',
      '    - { name: ep1, bus: 0, slot: 1, fn: 1, multifunction: true }',
      'threads:',
      '  - name: t0',
      '    ops:',
      '      - { op: bind, dev: ep0, driverManagedDma: true }',
      '      - { op: claim, dev: ep0, owner: vfio-container, group: true }',
      '      - { op: bind, dev: ep1, driverManagedDma: true }',
      '      - { op: claim, dev: ep1, owner: iommufd, expect: [-EPERM] }',
      '      - { op: domainAlloc, dev: ep1, domain: D0, iommufd: true }',
      '      - { op: attach, dev: ep1, domain: D0, api: handle, handle: h0, expect: [-ENODEV] }',
      '      - { op: replace, dev: ep1, domain: D0, handle: h1, expect: [-ENODEV] }',
      '      - { op: pasidAttach, dev: ep1, domain: D0, pasid: 1, expect: [-ENODEV] }',
      '      - { op: releaseOwner, dev: ep0, group: true }',
      '      - { op: domainFree, domain: D0 }',
      'expect: pass',
    ]);
    assert.deepEqual(sigs, []);
  });

  it('after a rebind and a claim that holds, the attach runs', () => {
    check('refused-claim-rebind', [
      'topology:',
      '  iommus: [ { name: iommu0 } ]',
      '  pci:',
      '    - { name: ep0, bus: 0, slot: 1, multifunction: true }',
      '    - { name: ep1, bus: 0, slot: 1, fn: 1, multifunction: true }',
      'threads:',
      '  - name: t0',
      '    ops:',
      '      - { op: bind, dev: ep0, driverManagedDma: true }',
      '      - { op: claim, dev: ep0, owner: vfio-container, group: true }',
      '      - { op: bind, dev: ep1, driverManagedDma: true }',
      '      - { op: claim, dev: ep1, owner: iommufd, expect: [-EPERM] }',
      '      - { op: releaseOwner, dev: ep0, group: true }',
      '      - { op: unbind, dev: ep1 }',
      '      - { op: bind, dev: ep1, driverManagedDma: true }',
      '      - { op: claim, dev: ep1, owner: iommufd }',
      '      - { op: domainAlloc, dev: ep1, domain: D0, iommufd: true }',
      '      - { op: attach, dev: ep1, domain: D0, api: handle, handle: h0, expect: [0] }',
      '      - { op: detach, dev: ep1, domain: D0 }',
      '      - { op: releaseOwner, dev: ep1 }',
      '      - { op: domainFree, domain: D0 }',
      'expect: pass',
    ]);
  });
});

describe('iommu_attach_device() needs the driver bound at that moment', () => {
  // the fuzzer's `warn in iommu_detach_device: WARN_ON(domain != group->domain)` (6): the
  // platform device's bind was deferred (no IOMMU yet), the program's attach (the bound driver's
  // call) ran anyway, and with no driver using the default domain the sysfs `type` write was
  // allowed to switch the group under the attached domain (owner_cnt 0)
  it('the attach of a device whose bind was deferred is not issued', () => {
    const sigs = check('attach-device-unbound', [
      'topology:',
      '  iommus: [ { name: iommu0, registered: false } ]',
      '  pci: []',
      '  platform: [ { name: plat0 } ]',
      'threads:',
      '  - name: t0',
      '    ops:',
      '      - { op: bind, dev: plat0, expect: [-EPROBE_DEFER] }',
      '      - { op: register, iommu: iommu0 }',
      '      - { op: domainAlloc, dev: plat0, domain: D0 }',
      '      - { op: attach, dev: plat0, domain: D0, api: device, expect: [-ENODEV] }',
      '      - { op: setType, dev: plat0, type: identity }',
      '      - { op: detach, dev: plat0, domain: D0, expect: [-ENOENT] }',
      '      - { op: domainFree, domain: D0 }',
      'expect: pass',
    ]);
    assert.deepEqual(sigs, []);
  });
});

describe('finding F30: a function joins a group its only member\'s driver attached a domain to', () => {
  // the fuzzer's `warn in iommu_detach_device: WARN_ON(list_count_nodes(&group->devices) != N)` (9):
  // iommu_attach_device() checked the group had one device; the newcomer is attached to the
  // driver's domain, the detach WARNs and does nothing, the free leaves both translating
  it('each driver: the WARN, then the domain freed under its users', () => {
    const file = fileURLToPath(new URL('../../test/fixtures/attach-device-member-joins.yaml', import.meta.url));
    const scenarios = loadScenarioFile(file).scenarios;
    assert.equal(scenarios.length, 3);
    for (const s of scenarios) {
      const o = checkScenario(s);
      assert.equal(o.exhaustive, true);
      assert.equal(o.matches, true, `${s.name}: ${o.violations.map((v) => v.signature).join('; ')}`);
      const sigs = o.violations.map((v) => v.signature);
      assert.ok(sigs.includes('warn in iommu_detach_device: WARNING: WARN_ON(list_count_nodes(&group->devices) != N)'), sigs.join('\n'));
      assert.ok(sigs.some((x) => x.includes('ops->free(domain:D0#N) while iommu0 stream')), sigs.join('\n'));
    }
  });
});
