// The intel-iommu driver through the core (hardware.md §2): probe and the scalable-mode context,
// RID attach (non-hitless: teardown then setup), domain IDs from 2 and their reuse, PASID attach,
// replace and removal with the spec's flush order, map/unmap with IOTLB and device-TLB
// invalidations under a wait descriptor, release, and error paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IommuDomain } from '../src/core/domain.js';
import { toDmarDomain } from '../src/drivers/vtd/domain.js';
import type { VtdDriver } from '../src/drivers/vtd/intel-iommu.js';
import { type PasidEntry, PGTT_FL, PGTT_PT, PGTT_SL, type SmCtx } from '../src/hw/vtd/entries.js';
import { describeQiLog } from '../src/hw/vtd/qi.js';
import { ctxInMemory, pasidInMemory } from '../src/hw/vtd/tables.js';
import type { VtdCaps, VtdUnit } from '../src/hw/vtd/vtd.js';
import type { Topology } from '../src/scenarios/iommu/spec.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EINVAL, ENOSPC, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, op, run, spec } from './support/iommu.js';

const SID0 = 2 << 3;
const SID1 = 3 << 3;

function topo(extra: Partial<Topology> = {}): Topology {
  return {
    iommus: [{ name: 'dmar0', driver: 'vtd' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 2, ats: true, pasids: 16 },
      { name: 'ep1', bus: 0, slot: 3, pasids: 16 },
    ],
    defaultDomainType: 'dma',
    ...extra,
  };
}

function unitOf(w: IommuWorld, name = 'dmar0'): VtdUnit {
  return w.machine.units.get(name) as VtdUnit;
}

function ctx(w: IommuWorld, sid: number): SmCtx | null {
  return ctxInMemory(unitOf(w), sid) as SmCtx | null;
}

/** the PASID entry of `sid` (RID_PASID for pasid 0) as it is in memory */
function entry(w: IommuWorld, sid: number, pasid = 0): PasidEntry | null {
  const c = ctx(w, sid);
  return c === null ? null : pasidInMemory(unitOf(w).mem, c[0].pasiddirptr, pasid);
}

function setCaps(w: IommuWorld, caps: Partial<VtdCaps>, name = 'dmar0'): void {
  const u = unitOf(w, name) as { caps: VtdCaps };
  u.caps = { ...u.caps, ...caps };
}

/** the descriptors the unit executed since `from`, in words */
function qiSince(w: IommuWorld, from: number): string[] {
  return describeQiLog(unitOf(w).qi.log.slice(from));
}

function didOf(w: IommuWorld, d: IommuDomain): number | undefined {
  return [...toDmarDomain(d).iommuArray.values()][0]?.did;
}

