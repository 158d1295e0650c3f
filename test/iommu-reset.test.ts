// PCI reset hooks and the PCI core callers (spec core.md §4.12).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { checkScenario } from '../src/check/check.js';
import { sameTranslation } from '../src/hw/translation.js';
import { iommuProgram } from '../src/scenarios/iommu/build.js';
import { iommuResetNested } from '../src/scenarios/iommu/findings/reset-nested.js';
import { resetVsDetachSpec } from '../src/scenarios/iommu/findings/reset-vs-detach.js';
import { iommuResetVsAttach } from '../src/scenarios/iommu/builtin/reset-attach.js';
import type { PciDev } from '../src/pci/pci.js';
import { pciDevResetIommuDone, pciDevResetIommuPrepare } from '../src/core/reset.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EINVAL, ENOTTY } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

function onGroupDomain(w: IommuWorld, dev: string): boolean {
  const d = w.devices.get(dev)!;
  const o = w.truth;
  return sameTranslation(o.installed(d, null), o.translationOf(d.iommuGroup!.domain!));
}

describe('pci_dev_reset_iommu_prepare / done', () => {
  it('an FLR blocks the function for the reset and restores the RID and its PASIDs after', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, pasids: 8 }]);
    const r = run(spec(t), [function* (w) {
      const a = w.devices.get('a')!;
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D', pasid: true });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D' });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'D', pasid: 3 });
      assert.equal(a.ep.atsEnabled, true);
      assert.equal(yield* op(w, { op: 'reset', dev: 'a' }), 0);
      assert.equal(a.ep.resets, 1);
      assert.ok(onGroupDomain(w, 'a'), 'back on group->domain');
      assert.equal(w.truth.installedPasids(a).size, 1, 'PASID restored');
      assert.equal(a.ep.atsEnabled, true, 'ATS re-enabled by the re-attach');
      assert.equal(a.iommuGroup!.resettingDomain, null);
    }]);
    // I9 is checked at every step of the reset: blocked, no PASIDs, ATS off while in reset. The
    // driver's iommu_driver_get_domain_for_dev() answers are wrong in both hooks (finding F10, both halves)
    assert.deepEqual(kinds(r), ['driver-contract', 'driver-contract']);
    const [prep, done] = r.exec.violations.map((v) => v.splat);
    assert.match(prep!, /answered domain:D#\w+ but the hardware has its RID on abort[^]*prepare_locked/);
    assert.match(done!, /answered domain:blocked#\w+ but the hardware has its RID on translate[^]*done_locked/);
  });

  it('a function without ATS is reset with no IOMMU involvement', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      assert.equal(yield* op(w, { op: 'reset', dev: 'a' }), 0);
      assert.equal(w.devices.get('a')!.iommuGroup!.blockingDomain, null, 'prepare returned early');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('an attach during the reset is -EBUSY (exhaustively, against a concurrent FLR)', () => {
    assert.equal(checkScenario(iommuResetVsAttach).matches, true);
  });
});

