// The PCI core's reset methods as corrected in spec core.md §4.12 (issue 10): where each one
// calls the IOMMU hooks (probe mode included), what each returns, the sysfs reset_method write,
// and iommu_dma_init_domain() once per domain (§4.3).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { dmaMapPage, iommuSetupDmaOps } from '../src/dma/dma-iommu.js';
import { sameTranslation } from '../src/hw/translation.js';
import type { PciDev } from '../src/pci/pci.js';
import { __pciResetFunctionLocked, pciDevSpecificReset, pciResetBusFunction, pciResetFunction } from '../src/pci/reset.js';
import { iommuIovaInitOnce } from '../src/scenarios/iommu/findings/iova-init-once.js';
import { iommuResetNested } from '../src/scenarios/iommu/findings/reset-nested.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { findScenario } from '../src/scenarios/registry.js';
import { EBUSY, EINVAL, ENOTTY } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

function pci(w: IommuWorld, name: string): PciDev {
  return w.devices.get(name) as PciDev;
}

/** the function's RID is what group->domain translates to */
function onGroupDomain(w: IommuWorld, name: string): boolean {
  const d = pci(w, name);
  const o = w.truth;
  return sameTranslation(o.installed(d, null), o.translationOf(d.iommuGroup!.domain!));
}