describe('intel-iommu: probe and RID attach', () => {
  it('probe writes the scalable-mode context (DTE for ATS), the default domain a first-level RID_PASID entry with DID 2, and the DMA API reaches its buffer', () => {
    const seen: Record<string, unknown> = {};
    const r = run(spec(topo()), [
      function* (w) {
        const c = ctx(w, SID0)!;
        seen.ctx = [c[0].p, c[0].dte, c[0].paside, c[1].ridPasid];
        seen.ctx1 = ctx(w, SID1)![0].dte;
        const e = entry(w, SID0)!;
        seen.rid = [e[0].p, e[0].pgtt, e[1].did];
        seen.rid1 = entry(w, SID1)![1].did;
        seen.ats = w.devices.get('ep0')!.ep.atsEnabled;
        yield* op(w, { op: 'bind', dev: 'ep0' });
        yield* op(w, { op: 'dmaMap', dev: 'ep0', paddr: 0x100000, as: 'buf' });
        seen.dma = yield* op(w, { op: 'dma', dev: 'ep0', handle: 'buf' });
        yield* op(w, { op: 'dmaUnmap', dev: 'ep0', handle: 'buf' });
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.deepEqual(seen.ctx, [true, true, true, 0]);
    assert.equal(seen.ctx1, false, 'no DTE for a function without ATS');
    assert.deepEqual(seen.rid, [true, PGTT_FL, 2]);
    assert.equal(seen.rid1, 3, 'each group\'s default domain gets its own DID');
    assert.equal(seen.ats, true, 'ATS enabled at probe_finalize');
    assert.equal(seen.dma, 0);
  });

  it('attach from the blocking domain writes the entry with no flush; detach tears it down (DMA faults); a freed DID is given again', () => {
    const seen: Record<string, unknown> = {};
    const r = run(spec(topo(), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'vfio' },
      ],
    }), [
      function* (w) {
        seen.blocked = entry(w, SID0)![0].p;
        yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'D' });
        yield* op(w, { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x200000, size: 0x1000 });
        const from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' });
        seen.attachQi = qiSince(w, from);
        seen.did = entry(w, SID0)![1].did;
        seen.didD = didOf(w, w.domains.get('D')!);
        seen.dma = yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000 });
        yield* op(w, { op: 'detach', dev: 'ep0', domain: 'D' });
        seen.afterDetach = entry(w, SID0)![0].p;
        seen.dmaBlocked = yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000, expect: -14 });
        yield* op(w, { op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000 });
        yield* op(w, { op: 'domainFree', domain: 'D' });
        yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'E' });
        yield* op(w, { op: 'attach', dev: 'ep0', domain: 'E' });
        seen.didE = didOf(w, w.domains.get('E')!);
        yield* op(w, { op: 'detach', dev: 'ep0', domain: 'E' });
        yield* op(w, { op: 'domainFree', domain: 'E' });
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.equal(seen.blocked, false, 'a claimed group is on the blocking domain: no RID_PASID entry');
    // the blocking domain left nothing to tear down: only the new entry, no flush (no caching mode)
    assert.deepEqual(seen.attachQi, []);
    assert.equal(seen.did, seen.didD);
    assert.equal(seen.dma, 0);
    assert.equal(seen.afterDetach, false);
    assert.equal(seen.didE, seen.didD, 'the lowest free DID is given again');
  });

  it('from one paging domain to another: teardown flushes by the old DID before the new entry exists', () => {
    let log: string[] = [];
    let dids: number[] = [];
    const r = run(spec(topo(), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'vfio' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'A' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'B' },
        { op: 'attach', dev: 'ep0', domain: 'A', api: 'handle', handle: 'h' },
      ],
    }), [
      function* (w) {
        const a = didOf(w, w.domains.get('A')!)!;
        const from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'replace', dev: 'ep0', domain: 'B', handle: 'h' });
        log = qiSince(w, from);
        dids = [a, entry(w, SID0)![1].did];
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    // A's last attachment went first: B gets the same, lowest free DID, after the flush of it
    const [a, b] = dids;
    assert.equal(a, b);
    assert.deepEqual(log, [
      `pasid-cache(did ${a}, pasid 0)`, 'wait',
      `p_iotlb(did ${a}, pasid 0)`, 'wait',
      'dev-tlb(sid 0x10, all)', 'wait',
    ]);
  });

  it('identity: a pass-through RID_PASID entry with DID 1, no DID allocated', () => {
    let e: PasidEntry | null = null;
    let ida: number[] = [];
    const r = run(spec(topo({ defaultDomainType: 'identity' })), [
      function* (w) {
        e = entry(w, SID0);
        ida = [...(w.kernel.drivers.get('vtd') as VtdDriver).instances[0]!.domainIda];
        yield* op(w, { op: 'resvRegions', dev: 'ep0' });
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.deepEqual([e![0].p, e![0].pgtt, e![1].did], [true, PGTT_PT, 1]);
    assert.deepEqual(ida, []);
  });

  it('second-level paging domains (knob firstLevel: false) install PGTT=SL and unmap flushes by PSI', () => {
    let pgtt = 0;
    let log: string[] = [];
    const r = run(spec(topo({ vtd: { firstLevel: false } }), [], {
      prologue: [
        { op: 'bind', dev: 'ep1', driverManagedDma: true },
        { op: 'claim', dev: 'ep1', owner: 'vfio' },
        { op: 'domainAlloc', dev: 'ep1', domain: 'D' },
        { op: 'map', domain: 'D', iova: 0x40000, paddr: 0x500000, size: 0x2000 },
        { op: 'attach', dev: 'ep1', domain: 'D' },
      ],
    }), [
      function* (w) {
        pgtt = entry(w, SID1)![0].pgtt;
        const from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'unmap', domain: 'D', iova: 0x40000, size: 0x2000 });
        log = qiSince(w, from);
        yield* op(w, { op: 'dma', dev: 'ep1', iova: 0x40000, expect: -14 });
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.equal(pgtt, PGTT_SL);
    assert.equal(log.length, 2);
    assert.match(log[0]!, /^iotlb\(psi did \d+, 0x40000 am 1 ih\)$/);
    assert.equal(log[1], 'wait');
  });
});

describe('intel-iommu: map and unmap', () => {
  it('unmap: P_IOTLB for the range then the device-TLB, one wait; a DMA through the stale IOTLB entry no longer lands', () => {
    let log: string[] = [];
    const res: number[] = [];
    const r = run(spec(topo(), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'vfio' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
        { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x200000, size: 0x1000 },
        { op: 'attach', dev: 'ep0', domain: 'D' },
      ],
    }), [
      function* (w) {
        res.push(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000 }));
        const from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000 });
        log = qiSince(w, from);
        res.push(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000, expect: -14 }));
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.deepEqual(res, [0, -14]);
    assert.equal(log.length, 3);
    assert.match(log[0]!, /^p_iotlb\(did \d+, pasid 0, 0x10000 am 0 ih\)$/);
    assert.equal(log[1], 'dev-tlb(sid 0x10, 0x10000+0x1000)');
    assert.equal(log[2], 'wait');
  });
});

