// The arm-smmu-v3 driver through the core (hardware.md §1.4-§1.9, §1.15): probe, paging domains
// (S1 with an ASID, S2 with a VMID), RID attach with the STE/CD it installs and the device lists
// `old` moves it between, ATS, PASIDs (CD per SSID, S1DSS, removal back to a plain STE), map/unmap
// with TLBI + ATC_INV + CMD_SYNC in that order, error paths, and seed 002's test_dev toggle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArmSmmuDomain } from '../src/drivers/smmuv3/domain.js';
import type { ArmSmmuDriver } from '../src/drivers/smmuv3/driver.js';
import type { ArmSmmuMaster } from '../src/drivers/smmuv3/master.js';
import { describeCmdLog } from '../src/hw/smmuv3/cmdq.js';
import type { Smmuv3 } from '../src/hw/smmuv3/smmu.js';
import { STE_CFG_ABORT, STE_CFG_BYPASS, STE_CFG_S1, STE_CFG_S2 } from '../src/hw/smmuv3/ste.js';
import { cdSlot, steInMemory } from '../src/hw/smmuv3/tables.js';
import { slotValue } from '../src/hw/memory/slots.js';
import type { Cd } from '../src/hw/smmuv3/cd.js';
import { sameTranslation } from '../src/hw/translation.js';
import { pciRid } from '../src/machine/topology.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EBUSY, EEXIST, EFAULT, EINVAL, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';
import type { Topology } from '../src/scenarios/iommu/spec.js';

const fn = { name: 'ep0', bus: 0, slot: 5, ats: true, pasids: 256 };
const sid = pciRid(fn);
const smmuTopo = (extra: Partial<Topology> = {}): Topology =>
  pciTopology([fn], { iommus: [{ name: 'smmu0', driver: 'smmuv3' }], ...extra });

function hw(w: IommuWorld): Smmuv3 {
  return w.machine.units.get('smmu0') as Smmuv3;
}

function drv(w: IommuWorld): ArmSmmuDriver {
  return w.kernel.drivers.get('smmuv3') as ArmSmmuDriver;
}

function master(w: IommuWorld): ArmSmmuMaster {
  return w.devices.get('ep0')!.iommu!.priv as ArmSmmuMaster;
}

function ste(w: IommuWorld) {
  return steInMemory(hw(w), sid)!;
}

function onDomain(w: IommuWorld, name: string, pasid: number | null = null): boolean {
  const dev = w.devices.get('ep0')!;
  const d = w.domains.get(name)!;
  const t = pasid === null ? w.truth.installed(dev, null) : w.truth.installedPasids(dev).get(pasid);
  return t !== undefined && sameTranslation(t, w.truth.translationOf(d));
}

/** bound to vfio, owned, with domain D allocated (and P for PASIDs) */
function* owned(w: IommuWorld): Gen {
  assert.equal(yield* op(w, { op: 'bind', dev: 'ep0', driverManagedDma: true }), 0);
  assert.equal(yield* op(w, { op: 'claim', dev: 'ep0', owner: 'o' }), 0);
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'D' }), 0);
}

