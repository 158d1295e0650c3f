// The §6 oracles can fail: each one, given a state that breaks it, says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iommuInvariants } from '../src/core/invariants.js';
import { HW_ABORT, HW_BYPASS } from '../src/hw/translation.js';
import type { StreamEntry, StreamTable } from '../src/hw/stream-table.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { iommuCore } from '../src/core/globals.js';
import { ENOMEM, mutexLock, mutexUnlock, XA_ZERO_ENTRY } from '../src/sync/index.js';
import { pciDevResetIommuDone, pciDevResetIommuPrepare } from '../src/core/reset.js';
import type { PciDev } from '../src/pci/pci.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

function check(w: IommuWorld): string | null {
  return iommuInvariants(w.deviceList, w.truth);
}

function ste(w: IommuWorld, dev: string): StreamEntry {
  const d = w.devices.get(dev)!;
  return (w.machine.units.get('smmu0') as StreamTable).entry(d.fw.ids[0]!);
}

/** break the state, read the verdict, put the state back (all within one step) */
function broken(w: IommuWorld, breakIt: () => () => void): string | null {
  const undo = breakIt();
  const msg = check(w);
  undo();
  return msg;
}

const topo = pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true, pasids: 8 }, { name: 'b', bus: 0, slot: 2 }]);