describe('reset methods that call the hooks in probe mode', () => {
  it('pci_reset_bus_function() runs prepare and done before knowing the method applies: probe mode, -ENOTTY', () => {
    // two functions on one bus behind a port: no secondary bus reset for either
    const t = pciTopology([
      { name: 'rp', bus: 0, slot: 1, bridge: { secondary: 1 }, acs: true },
      { name: 'x', bus: 1, slot: 0, ats: true, reset: [] },
      { name: 'y', bus: 1, slot: 1, reset: [] },
    ]);
    const r = run(spec(t), [function* (w) {
      const x = pci(w, 'x');
      assert.equal(x.iommuGroup!.blockingDomain, null, 'nothing allocated the blocking domain yet');
      assert.equal(yield* pciResetBusFunction(x, true), -ENOTTY);
      assert.notEqual(x.iommuGroup!.blockingDomain, null, 'prepare ran (it allocates the blocking domain)');
      assert.equal(x.iommuGroup!.resettingDomain, null, 'done ran after -ENOTTY');
      assert.ok(onGroupDomain(w, 'x'), 'and put the RID back');
      assert.equal(x.ep.resets, 0);
      assert.equal(x.ep.atsEnabled, true, 'ATS back on');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('the pci_dev_specific_reset() wrapper runs prepare and done in probe mode and for a function without a quirk', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, reset: ['flr'] }])), [function* (w) {
      const a = pci(w, 'a');
      assert.equal(yield* pciDevSpecificReset(a, true), -ENOTTY, 'no quirk');
      assert.notEqual(a.iommuGroup!.blockingDomain, null, 'prepare ran');
      assert.equal(a.iommuGroup!.resettingDomain, null, 'done ran');
      assert.ok(onGroupDomain(w, 'a'));
      assert.equal(a.ep.resets, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a real secondary bus reset of a function alone on its bus still works', () => {
    const t = pciTopology([
      { name: 'rp', bus: 0, slot: 1, bridge: { secondary: 1 }, acs: true },
      { name: 'x', bus: 1, slot: 0, ats: true, reset: [] },
    ]);
    const r = run(spec(t), [function* (w) {
      assert.deepEqual(pci(w, 'x').resetMethods, ['bus']);
      assert.equal(yield* op(w, { op: 'reset', dev: 'x' }), 0);
      assert.equal(pci(w, 'x').ep.resets, 1);
      assert.ok(onGroupDomain(w, 'x'));
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('what the reset methods return', () => {
  it('a quirk that resets through pcie_flr() ignores its result: success for a reset that never happened (F2)', () => {
    const t = pciTopology([{ name: 'nvme0', bus: 0, slot: 7, ats: true, reset: ['device_specific', 'flr'], quirkResetViaFlr: true }]);
    const r = run(spec(t), [function* (w) {
      assert.equal(yield* op(w, { op: 'reset', dev: 'nvme0', method: 'device_specific' }), 0);
      assert.equal(pci(w, 'nvme0').ep.resets, 0, 'the inner pcie_flr() returned -EBUSY before resetting');
      assert.ok(onGroupDomain(w, 'nvme0'));
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
    const o = checkScenario(iommuResetNested);
    assert.equal(o.matches, true);
    assert.match(o.violations[0]!.splat, /WARN_ON\(group->resetting_domain\)/);
  });

  it('a CXL bus reset re-enters prepare through pci_reset_bus_function() and fails with -EBUSY', () => {
    const t = pciTopology([
      { name: 'rp1', bus: 0, slot: 8, bridge: { secondary: 1 }, acs: true },
      { name: 'cxl0', bus: 1, slot: 0, ats: true, reset: [], cxl: true },
    ]);
    const r = run(spec(t), [function* (w) {
      const c = pci(w, 'cxl0');
      assert.deepEqual(c.resetMethods, ['cxl_bus'], 'its bus reset is masked outside cxl_bus');
      assert.equal(yield* op(w, { op: 'reset', dev: 'cxl0' }), -EBUSY);
      assert.equal(c.ep.resets, 0);
      assert.equal(c.cxlSbrUnmasked, false, 'the port\'s SBR mask is restored');
      assert.equal(c.iommuGroup!.resettingDomain, null, 'the outer done ran');
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('pcie_flr() returns its final wait\'s result: a function not ready in time gives -ENOTTY, after done', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, reset: ['flr'], resetTimeout: true }])), [function* (w) {
      const a = pci(w, 'a');
      assert.equal(yield* op(w, { op: 'reset', dev: 'a' }), -ENOTTY);
      assert.equal(a.ep.resets, 1, 'the FLR was issued');
      assert.equal(a.iommuGroup!.resettingDomain, null, 'done ran');
      assert.ok(onGroupDomain(w, 'a'));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('pci_pm_reset() refuses a function not in D0 before prepare; pci_reset_function() wakes it first', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, reset: ['pm'] }])), [function* (w) {
      const a = pci(w, 'a');
      a.currentState = 'D3hot';
      // __pci_reset_function_locked() alone (as vfio-pci's disable path calls it): no wake-up
      assert.equal(yield* __pciResetFunctionLocked(a), -EINVAL);
      assert.equal(a.iommuGroup!.blockingDomain, null, 'prepare never ran');
      assert.equal(a.ep.resets, 0);
      // pci_dev_save_and_disable() puts it in D0 first
      assert.equal(yield* pciResetFunction(a), 0);
      assert.equal(a.currentState, 'D0');
      assert.equal(a.ep.resets, 1);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a failing _RST gives -ENOTTY and done still runs', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, reset: ['acpi'], acpiResetFails: true }]);
    const r = run(spec(t), [function* (w) {
      const a = pci(w, 'a');
      assert.equal(yield* op(w, { op: 'reset', dev: 'a' }), -ENOTTY);
      assert.notEqual(a.iommuGroup!.blockingDomain, null, 'prepare ran');
      assert.equal(a.iommuGroup!.resettingDomain, null, 'done ran');
      assert.ok(onGroupDomain(w, 'a'));
      assert.equal(a.ep.resets, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('sysfs reset_method (the resetMethod operation)', () => {
  it('probes each method, keeps the list, refuses an unsupported one, and `default` enumerates again', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, reset: ['flr', 'pm'] }])), [function* (w) {
      const a = pci(w, 'a');
      assert.equal(yield* op(w, { op: 'resetMethod', dev: 'a', methods: ['pm'] }), 0);
      assert.deepEqual(a.resetMethods, ['pm']);
      assert.equal(yield* op(w, { op: 'resetMethod', dev: 'a', methods: ['pm', 'acpi'] }), -EINVAL);
      assert.deepEqual(a.resetMethods, ['pm'], 'unchanged on error');
      assert.equal(yield* op(w, { op: 'resetMethod', dev: 'a', methods: [] }), 0);
      assert.equal(yield* op(w, { op: 'reset', dev: 'a' }), -ENOTTY, 'resets disabled');
      assert.equal(yield* op(w, { op: 'resetMethod', dev: 'a', methods: 'default' }), 0);
      assert.deepEqual(a.resetMethods, ['flr', 'pm']);
      assert.equal(a.ep.resets, 0, 'probing resets nothing');
      assert.ok(onGroupDomain(w, 'a'), 'the probe-mode hooks put the RID back');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('finding: the write blocks a live device\'s DMA; racing a reset it WARNs and can leave no method', () => {
    for (const name of ['iommu-reset-method-live', 'iommu-reset-method-vs-reset']) {
      const s = checkScenarioNamed(name);
      assert.equal(s.matches, true, name);
    }
  });
});

describe('iommu_dma_init_domain() once per domain (F5 followed through)', () => {
  it('after a failed rcache allocation the next device of the domain is told 0 and oopses at its first map', () => {
    const t = pciTopology([
      { name: 'f0', bus: 0, slot: 5, fn: 0, multifunction: true },
      { name: 'f1', bus: 0, slot: 5, fn: 1, multifunction: true },
    ]);
    const r = run(spec(t), [function* (w) {
      const f1 = pci(w, 'f1');
      const domain = f1.iommuGroup!.defaultDomain!;
      const iovad = domain.iovaCookie!.iovad;
      assert.equal(iovad.startPfn, 1, 'phase 2 initialised the allocator');
      // the state a failed iova_domain_init_rcaches() leaves: start_pfn set, no rcaches
      iovad.rcaches = null;
      f1.dmaIommu = false;
      yield* iommuSetupDmaOps(f1, domain);
      assert.equal(f1.dmaIommu, true, 'start_pfn says initialised: 0, iommu-dma');
      assert.equal(iovad.rcaches, null, 'no second try');
      yield* dmaMapPage(f1, 0x100000, 4096);
    }]);
    assert.deepEqual(kinds(r), ['null-deref']);
    assert.match(r.exec.violations[0]!.splat, /iovad->rcaches/);
  });

  it('under fail_nth the same comes from the real allocation failure, for a device hot-added into the group', () => {
    const o = checkScenario(iommuIovaInitOnce);
    assert.equal(o.matches, true);
    const oops = o.violations.find((v) => v.kind === 'null-deref')!;
    assert.match(oops.splat, /alloc_iova_fast|iommu_dma_alloc_iova/);
    const f5 = o.violations.find((v) => v.kind === 'dma-isolation')!;
    assert.equal(oops.schedule, f5.schedule, 'one fault point gives both: F5 for ep0, the oops for ep1');
  });
});

function checkScenarioNamed(name: string): ReturnType<typeof checkScenario> {
  return checkScenario(findScenario(name)!);
}