describe('intel-iommu: PASIDs', () => {
  it('set_dev_pasid into an empty entry, replace in place flushing by the old DID, removal by teardown', () => {
    const seen: Record<string, unknown> = {};
    const r = run(spec(topo(), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'iommufd' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'R', pasid: true },
        { op: 'attach', dev: 'ep0', domain: 'R', api: 'handle', handle: 'rid' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
        { op: 'domainAlloc', dev: 'ep0', domain: 'Q', pasid: true },
        { op: 'map', domain: 'P', iova: 0x20000, paddr: 0x300000, size: 0x1000 },
        { op: 'map', domain: 'Q', iova: 0x20000, paddr: 0x400000, size: 0x1000 },
      ],
    }), [
      function* (w) {
        let from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 3, handle: 'p3' });
        seen.setupQi = qiSince(w, from);
        const p = didOf(w, w.domains.get('P')!)!;
        seen.p = [entry(w, SID0, 3)![1].did, p];
        seen.dmaP = yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x20000, pasid: 3 });
        from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'pasidReplace', dev: 'ep0', domain: 'Q', pasid: 3, handle: 'q3' });
        const q = didOf(w, w.domains.get('Q')!)!;
        seen.replaceQi = [qiSince(w, from), p, q];
        seen.pAfter = didOf(w, w.domains.get('P')!);
        seen.q = entry(w, SID0, 3)![1].did;
        from = unitOf(w).qi.log.length;
        yield* op(w, { op: 'pasidDetach', dev: 'ep0', domain: 'Q', pasid: 3 });
        seen.teardownQi = [qiSince(w, from), q];
        seen.gone = entry(w, SID0, 3)![0].p;
        seen.qAfter = didOf(w, w.domains.get('Q')!);
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.deepEqual(seen.setupQi, [], 'a new entry needs no flush without caching mode');
    const [pd, p] = seen.p as number[];
    assert.equal(pd, p);
    assert.equal(seen.dmaP, 0);
    const [rq, p2, q] = seen.replaceQi as [string[], number, number];
    assert.deepEqual(rq, [`pasid-cache(did ${p2}, pasid 3)`, 'wait', `p_iotlb(did ${p2}, pasid 3)`, 'wait', 'pasid-dev-tlb(sid 0x10, pasid 3, all)', 'wait']);
    assert.equal(seen.q, q);
    assert.equal(seen.pAfter, undefined, 'the old domain\'s DID reference went with its last attachment');
    const [tq, q2] = seen.teardownQi as [string[], number];
    assert.deepEqual(tq, [`pasid-cache(did ${q2}, pasid 3)`, 'wait', `p_iotlb(did ${q2}, pasid 3)`, 'wait', 'pasid-dev-tlb(sid 0x10, pasid 3, all)', 'wait']);
    assert.equal(seen.gone, false);
    assert.equal(seen.qAfter, undefined);
  });

  it('a wrong `old` handed to the blocking domain\'s set_dev_pasid: WARN_ON_ONCE(!dev_pasid), and the RID domain loses its DID while in use', () => {
    const dids: Array<number | undefined> = [];
    const r = run(spec(topo(), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'iommufd' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'R', pasid: true },
        { op: 'attach', dev: 'ep0', domain: 'R', api: 'handle', handle: 'rid' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
        { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 3, handle: 'p3' },
      ],
    }), [
      function* (w): Gen<number> {
        const dev = w.devices.get('ep0')!;
        const g = dev.iommuGroup!;
        const blocked = (w.kernel.drivers.get('vtd') as VtdDriver).blocked;
        yield* mutexLock(g.mutex);
        // the core's bookkeeping says P; hand the driver R (the RID's domain) instead
        const ret = yield* blocked.ops!.setDevPasid!(blocked, dev, 3, w.domains.get('R')!);
        dids.push(didOf(w, w.domains.get('R')!), didOf(w, w.domains.get('P')!), entry(w, SID0)![1].did);
        yield* mutexUnlock(g.mutex);
        return ret;
      },
    ], { warnFails: false });
    // and at the unlock the group's bookkeeping (P on PASID 3) disagrees with the hardware
    assert.deepEqual(kinds(r), ['invariant', 'warn']);
    assert.match(r.exec.violations[0]!.splat, /I7: dev:ep0 PASID 3 is not present/);
    assert.match(r.exec.warnings.map((v) => v.splat).join('\n'), /WARN_ON_ONCE\(!dev_pasid\)/);
    const [rDid, pDid, ridEntryDid] = dids;
    assert.equal(rDid, undefined, 'R\'s DID was given back while its RID entry still uses it');
    assert.notEqual(pDid, undefined, 'P keeps a DID reference for an attachment that is gone');
    assert.ok(ridEntryDid !== undefined && ridEntryDid >= 2);
  });
});