describe('PCI core callers', () => {
  it('pci_reset_function() tries the enabled methods in order; -ENOTTY moves on', () => {
    const t = pciTopology([
      { name: 'pm', bus: 0, slot: 1, reset: ['pm'] },
      { name: 'none', bus: 0, slot: 2, reset: [] },
      { name: 'flr', bus: 0, slot: 3, reset: ['flr', 'pm'] },
    ]);
    const r = run(spec(t), [function* (w) {
      assert.deepEqual((w.devices.get('flr') as PciDev).resetMethods, ['flr', 'pm']);
      assert.equal(yield* op(w, { op: 'reset', dev: 'pm' }), 0);
      assert.equal(yield* op(w, { op: 'reset', dev: 'none' }), -ENOTTY);
      assert.equal(yield* op(w, { op: 'reset', dev: 'none', method: 'flr' }), -EINVAL, 'reset_method refuses an unsupported one');
      assert.equal(yield* op(w, { op: 'reset', dev: 'flr', method: 'pm' }), 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a secondary bus reset is offered only to a function alone on its bus', () => {
    const t = pciTopology([
      { name: 'rp', bus: 0, slot: 1, bridge: { secondary: 1 }, acs: true },
      { name: 'alone', bus: 1, slot: 0, reset: [] },
      { name: 'rp2', bus: 0, slot: 2, bridge: { secondary: 2 }, acs: true },
      { name: 'x', bus: 2, slot: 0, reset: [] },
      { name: 'y', bus: 2, slot: 1, reset: [] },
    ]);
    const r = run(spec(t), [function* (w) {
      assert.equal(yield* op(w, { op: 'reset', dev: 'alone' }), 0);
      assert.equal(yield* op(w, { op: 'reset', dev: 'x' }), -ENOTTY);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('finding: methods calling other hooked methods re-enter prepare (WARN, -EBUSY)', () => {
    const o = checkScenario(iommuResetNested);
    assert.equal(o.matches, true);
    assert.match(o.violations[0]!.splat, /WARN_ON\(group->resetting_domain\)/);
  });

  it('finding: detach + free during an FLR re-attaches a freed domain', () => {
    // DPOR (117 executions); plain DFS runs 20,429, and test/iommu-check-points.test.ts compares
    // the two on this scenario already
    const r = explore(iommuProgram(resetVsDetachSpec), new DporStrategy());
    assert.equal(r.exhaustive, true);
    const found = r.found.map((c) => c.kind).sort();
    assert.deepEqual(found, ['driver-contract', 'invariant', 'use-after-free', 'warn']);
  });
});

describe('patches', () => {
  it('resetSkipMultiDeviceGroup: a function sharing its group is reset unblocked (I9)', () => {
    const t = pciTopology([
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, ats: true },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, ats: true },
    ]);
    const ops = [{ op: 'reset' as const, dev: 'f0' }];
    assert.deepEqual(kinds(run(spec(t, ops))), []);
    const patched = run(spec(t, ops, { patches: ['resetSkipMultiDeviceGroup'] }));
    assert.deepEqual(kinds(patched), ['invariant']);
    assert.match(patched.exec.violations[0]!.splat, /I9: dev:f0 is in reset but its RID is translate/);
  });

  it('noResetIommuHooks: an unmap during the reset sends an ATS invalidation to the function in reset', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true }]);
    const prologue = [
      { op: 'bind' as const, dev: 'a', driverManagedDma: true },
      { op: 'claim' as const, dev: 'a', owner: 'o' },
      { op: 'domainAlloc' as const, dev: 'a', domain: 'D' },
      { op: 'map' as const, domain: 'D', iova: 0x1000, paddr: 0x9000, size: 0x1000 },
      { op: 'attach' as const, dev: 'a', domain: 'D' },
    ];
    const threads = [
      { name: 'reset', ops: [{ op: 'reset' as const, dev: 'a' }] },
      { name: 'unmap', ops: [{ op: 'unmap' as const, domain: 'D', iova: 0x1000, size: 0x1000 }] },
    ];
    const base = { ...spec(t), prologue, threads };
    const fixed = explore(iommuProgram(base), new DporStrategy());
    assert.deepEqual(fixed.found.map((c) => c.kind), []);
    assert.equal(fixed.exhaustive, true);
    const old = explore(iommuProgram({ ...base, patches: ['noResetIommuHooks'] }), new DporStrategy());
    assert.deepEqual(old.found.map((c) => c.kind), ['invalidation-timeout']);
    assert.match(old.found[0]!.violation.splat, /H16: an ATS invalidation sent to dev:a timed out: the function is in reset/);
  });
});

describe('patch resetDoneAllDevices', () => {
  it('done re-attaches every member of the group, not only the reset function', () => {
    const t = (patched: boolean) => ({
      ...spec(
        pciTopology(
          [
            { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, ats: true },
            { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true },
          ],
          // f1's paging attaches: its default domain at probe (1st); a 2nd only if done touches it
          { mock: { faults: [{ callback: 'attach_dev', dev: 'f1', domain: 'paging', nth: 2 }] } },
        ),
        [{ op: 'reset', dev: 'f0', expect: 0 }],
      ),
      ...(patched ? { patches: ['resetDoneAllDevices' as const] } : {}),
    });
    assert.deepEqual(kinds(run(t(false), undefined, { warnFails: false })), []);
    // and hands f1, which was never blocked, old = the blocking domain (driver contract)
    const patched = run(t(true), undefined, { warnFails: false });
    assert.deepEqual(kinds(patched), ['driver-contract', 'warn']);
    assert.match(
      patched.exec.violations[0]!.splat,
      /attach_dev: old is domain:blocked#\w+ \(abort\) but the hardware has dev:f1 RID on translate/,
    );
  });
});

describe('patch resetHotAddBlocked (finding F11)', () => {
  // ep1 is hot-added between prepare and done of ep0's reset and carries a DMA alias to ep0's
  // requester ID (devfn 3.0): its attach at probe programs both IDs
  const t = pciTopology([
    { name: 'ep0', bus: 0, slot: 3, fn: 0, multifunction: true, ats: true, reset: ['flr'] },
    { name: 'ep1', bus: 0, slot: 3, fn: 1, multifunction: true, ats: true, present: false, aliases: [3 << 3] },
  ]);
  const onBlocking = (w: IommuWorld, dev: string): boolean => {
    const d = w.devices.get(dev)!;
    return sameTranslation(w.truth.installed(d, null), w.truth.translationOf(d.iommuGroup!.blockingDomain!));
  };
  for (const patched of [false, true]) {
    const what = patched
      ? 'on: the member probed during the reset waits on the blocking domain, ep0\'s RID stays blocked, done re-attaches both'
      : 'off (as merged): the member probed during the reset is attached to group->domain, and so is ep0\'s requester ID';
    it(what, () => {
      const r = run({ ...spec(t), ...(patched ? { patches: ['resetHotAddBlocked' as const] } : {}) }, [function* (w) {
        const ep0 = w.devices.get('ep0') as PciDev;
        assert.equal(yield* pciDevResetIommuPrepare(ep0), 0);
        assert.ok(onBlocking(w, 'ep0'));
        assert.equal(yield* op(w, { op: 'hotAdd', dev: 'ep1' }), 0);
        assert.equal(w.devices.get('ep1')!.iommuGroup, ep0.iommuGroup, 'one group');
        assert.equal(onBlocking(w, 'ep0'), patched, 'ep0\'s requester ID (ep1\'s alias)');
        assert.equal(onBlocking(w, 'ep1'), patched);
        assert.equal(onGroupDomain(w, 'ep1'), !patched);
        yield* pciDevResetIommuDone(ep0);
        assert.ok(onGroupDomain(w, 'ep0') && onGroupDomain(w, 'ep1'), 'both on group->domain after done');
        assert.equal(ep0.iommuGroup!.ghostParked.size, 0);
      }]);
      assert.deepEqual(kinds(r), []);
    });
  }
});

describe('patch resetProbeNoHooks (findings F8, F9)', () => {
  it('probing the reset methods (sysfs reset_method) calls no IOMMU hook: a live function stays on its domain', () => {
    const t = pciTopology([{ name: 'ep0', bus: 0, slot: 5, ats: true, reset: ['flr'] }]);
    for (const patched of [false, true]) {
      let blockedAt = -1;
      const r = run({ ...spec(t), ...(patched ? { patches: ['resetProbeNoHooks' as const] } : {}) }, [function* (w) {
        const ep0 = w.devices.get('ep0') as PciDev;
        yield* op(w, { op: 'bind', dev: 'ep0' });
        const before = ep0.ep.resets;
        assert.equal(yield* op(w, { op: 'resetMethod', dev: 'ep0', methods: 'default' }), 0);
        assert.equal(ep0.ep.resets, before, 'a probe resets nothing');
        // what prepare leaves behind is gone after done either way; the hooks' traces are the
        // ATS toggles and the blocking domain, allocated by the first prepare
        blockedAt = ep0.iommuGroup!.blockingDomain === null ? 0 : 1;
      }]);
      assert.deepEqual(kinds(r), []);
      assert.equal(blockedAt, patched ? 0 : 1, patched ? 'no prepare ran' : 'prepare ran in probe mode');
    }
  });
});