describe('arm-smmu-v3: probe and paging domains', () => {
  it('probes the master with its stream and SSID width; before any attach the checker sees what firmware left', () => {
    const r = run(spec(smmuTopo({ defaultDomainType: undefined })), [function* (w) {
      const m = master(w);
      assert.deepEqual(m.streams, [sid]);
      assert.equal(m.ssidBits, 8);
      // the default domain (DMA) is attached at probe: a CD-table STE with CD0
      assert.equal(ste(w)[0].config, STE_CFG_S1);
      assert.equal(hw(w).enabled, true);
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('gives S1 domains distinct ASIDs (global) and a nest parent a VMID on its SMMU, and frees them', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'E' }), 0);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'S2', nestParent: true }), 0);
      const d = w.domains.get('D') as ArmSmmuDomain;
      const e = w.domains.get('E') as ArmSmmuDomain;
      const s2 = w.domains.get('S2') as ArmSmmuDomain;
      assert.equal(d.stage, 'S1');
      assert.ok(d.asid > 0 && e.asid > 0 && d.asid !== e.asid);
      assert.equal(s2.stage, 'S2');
      assert.ok(s2.vmid > 0);
      assert.ok(drv(w).asids.has(e.asid));
      assert.equal(yield* op(w, { op: 'domainFree', domain: 'E' }), 0);
      assert.ok(!drv(w).asids.has(e.asid));
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('arm-smmu-v3: RID attach', () => {
  it('installs a CD-table STE (S1DSS=SSID0, EATS) and CD0 with the ASID, enables ATS after a full ATC flush, moves the master between lists', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      const log = hw(w).cmdq.log;
      const from = log.length;
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      const d = w.domains.get('D') as ArmSmmuDomain;
      const s = ste(w);
      assert.equal(s[0].config, STE_CFG_S1);
      assert.equal(s[1].s1dss, 'ssid0');
      assert.equal(s[1].eats, 'trans');
      const cd0 = slotValue<Cd>(cdSlot(hw(w).mem, master(w).cdTable.reg!, 0)!)!;
      assert.equal(cd0[0].asid, d.asid);
      assert.ok(onDomain(w, 'D'));
      assert.equal(w.devices.get('ep0')!.ep.atsEnabled, true);
      assert.deepEqual(d.devices.map((md) => md.ssid), [0]);
      assert.equal(d.nrAtsMasters, 1);
      // the blocking domain the claim attached is left: no master_domain there (static domains keep none)
      const cmds = describeCmdLog(log.slice(from));
      assert.ok(cmds.includes(`ATC_INV(sid ${sid}, all)`), cmds.join(' '));
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('detach back to the blocking domain: abort STE, ATS off, the master off D\'s list', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      assert.equal(yield* op(w, { op: 'detach', dev: 'ep0', domain: 'D' }), 0);
      const d = w.domains.get('D') as ArmSmmuDomain;
      assert.equal(ste(w)[0].config, STE_CFG_ABORT);
      assert.equal(w.devices.get('ep0')!.ep.atsEnabled, false);
      assert.equal(d.devices.length, 0);
      assert.equal(d.nrAtsMasters, 0);
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('an S2 (nest parent) RID attach installs an S2 STE with the VMID and clears CD0', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'S2', nestParent: true }), 0);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      assert.equal(yield* op(w, { op: 'replace', dev: 'ep0', domain: 'S2', handle: 'h' }), 0);
      const s = ste(w);
      assert.equal(s[0].config, STE_CFG_S2);
      assert.equal(s[2].s2vmid, (w.domains.get('S2') as ArmSmmuDomain).vmid);
      assert.equal(master(w).cdTable.inSte, false);
      assert.ok(onDomain(w, 'S2'));
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a domain of another SMMU is refused with -EINVAL (arm_smmu_attach_dev)', () => {
    const t = pciTopology([fn, { name: 'ep1', bus: 0, slot: 6, iommu: 'smmu1' }], {
      iommus: [{ name: 'smmu0', driver: 'smmuv3' }, { name: 'smmu1', driver: 'smmuv3' }],
    });
    const r = run(spec(t), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'bind', dev: 'ep1', driverManagedDma: true }), 0);
      assert.equal(yield* op(w, { op: 'claim', dev: 'ep1', owner: 'o' }), 0);
      const g = w.devices.get('ep1')!.iommuGroup!;
      const d = w.domains.get('D')!;
      yield* mutexLock(g.mutex);
      const ret = yield* d.ops!.attachDev!(d, w.devices.get('ep1')!, g.domain);
      yield* mutexUnlock(g.mutex);
      assert.equal(ret, -EINVAL);
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a wrong `old` leaves the master_domain on the real old domain (the driver trusts what it is handed)', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'E' }), 0);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      const dev = w.devices.get('ep0')!;
      const g = dev.iommuGroup!;
      const d = w.domains.get('D') as ArmSmmuDomain;
      const e = w.domains.get('E') as ArmSmmuDomain;
      yield* mutexLock(g.mutex);
      // old should be D; hand it E
      assert.equal(yield* e.ops!.attachDev!(e, dev, e), 0);
      yield* mutexUnlock(g.mutex);
      assert.equal(d.devices.length, 1, 'still on D: D\'s invalidations keep reaching the master');
      assert.equal(e.devices.length, 1, 'E\'s own entry found nothing to remove');
      return 0;
    }], { warnFails: false });
    // the model's checks see the core (group->domain D) and the hardware (E) disagree
    assert.ok(kinds(r).includes('invariant'));
  });
});