describe('intel-iommu: freeing a domain still in use', () => {
  it('RID users: intel_iommu_domain_free() WARNs and keeps it; a PASID user is not checked, and the freed table is still installed (I5)', () => {
    const base = {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'iommufd' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'R', pasid: true },
        { op: 'attach', dev: 'ep0', domain: 'R', api: 'handle', handle: 'h0' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'P', pasid: true },
        { op: 'pasidAttach', dev: 'ep0', domain: 'P', pasid: 1, handle: 'p1' },
      ],
    } as const;
    const rid = run(spec(topo(), [{ op: 'domainFree', domain: 'R' }], base), undefined, { warnFails: false });
    assert.ok(kinds(rid).includes('warn'));
    assert.match(rid.exec.warnings[0]!.splat, /WARN_ON\(!list_empty\(&dmar_domain->devices\)\)/);
    const pasid = run(spec(topo(), [{ op: 'domainFree', domain: 'P' }], base));
    // the contract of ops->free reports the free itself, then H4 the table pages freed while the
    // PASID entry points at them, then I5 (docs/ORACLES.md)
    assert.deepEqual(kinds(pasid), ['driver-contract', 'invariant', 'invariant']);
    const freed = /ops->free\(domain:P#\w+\) while dmar0 stream 0x10 PASID 1 still translates through it/;
    assert.match(pasid.exec.violations[0]!.splat, freed);
    assert.match(pasid.exec.violations[1]!.splat, /H4: page-table frame 0x[0-9a-f]+ freed while dmar0/);
    assert.match(pasid.exec.violations[2]!.splat, /I5: dmar0 stream 16 PASID 1 still translates through freed page/);
  });
});