describe('§6 invariants as oracles', () => {
  it('hold at every step of a normal run, and each one fires on a state that breaks it', () => {
    const r = run(spec(topo), [function* (w) {
      assert.equal(check(w), null);
      const a = w.devices.get('a')!;
      const ga = a.iommuGroup!;
      // I3: the hardware disagrees with group->domain
      assert.match(broken(w, () => {
        const e = ste(w, 'a');
        const old = e.rid;
        e.rid = HW_BYPASS;
        return () => (e.rid = old);
      })!, /^I3: dev:a RID is bypass/);
      // I1: a member whose back-pointer is wrong
      assert.match(broken(w, () => {
        const old = a.iommuGroup;
        a.iommuGroup = w.devices.get('b')!.iommuGroup;
        return () => (a.iommuGroup = old);
      })!, /^I1/);
      // I4: a domain without a default domain
      assert.match(broken(w, () => {
        const old = ga.defaultDomain;
        ga.defaultDomain = null;
        return () => (ga.defaultDomain = old);
      })!, /^I4: group#[0-9a-f]+ has domain .* but no default_domain/);
      // I6: an owner without a count
      assert.match(broken(w, () => {
        ga.owner = {};
        return () => (ga.owner = null);
      })!, /^I6/);
      // I13: a deferred device that was programmed
      assert.match(broken(w, () => {
        a.iommu!.attachDeferred = true;
        return () => (a.iommu!.attachDeferred = false);
      })!, /^I13/);
      // I11: dma_iommu changing under a bound driver
      assert.match(broken(w, () => {
        a.ghostBoundDmaIommu = false;
        return () => (a.ghostBoundDmaIommu = null);
      })!, /^I11/);
      // I7: a reservation visible at a stable point, and a PASID programmed but not recorded
      assert.match(broken(w, () => {
        ga.pasidArray.slots.set(3, XA_ZERO_ENTRY);
        return () => ga.pasidArray.slots.delete(3);
      })!, /^I7: .* reserved/);
      assert.match(broken(w, () => {
        ste(w, 'a').pasids.set(2, HW_ABORT);
        return () => ste(w, 'a').pasids.delete(2);
      })!, /^I7: dev:a PASID 2 is programmed/);
      // I9: a function in reset that is not blocked, and an ATS invalidation to it
      assert.match(broken(w, () => {
        a.ep.inReset = true;
        return () => (a.ep.inReset = false);
      })!, /^I9: dev:a is in reset but its RID/);
      assert.match(broken(w, () => {
        a.ep.atcInvTimeouts = 1;
        return () => (a.ep.atcInvTimeouts = 0);
      })!, /^I9: an ATS invalidation/);
      // I5: the hardware translating through a freed page table
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      const D = w.domains.get('D')!;
      assert.match(broken(w, () => {
        const e = ste(w, 'b');
        const old = e.rid;
        e.rid = w.truth.translationOf(D);
        (e.rid as { table: { freed: boolean } }).table.freed = true;
        return () => {
          (e.rid as { table: { freed: boolean } }).table.freed = false;
          e.rid = old;
        };
      })!, /^I5: smmu0 stream \d+ RID still translates through freed/);
      assert.match(broken(w, () => {
        D.freed = true;
        const old = ga.domain;
        ga.domain = D;
        return () => {
          ga.domain = old;
          D.freed = false;
        };
      })!, /^I5: group#[0-9a-f]+->domain is freed/);
      // I8: a require_direct device on the blocking domain
      yield* op(w, { op: 'bind', dev: 'b', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'b', owner: 'o' });
      const b = w.devices.get('b')!;
      assert.match(broken(w, () => {
        b.iommu!.requireDirect = true;
        return () => (b.iommu!.requireDirect = false);
      })!, /^I8/);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('the reset window exempts only the function being reset, not the other members of its group', () => {
    // spec §6 I3 (d): "the device passed to pci_dev_reset_iommu_prepare" has hw.rid == blocking
    // until done; I7: "baseline reset window for the reset device". A sibling must stay coherent.
    const t = pciTopology([
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, ats: true, pasids: 8 },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, ats: true, pasids: 8 },
    ]);
    const r = run(spec(t), [function* (w) {
      const f0 = w.devices.get('f0') as PciDev;
      const g = f0.iommuGroup!;
      yield* op(w, { op: 'bind', dev: 'f0', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'f0', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'f0', domain: 'D', pasid: true });
      yield* op(w, { op: 'attach', dev: 'f0', domain: 'D', api: 'group' });
      yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'D', pasid: 2 });
      assert.equal(yield* pciDevResetIommuPrepare(f0), 0);
      assert.ok(g.resettingDomain !== null);
      // f0 itself, blocked with its PASIDs removed, is what the window allows
      assert.equal(check(w), null);
      // f1 parked on the blocking domain while f0 is reset: I3
      assert.match(broken(w, () => {
        const e = ste(w, 'f1');
        const old = e.rid;
        e.rid = HW_ABORT;
        return () => (e.rid = old);
      })!, /^I3: dev:f1 RID is abort/);
      // f1 losing its PASID while f0 is reset: I7
      assert.match(broken(w, () => {
        const e = ste(w, 'f1');
        const old = e.pasids.get(2)!;
        e.pasids.delete(2);
        return () => e.pasids.set(2, old);
      })!, /^I7: dev:f1 PASID 2 is not present/);
      yield* pciDevResetIommuDone(f0);
      assert.equal(check(w), null);
    }]);
    // finding F17, its sibling case (docs/FINDINGS.md): done re-installs PASID 2 on every member with old = the
    // blocking domain, but only f0 was blocked: f1's set_dev_pasid is told a wrong `old`. The
    // others are F10's two halves (iommu_driver_get_domain_for_dev() answers in prepare and done).
    const splats = r.exec.violations.map((v) => v.splat);
    assert.ok(r.exec.violations.every((v) => v.kind === 'driver-contract'));
    const wrongOld = /set_dev_pasid: old is domain:blocked#\w+ \(abort\) but the hardware has dev:f1 PASID 2 on translate/;
    assert.ok(
      splats.some((s) => wrongOld.test(s)),
      splats.join('\n'),
    );
  });

  it('after a failed MUST_SUCCEED switch, I3 is checked again once a later switch moved every member', () => {
    // the detach's nofail switch to the blocking domain fails on 'a' (WARN): the group records
    // the blocking domain while 'a' still translates through D, which I3 (c) allows. Attaching D
    // again succeeds for every member, so from then on I3 must hold again.
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], {
      mock: { faults: [{ callback: 'attach_dev', dev: 'a', domain: 'blocked', nth: 2 }] },
    });
    const r = run(spec(t), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'group' });
      yield* op(w, { op: 'detach', dev: 'a', domain: 'D', api: 'group' });
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(g.domain, g.blockingDomain, 'the failed nofail switch still records the new domain');
      assert.equal(check(w), null, 'window (c)');
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'group' }), 0);
      assert.equal(check(w), null);
      assert.match(broken(w, () => {
        const e = ste(w, 'a');
        const old = e.rid;
        e.rid = HW_BYPASS;
        return () => (e.rid = old);
      })!, /^I3: dev:a RID is bypass/);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('a PASID whose rollback failed (WARN) is in the I7 window', () => {
    // replace PASID 1 from S to T: T fails on f1, and putting f0 back on S fails too, so the
    // core WARNs and removes f0's PASID; pasid_array keeps S ("after a failed rollback", §6 I7)
    const t = pciTopology(
      [
        { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, pasids: 8 },
        { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, pasids: 8 },
      ],
      {
        mock: {
          faults: [
            { callback: 'set_dev_pasid', dev: 'f1', domain: 'paging', nth: 2 },
            { callback: 'set_dev_pasid', dev: 'f0', domain: 'paging', nth: 3 },
          ],
        },
      },
    );
    const ops = [
      { op: 'bind' as const, dev: 'f0', driverManagedDma: true },
      { op: 'claim' as const, dev: 'f0', owner: 'o' },
      { op: 'domainAlloc' as const, dev: 'f0', domain: 'S', pasid: true },
      { op: 'domainAlloc' as const, dev: 'f0', domain: 'T', pasid: true },
      { op: 'pasidAttach' as const, dev: 'f0', domain: 'S', pasid: 1, handle: 'h1' },
      { op: 'pasidReplace' as const, dev: 'f0', domain: 'T', pasid: 1, handle: 'h2', expect: -ENOMEM },
    ];
    const r = run(spec(t, ops), undefined, { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
    assert.match(r.exec.warnings[0]!.splat, /WARN_ON\(old->ops->set_dev_pasid/);
  });

  it('I1 back-pointers are checked for every device not being probed, also while a probe holds the lock', () => {
    // spec §6 I1: the window is the device inside __iommu_probe_device() between
    // iommu_init_device() and the list insertion, not every device while the probe lock is held
    const r = run(spec(topo), [function* (w) {
      const a = w.devices.get('a')!;
      const b = w.devices.get('b')!;
      yield* mutexLock(iommuCore.iommuProbeDeviceLock);
      assert.match(broken(w, () => {
        const gb = b.iommuGroup!;
        const gd = gb.devices.splice(0, 1)[0]!;
        return () => gb.devices.push(gd);
      })!, /^I1: dev:b->iommu_group is group#[0-9a-f]+ but it is not on its device list/);
      yield* mutexUnlock(iommuCore.iommuProbeDeviceLock);
      assert.ok(a.iommuGroup !== null);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