describe('arm-smmu-v3: PASIDs', () => {
  it('set_dev_pasid writes CD[pasid] and counts it; a blocked RID keeps a CD-table STE with S1DSS=TERMINATE; removal drops back to abort', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true }), 0);
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 7 }), 0);
      const m = master(w);
      assert.equal(m.cdTable.usedSsids, 1);
      assert.ok(onDomain(w, 'P', 7));
      const s = ste(w);
      assert.equal(s[0].config, STE_CFG_S1);
      assert.equal(s[1].s1dss, 'terminate');
      assert.equal(w.truth.installed(w.devices.get('ep0')!, null).kind, 'abort');
      // an S2 RID attach while an SSID is in use
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'S2', nestParent: true }), 0);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'S2', expect: -EBUSY }), -EBUSY);
      assert.equal(yield* op(w, { op: 'pasidDetach', dev: 'ep0', domain: 'P', pasid: 7 }), 0);
      assert.equal(m.cdTable.usedSsids, 0);
      assert.equal(ste(w)[0].config, STE_CFG_ABORT);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'S2' }), 0);
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('an identity RID with a PASID is a CD-table STE with S1DSS=BYPASS', () => {
    const r = run(spec(smmuTopo({ defaultDomainType: 'identity' })), [function* (w) {
      assert.equal(yield* op(w, { op: 'bind', dev: 'ep0', driverManagedDma: true }), 0);
      assert.equal(ste(w)[0].config, STE_CFG_BYPASS);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true }), 0);
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1 }), 0);
      assert.equal(ste(w)[1].s1dss, 'bypass');
      assert.equal(w.truth.installed(w.devices.get('ep0')!, null).kind, 'bypass');
      return 0;
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('arm-smmu-v3: map and unmap', () => {
  it('DMA reaches what is mapped; unmap sends TLBI_NH_VA, then ATC_INV, each with CMD_SYNC, and DMA then faults', () => {
    const r = run(spec(smmuTopo()), [function* (w) {
      yield* owned(w);
      assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
      assert.equal(yield* op(w, { op: 'map', domain: 'D', iova: 0x100000, paddr: 0x300000, size: 0x2000 }), 0);
      assert.equal(yield* op(w, { op: 'map', domain: 'D', iova: 0x100000, paddr: 0x500000, size: 0x1000, expect: -EEXIST }), -EEXIST);
      assert.equal(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x101000 }), 0);
      assert.ok(w.devices.get('ep0')!.ep.atc.lookup(null, 0x101000) !== null, 'the ATS completion is cached');
      const log = hw(w).cmdq.log;
      const from = log.length;
      assert.equal(yield* op(w, { op: 'unmap', domain: 'D', iova: 0x100000, size: 0x2000 }), 0);
      const asid = (w.domains.get('D') as ArmSmmuDomain).asid;
      assert.deepEqual(describeCmdLog(log.slice(from)), [
        `TLBI_NH_VA(asid ${asid}, vmid 0, 0x100000+0x2000, leaf)`,
        'CMD_SYNC',
        `ATC_INV(sid ${sid}, 0x100000+0x2000)`,
        'CMD_SYNC',
      ]);
      assert.equal(w.devices.get('ep0')!.ep.atc.lookup(null, 0x101000), null);
      assert.equal(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x101000, expect: -EFAULT }), -EFAULT);
      return 0;
    }], { warnFails: false });
    // io-pgtable-arm WARNs on the overlapping map (-EEXIST)
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('an allocation failure anywhere in attach leaves no leak and no broken invariant (fail_nth)', () => {
    const body = function* (w: IommuWorld) {
      const ops = [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'o' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
        { op: 'attach', dev: 'ep0', domain: 'D' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
        { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 3 },
      ] as const;
      // stop at the first failure, as a test body does
      for (const o of ops) if ((yield* op(w, o)) !== 0) break;
      return 0;
    };
    const clean = run(spec(smmuTopo()), [body]);
    assert.deepEqual(kinds(clean), []);
    const allocs = clean.exec.allocations;
    // the sweep reaches the driver's allocations (master_domain, CD table, io-pgtable pages, ...)
    assert.ok(allocs > 5, `${allocs} allocation points`);
    for (let n = 1; n <= allocs; n++) {
      const r = run(spec(smmuTopo()), [body], { faults: { mode: 'nth', nth: n } });
      const bad = kinds(r).filter((k) => k !== 'warn');
      assert.deepEqual(bad, [], `fail_nth ${n}: ${r.exec.violations.map((v) => v.splat.split('\n')[0]).join('; ')}`);
    }
  });
});

describe('arm-smmu-v3: seed 002 test_dev toggle', () => {
  const seen: number[] = [];

  /** the core's attach, then attach_dev called directly, of an S2 domain while an SSID is in use */
  function* s2WhileSsid(w: IommuWorld): Gen<number> {
    seen.length = 0;
    yield* owned(w);
    yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true });
    yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'S2', nestParent: true });
    yield* op(w, { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1 });
    const dev = w.devices.get('ep0')!;
    const g = dev.iommuGroup!;
    const s2 = w.domains.get('S2')!;
    seen.push(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'S2', expect: -EBUSY }));
    yield* mutexLock(g.mutex);
    seen.push(yield* s2.ops!.attachDev!(s2, dev, g.domain));
    yield* mutexUnlock(g.mutex);
    return 0;
  }

  it('off (default): attach_dev itself refuses S2 while SSIDs are in use', () => {
    const r = run(spec(smmuTopo()), [s2WhileSsid]);
    assert.deepEqual(seen, [-EBUSY, -EBUSY]);
    assert.deepEqual(kinds(r), []);
  });

  it('on: the core refuses through test_dev, and attach_dev no longer checks (the checks moved)', () => {
    const r = run(spec(smmuTopo(), [], { patches: ['testDevOp'] }), [s2WhileSsid]);
    assert.deepEqual(seen, [-EBUSY, 0]);
    // an attach_dev nobody tested installs the S2 STE over the CD table: PASID 1 is gone (I7)
    assert.deepEqual(kinds(r), ['invariant']);
  });
});
