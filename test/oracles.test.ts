// The issue-9 oracles: the driver-boundary contracts checked at the core's call sites
// (core/contracts.ts), DMA isolation on every DMA through the mock's IOTLB (H1), no stale
// translation once an unmap's invalidation is done (H2), ATS invalidation timeouts (H16), and
// driver callback failures as explored fault points.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from '../src/check/check.js';
import { contractCallbacks, driverAttachDev, driverMapPages, driverSetDevPasid } from '../src/core/contracts.js';
import { iommuDomainFree } from '../src/core/domain.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { sweepNth } from '../src/explorer/faults.js';
import { iommuProgram } from '../src/scenarios/iommu/build.js';
import { iommuUnmapNoTlbi, iommuUnmapVsDma } from '../src/scenarios/iommu/builtin/unmap-dma.js';
import { iommuResetPasidQuery } from '../src/scenarios/iommu/findings/reset-pasid-query.js';
import type { IommuScenarioSpec } from '../src/scenarios/iommu/spec.js';
import { ENOMEM, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, mockDriver, op, pciTopology, run, spec } from './support/iommu.js';

const one = pciTopology([{ name: 'a', bus: 0, slot: 1, pasids: 8 }]);

function splats(r: ReturnType<typeof run>): string {
  return r.exec.violations.map((v) => v.splat).join('\n');
}