describe('intel-iommu: error paths', () => {
  it('domain IDs run out (cap_ndoms): -ENOSPC, and the failed attach leaves the device blocked', () => {
    const res: number[] = [];
    let p = true;
    const r = run(spec(topo({ defaultDomainType: 'identity' }), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'vfio' },
        { op: 'bind', dev: 'ep1', driverManagedDma: true },
        { op: 'claim', dev: 'ep1', owner: 'vfio' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'A' },
        { op: 'domainAlloc', dev: 'ep1', domain: 'B' },
      ],
    }), [
      function* (w) {
        // DIDs 2 .. ndoms - 1: one left
        setCaps(w, { ndoms: 3 });
        res.push(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'A' }));
        res.push(yield* op(w, { op: 'attach', dev: 'ep1', domain: 'B', expect: -ENOSPC }));
        p = entry(w, SID1)![0].p;
        res.push(yield* op(w, { op: 'dma', dev: 'ep1', iova: 0x1000, expect: -14 }));
        return 0;
      },
    ]);
    assert.deepEqual(res, [0, -ENOSPC, -14]);
    assert.equal(p, false);
    assert.deepEqual(kinds(r), []);
  });

  it('a failed replace is not hitless: the RID was torn down first, so the device stays blocked while the core keeps the old domain (I3)', () => {
    const r = run(spec(topo({ defaultDomainType: 'identity' }), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'iommufd' },
        { op: 'bind', dev: 'ep1', driverManagedDma: true },
        { op: 'claim', dev: 'ep1', owner: 'iommufd' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'A' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'B' },
        { op: 'attach', dev: 'ep0', domain: 'A', api: 'handle', handle: 'h0' },
        { op: 'attach', dev: 'ep1', domain: 'A', api: 'handle', handle: 'h1' },
      ],
    }), [
      function* (w) {
        // A holds DID 2 for two devices; B finds none left
        setCaps(w, { ndoms: 3 });
        yield* op(w, { op: 'replace', dev: 'ep0', domain: 'B', handle: 'h0', expect: -ENOSPC });
        return 0;
      },
    ]);
    // the check at the group's unlock inside the failed replace stops the execution there
    assert.deepEqual(kinds(r), ['invariant']);
    assert.match(r.exec.violations[0]!.splat, /I3: dev:ep0 RID is abort but group#\w+->domain is domain:A#/);
    assert.match(r.exec.violations[0]!.splat, /iommu_replace_group_handle/);
  });

  it('paging_domain_compatible(): a first-level domain with 1G pages on a unit without FL1GP is -EINVAL', () => {
    const res: number[] = [];
    run(spec(topo({
      iommus: [{ name: 'dmar0', driver: 'vtd' }, { name: 'dmar1', driver: 'vtd' }],
      pci: [
        { name: 'ep0', bus: 0, slot: 2, pasids: 16 },
        { name: 'ep1', bus: 1, slot: 0, pasids: 16, iommu: 'dmar1' },
      ],
    }), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'vfio' },
        { op: 'bind', dev: 'ep1', driverManagedDma: true },
        { op: 'claim', dev: 'ep1', owner: 'vfio' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'A' },
      ],
    }), [
      function* (w) {
        setCaps(w, { fl1gp: false }, 'dmar1');
        res.push(yield* op(w, { op: 'attach', dev: 'ep1', domain: 'A', expect: -EINVAL }));
        res.push(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'A' }));
        return 0;
      },
    ]);
    assert.deepEqual(res, [-EINVAL, 0]);
  });

  it('a device-TLB invalidation to a function in reset times out (ITE): the unit logs it, the I9 check reports it', () => {
    const r = run(spec(topo(), [], {
      prologue: [
        { op: 'bind', dev: 'ep0', driverManagedDma: true },
        { op: 'claim', dev: 'ep0', owner: 'vfio' },
        { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
        { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x200000, size: 0x1000 },
        { op: 'attach', dev: 'ep0', domain: 'D' },
      ],
    }), [
      function* (w) {
        // the function goes into reset behind the core's back (no reset hooks ran)
        w.devices.get('ep0')!.ep.inReset = true;
        yield* op(w, { op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000 });
        return 0;
      },
    ]);
    // H16 (docs/ORACLES.md): the invalidation-timeout kind, with the I9 note the hooks add; not
    // fatal, so the unmap goes on, and the group's release finds the function in reset with ATS on (I9)
    assert.deepEqual(kinds(r), ['invalidation-timeout', 'invariant']);
    assert.match(r.exec.violations[0]!.splat, /H16: an ATS invalidation sent to dev:ep0 timed out: the function is in reset/);
    assert.match(r.exec.violations[0]!.splat, /intel_iommu_tlb_sync/);
    assert.match(r.exec.violations[1]!.splat, /I9: dev:ep0 is in reset with ATS enabled/);
  });
});

describe('intel-iommu: release and the checker\'s locations', () => {
  it('remove: the context entry is cleared and every DID given back; nothing leaks', () => {
    let present = true;
    let ida: number[] = [1];
    const r = run(spec(topo(), [{ op: 'remove', dev: 'ep0' }, { op: 'remove', dev: 'ep1' }]), [
      function* (w) {
        yield* op(w, { op: 'remove', dev: 'ep0' });
        yield* op(w, { op: 'remove', dev: 'ep1' });
        present = ctx(w, SID0)![0].p;
        ida = [...(w.kernel.drivers.get('vtd') as VtdDriver).instances[0]!.domainIda];
        return 0;
      },
    ]);
    assert.deepEqual(kinds(r), []);
    assert.equal(present, false);
    assert.deepEqual(ida, []);
  });

  it('the unit names each source-id\'s context entry and its PASID entries 0-63 for the checks', () => {
    let n = 0;
    let distinct = 0;
    run(spec(topo()), [
      function* (w) {
        const a = w.truth.entryReads(w.devices.get('ep0')!);
        const b = w.truth.entryReads(w.devices.get('ep1')!);
        n = a.length;
        const key = (x: { obj: { oid: number }; field: string | null }): string => `${x.obj.oid}/${x.field}`;
        distinct = new Set([...a, ...b].map(key)).size;
        yield* op(w, { op: 'resvRegions', dev: 'ep0' });
        return 0;
      },
    ]);
    assert.equal(n, 1 + 1 + 64);
    assert.equal(distinct, 2 * n, 'two functions share no entry');
  });
});