describe('driver contracts at the call sites', () => {
  it('the table covers the callbacks the core calls', () => {
    for (const cb of ['attach_dev', 'set_dev_pasid', 'map_pages', 'unmap_pages', 'domain_free', 'release_device', 'get_domain_for_dev']) {
      assert.ok(contractCallbacks.includes(cb), cb);
    }
  });

  it('a normal life of a device keeps every contract', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D', pasid: true });
      yield* op(w, { op: 'map', domain: 'D', iova: 0x1000, paddr: 0x9000, size: 0x2000 });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D' });
      yield* op(w, { op: 'pasidAttach', dev: 'a', domain: 'D', pasid: 2 });
      yield* op(w, { op: 'pasidDetach', dev: 'a', domain: 'D', pasid: 2 });
      yield* op(w, { op: 'detach', dev: 'a', domain: 'D' });
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('attach_dev: an old the hardware does not have, and a call without the group mutex, are reported', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      const a = w.devices.get('a')!;
      const g = a.iommuGroup!;
      const D = w.domains.get('D')!;
      // the RID is on the blocking domain; claim that it is on D
      yield* mutexLock(g.mutex);
      assert.equal(yield* driverAttachDev(g.blockingDomain!, a, D), 0);
      yield* mutexUnlock(g.mutex);
      // and once without the mutex (the old is right this time)
      assert.equal(yield* driverAttachDev(g.blockingDomain!, a, g.blockingDomain), 0);
    }], { warnFails: false });
    assert.deepEqual(kinds(r).filter((k) => k === 'driver-contract').length, 2);
    assert.match(splats(r), /attach_dev: old is domain:D#\w+ \(translate\(io_pgtable#\w+\)\) but the hardware has dev:a RID/);
    assert.match(splats(r), /attach_dev\(dev:a\) without group#\w+->mutex held/);
  });

  it('set_dev_pasid: IOMMU_NO_PASID, a PASID past max_pasids, a removal of nothing, a wrong old', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D', pasid: true });
      const a = w.devices.get('a')!;
      const g = a.iommuGroup!;
      const D = w.domains.get('D')!;
      const blocked = mockDriver(w).blocked!;
      yield* mutexLock(g.mutex);
      yield* driverSetDevPasid(D, a, 0, null);
      yield* driverSetDevPasid(D, a, 8, null);
      yield* driverSetDevPasid(blocked, a, 3, null);
      // PASID 3 is not attached: its old is not D
      yield* driverSetDevPasid(D, a, 3, D);
      yield* mutexUnlock(g.mutex);
    }], { warnFails: false });
    const s = splats(r);
    assert.match(s, /set_dev_pasid\(dev:a\) with IOMMU_NO_PASID/);
    assert.match(s, /set_dev_pasid\(dev:a, pasid 8\) beyond max_pasids 8/);
    assert.match(s, /remove_dev_pasid\(dev:a, pasid 3\) with nothing attached \(old NULL\)/);
    assert.match(s, /set_dev_pasid: old is domain:D#\w+ \(translate\(io_pgtable#\w+\)\) but the hardware has dev:a PASID 3/);
  });

  it('map_pages: a page size outside pgsize_bitmap, an unaligned IOVA, outside the aperture', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      const D = w.domains.get('D')!;
      yield* driverMapPages(D, 0x1000, 0x9000, 0x2000, 1, 3);
      yield* driverMapPages(D, 0x1800, 0x9000, 0x1000, 1, 3);
      yield* driverMapPages(D, 0x7ffff000, 0x9000, 0x1000, 2, 3);
    }], { warnFails: false });
    const s = splats(r);
    assert.match(s, /map_pages\(domain:D#\w+\): page size 0x2000 not in pgsize_bitmap 0x1000/);
    assert.match(s, /map_pages\(domain:D#\w+\): IOVA 0x1800 not aligned to 0x1000/);
    assert.match(s, /map_pages\(domain:D#\w+\): \[0x7ffff000, 0x80000fff\] outside the aperture/);
  });

  it('domain free: ops->free of a domain the hardware still translates through', () => {
    const r = run(spec(one), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D' });
      yield* iommuDomainFree(w.domains.get('D')!);
    }], { warnFails: false });
    assert.ok(kinds(r).includes('driver-contract'));
    assert.match(splats(r), /ops->free\(domain:D#\w+\) while smmu0 stream 0x8 RID still translates through it/);
  });

  it('finding iommu-reset-pasid-query: both reset hooks give the driver a domain the RID is not on', () => {
    const o = checkScenario(iommuResetPasidQuery);
    assert.equal(o.matches, true);
    const all = o.violations.map((v) => v.splat).join('\n');
    assert.match(all, /iommu_driver_get_domain_for_dev\(dev:ep0\) answered domain:D#\w+ but the hardware has its RID on abort/);
  });
});

describe('DMA isolation and stale translations through the mock IOTLB', () => {
  it('a DMA during an unmap may use the cached entry; after the unmap returns nothing does (DPOR and DFS agree)', () => {
    const o = checkScenario(iommuUnmapVsDma);
    assert.equal(o.matches, true);
    const p = iommuUnmapVsDma.program;
    const dfs = explore(p, new DfsStrategy(), {});
    const dpor = explore(p, new DporStrategy(), {});
    assert.deepEqual(dfs.found.map((c) => c.kind), []);
    assert.deepEqual(dpor.found.map((c) => c.kind), []);
    assert.ok(dfs.exhaustive && dpor.exhaustive);
  });

  it('with the TLBI toggled off, the unmap returns with the entry cached (H2) and a DMA reaches the page (H1)', () => {
    const p = iommuUnmapNoTlbi.program;
    const dfs = explore(p, new DfsStrategy(), {});
    const dpor = explore(p, new DporStrategy(), {});
    assert.deepEqual(dfs.found.map((c) => c.kind).sort(), ['dma-isolation', 'stale-translation']);
    assert.deepEqual(dpor.found.map((c) => c.kind).sort(), ['dma-isolation', 'stale-translation']);
    const h1 = dpor.found.find((c) => c.kind === 'dma-isolation')!.violation.splat;
    assert.match(h1, /DMA to IOVA 0x10000 reached 0x200000 through a stale IOTLB entry/);
    const h2 = dpor.found.find((c) => c.kind === 'stale-translation')!.violation.splat;
    assert.match(h2, /H2: io_pgtable#\w+'s unmap invalidation is done but smmu0.iotlb holds IOVA 0x10000 -> 0x200000/);
  });
});

describe('driver callback failures as explored fault points (failAsChoice)', () => {
  const base = (failAsChoice: boolean): IommuScenarioSpec => ({
    ...spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], failAsChoice ? { mock: { failAsChoice: ['attach_dev'] } } : {})),
    prologue: [
      { op: 'bind', dev: 'a', driverManagedDma: true },
      { op: 'claim', dev: 'a', owner: 'o' },
      { op: 'domainAlloc', dev: 'a', domain: 'D' },
    ],
    threads: [{ name: 't0', ops: [{ op: 'attach', dev: 'a', domain: 'D', expect: [0, -ENOMEM] }] }],
  });

  it('--faults choice explores the attach failing and succeeding; the knob off, only success', () => {
    const choice = { faults: { mode: 'choice' as const, maxFailures: 1 } };
    const on = explore(iommuProgram(base(true)), new DporStrategy(), choice);
    const off = explore(iommuProgram(base(false)), new DporStrategy(), choice);
    // the allocation failures find what they find either way (the late-probe WARN of a failed
    // probe); the attach's failure adds executions and breaks nothing: its rollback holds
    assert.deepEqual(on.found.map((c) => c.kind), off.found.map((c) => c.kind));
    assert.ok(on.executions > off.executions, `on ${on.executions}, off ${off.executions}`);
  });

  it('fail_nth counts the callback as a fault point', () => {
    const make = () => new DporStrategy();
    const on = sweepNth(iommuProgram(base(true)), make, {});
    const off = sweepNth(iommuProgram(base(false)), make, {});
    assert.ok(on.executions > off.executions, `on ${on.executions}, off ${off.executions}`);
  });
});

describe('H16: an ATS invalidation to a function in reset', () => {
  it('is an invalidation-timeout report (pre-7.0: no reset hooks, an unmap during the FLR)', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true }]);
    const s: IommuScenarioSpec = {
      ...spec(t),
      prologue: [
        { op: 'bind', dev: 'a', driverManagedDma: true },
        { op: 'claim', dev: 'a', owner: 'o' },
        { op: 'domainAlloc', dev: 'a', domain: 'D' },
        { op: 'map', domain: 'D', iova: 0x1000, paddr: 0x9000, size: 0x1000 },
        { op: 'attach', dev: 'a', domain: 'D' },
      ],
      threads: [
        { name: 'reset', ops: [{ op: 'reset', dev: 'a' }] },
        { name: 'unmap', ops: [{ op: 'unmap', domain: 'D', iova: 0x1000, size: 0x1000 }] },
      ],
      patches: ['noResetIommuHooks'],
    };
    const r = explore(iommuProgram(s), new DporStrategy(), {});
    assert.deepEqual(r.found.map((c) => c.kind), ['invalidation-timeout']);
    assert.match(r.found[0]!.violation.splat, /IOMMU invalidation timeout: H16: an ATS invalidation sent to dev:a timed out/);
  });
});
