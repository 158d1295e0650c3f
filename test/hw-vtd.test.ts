// The VT-d model alone (hardware.md §2, §4.2): root/context and PASID structures, PGTT kinds,
// the context, PASID and IOTLB caches until queued invalidation + wait, fault records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fenceErrors, vtdAtsProblem } from '../src/hw/check/ats.js';
import { configView, staleTranslations } from '../src/hw/check/stale.js';
import { vtdTagProblems } from '../src/hw/check/tags.js';
import { HwEndpoint, hwFunctionResetStart } from '../src/hw/endpoint.js';
import { PhysMemory } from '../src/hw/memory/phys-memory.js';
import { SZ_4K, vtdSs, x86Fl } from '../src/hw/pgtable/format.js';
import { ptGatherInit } from '../src/hw/pgtable/gather.js';
import { ptMap } from '../src/hw/pgtable/map.js';
import { ioPgtableFrames, ioPgtableNow, runNow } from '../src/hw/pgtable/pgtable.js';
import { ptUnmap } from '../src/hw/pgtable/unmap.js';
import { describeTranslation } from '../src/hw/translation.js';
import { deviceDmaNow } from '../src/hw/txn/device.js';
import { PASID_ZERO, pasidFl, pasidNested, pasidPt, pasidSl } from '../src/hw/vtd/entries.js';
import { describeFault } from '../src/hw/vtd/faults.js';
import { qiSubmitSync, qiSubmitSyncNow } from '../src/hw/vtd/qi.js';
import { ctxTableAllocNow, ctxWriteNow, pasidWriteNow, rootTableInitNow } from '../src/hw/vtd/tables.js';
import { VtdUnit } from '../src/hw/vtd/vtd.js';
import { ETIMEDOUT } from '../src/sync/index.js';
import { exploreHw, finalsBoth, inSetup, runHw } from './support/hw.js';
import { buffer, mapNow, RW } from './support/smmu-rig.js';
import { flTable, setPasid, slTable, type VtdRig, vtdRig } from './support/vtd-rig.js';

const W = (iova: number, pasid: number | null = null) => ({ pasid, iova, write: true });

describe('VT-d: scalable-mode translation', () => {
  it('RID_PASID entry kinds: pass-through, second level, first level; a missing entry faults with a record', () => {
    inSetup(() => {
      const r = vtdRig();
      const miss = deviceDmaNow(r.unit, r.ep, r.sid, W(0x1000));
      assert.deepEqual(miss.kind === 'fault' && [miss.reason, miss.recorded], ['PASID directory entry not present', true]);
      assert.match(describeFault(r.unit.faults.records[0]!), /DMAR: \[DMA Write\] Request device \[00:02\.0\] fault addr 0x1000/);
      setPasid(r, 0, pasidPt());
      qiSubmitSyncNow(r.unit, [{ type: 'pc', scope: 'pasid', did: 1, pasid: 0 }]);
      const pt = deviceDmaNow(r.unit, r.ep, r.sid, W(0x5000));
      assert.equal(pt.kind === 'ok' && pt.pa, 0x5000);
      const sl = slTable(r.mem);
      const buf = buffer(r.mem);
      mapNow(sl, 0x20000, buf);
      setPasid(r, 0, pasidSl({ did: 2, root: sl.rootPa }));
      const stale = deviceDmaNow(r.unit, r.ep, r.sid, W(0x20000));
      assert.equal(stale.kind === 'ok' && stale.pa, 0x20000, 'the PASID cache still holds the pass-through entry');
      qiSubmitSyncNow(r.unit, [{ type: 'pc', scope: 'pasid', did: 1, pasid: 0 }]);
      const ok = deviceDmaNow(r.unit, r.ep, r.sid, W(0x20008));
      assert.equal(ok.kind === 'ok' && ok.pa, buf + 8);
      const fl = flTable(r.mem);
      mapNow(fl, 0x30000, buf);
      setPasid(r, 5, pasidFl({ did: 3, root: fl.rootPa }));
      const p5 = deviceDmaNow(r.unit, r.ep, r.sid, W(0x30010, 5));
      assert.equal(p5.kind === 'ok' && p5.pa, buf + 0x10);
    });
  });
});

describe('VT-d: more translation kinds', () => {
  it('nested: a guest first level (GPA tables) over the second level; DSI on the DID drops the combined entries', () => {
    inSetup(() => {
      const r = vtdRig();
      const sl = slTable(r.mem, 'parent');
      const guest = ioPgtableNow(r.mem, x86Fl(), 'guest');
      runNow(ptMap(guest, 0x7000, 0x900000, SZ_4K, 1, RW, false));
      for (const f of ioPgtableFrames(guest)) mapNow(sl, f * 4096, f * 4096);
      const buf = buffer(r.mem, 'vm', 'user');
      mapNow(sl, 0x900000, buf);
      setPasid(r, 2, pasidNested({ did: 5, s1root: guest.rootPa, s2root: sl.rootPa }));
      const d = deviceDmaNow(r.unit, r.ep, r.sid, W(0x7008, 2));
      assert.equal(d.kind === 'ok' && d.pa, buf + 8);
      assert.equal(describeTranslation(r.unit.installed(r.sid, 2)), `nested(s1 0x${guest.rootPa.toString(16)} over ${r.mem.pageAt(sl.rootPa).label})`);
      runNow(ptUnmap(sl, 0x900000, SZ_4K, 1, ptGatherInit(), false));
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x7008, 2)).kind, 'ok', 'the combined entry is cached');
      qiSubmitSyncNow(r.unit, [{ type: 'iotlb', scope: 'psi', did: 5, addr: 0x900000, am: 0, ih: true }]);
      const gone = deviceDmaNow(r.unit, r.ep, r.sid, W(0x7008, 2));
      assert.equal(gone.kind === 'fault' && gone.reason, 'second-level PTE not present', 'a PSI by the DID covers nested entries');
    });
  });

  it('legacy mode: pass-through and multi-level context entries; no PASID; translated requests need TT=ml-devtlb', () => {
    inSetup(() => {
      const mem = new PhysMemory('mem', { frames: 1 << 16 });
      const unit = new VtdUnit('dmar0', mem);
      rootTableInitNow(unit, false);
      const ep = new HwEndpoint('fn');
      ctxTableAllocNow(unit, 0x20);
      ctxTableAllocNow(unit, 0x21);
      unit.te = true;
      const sl = ioPgtableNow(mem, vtdSs(), 'dom');
      const buf = buffer(mem);
      mapNow(sl, 0x3000, buf);
      ctxWriteNow(unit, 0x20, [{ p: true, fpd: false, tt: 'pt', slptptr: 0 }, { levels: 4, did: 1 }]);
      ctxWriteNow(unit, 0x21, [{ p: true, fpd: false, tt: 'ml', slptptr: sl.rootPa }, { levels: 4, did: 2 }]);
      const pt = deviceDmaNow(unit, ep, 0x20, W(0x4000));
      assert.equal(pt.kind === 'ok' && pt.pa, 0x4000);
      const ml = deviceDmaNow(unit, ep, 0x21, W(0x3004));
      assert.equal(ml.kind === 'ok' && ml.pa, buf + 4);
      const p = deviceDmaNow(unit, ep, 0x21, W(0x3004, 1));
      assert.equal(p.kind === 'fault' && p.reason, 'PASID-tagged request while PASIDE=0');
      const t = unit.transactNow({ sid: 0x21, pasid: null, iova: buf, write: true, at: 'translated' });
      assert.equal(t.kind === 'fault' && t.reason, 'translated request while DTE=0');
      assert.equal(describeTranslation(unit.installed(0x21, null)), `translate(${mem.pageAt(sl.rootPa).label})`);
      assert.equal(unit.installed(0x22, null).kind, 'abort', 'no context entry');
    });
  });

  it('FPD suppresses the record; the fault registers overflow', () => {
    inSetup(() => {
      const r = vtdRig({ caps: { numFaultRegs: 2 } });
      setPasid(r, 4, [{ ...PASID_ZERO[0], fpd: true }, PASID_ZERO[1], PASID_ZERO[2]]);
      const f = deviceDmaNow(r.unit, r.ep, r.sid, W(0x1000, 4));
      assert.deepEqual(f.kind === 'fault' && [f.reason, f.recorded], ['PASID table entry not present', false]);
      for (let i = 0; i < 3; i++) deviceDmaNow(r.unit, r.ep, r.sid, W(0x1000, 9));
      assert.equal(r.unit.faults.records.length, 2);
      assert.equal(r.unit.faults.overflow, true);
    });
  });
});

describe('VT-d: caches', () => {
  it('caching mode caches a walk that found nothing: a new mapping faults until a PSI covers it', () => {
    inSetup(() => {
      const r = vtdRig({ caps: { cm: true } });
      const sl = slTable(r.mem);
      setPasid(r, 0, pasidSl({ did: 2, root: sl.rootPa }));
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x6000)).kind, 'fault');
      const buf = buffer(r.mem);
      mapNow(sl, 0x6000, buf);
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x6000)).kind, 'fault', 'the negative entry is still cached');
      qiSubmitSyncNow(r.unit, [{ type: 'iotlb', scope: 'psi', did: 2, addr: 0x6000, am: 0, ih: false }]);
      const d = deviceDmaNow(r.unit, r.ep, r.sid, W(0x6000));
      assert.equal(d.kind === 'ok' && d.pa, buf);
    });
  });

  it('the PASID cache keeps a torn-down entry until a PASID-cache invalidation, the IOTLB the translation until P_IOTLB', () => {
    inSetup(() => {
      const r = vtdRig();
      const fl = flTable(r.mem);
      const buf = buffer(r.mem);
      mapNow(fl, 0x8000, buf);
      setPasid(r, 7, pasidFl({ did: 4, root: fl.rootPa }));
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7)).kind, 'ok');
      pasidWriteNow(r.mem, r.dir, 7, PASID_ZERO);
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7)).kind, 'ok', 'cached entry and translation');
      assert.equal(configView(r.unit, r.sid, 7).stale, true);
      qiSubmitSyncNow(r.unit, [{ type: 'pc', scope: 'pasid', did: 4, pasid: 7 }]);
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7)).kind, 'fault');
      setPasid(r, 7, pasidFl({ did: 4, root: fl.rootPa }));
      runNow(ptUnmap(fl, 0x8000, SZ_4K, 1, ptGatherInit(), false));
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7)).kind, 'ok', 'the IOTLB (DID 4, PASID 7) still holds it');
      qiSubmitSyncNow(r.unit, [{ type: 'iotlb', scope: 'dsi', did: 4 }]);
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7)).kind, 'ok', 'a DSI does not cover first-level entries');
      qiSubmitSyncNow(r.unit, [{ type: 'piotlb', did: 4, pasid: 7, range: null }]);
      assert.equal(deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7)).kind, 'fault');
    });
  });

  it('ATS: DTE lets translation requests through and the device caches them; a PASID dev-TLB invalidation clears them (H10)', () => {
    inSetup(() => {
      const r = vtdRig({ ats: true });
      r.ep.atsEnabled = true;
      assert.equal(vtdAtsProblem(r.unit, r.sid, r.ep), null);
      const sl = slTable(r.mem);
      const buf = buffer(r.mem);
      mapNow(sl, 0x9000, buf);
      setPasid(r, 3, pasidSl({ did: 6, root: sl.rootPa }));
      const d = deviceDmaNow(r.unit, r.ep, r.sid, W(0x9000, 3));
      assert.deepEqual(d.kind === 'ok' && [d.pa, d.path.via], [buf, 'atc']);
      runNow(ptUnmap(sl, 0x9000, SZ_4K, 1, ptGatherInit(), false));
      qiSubmitSyncNow(r.unit, [{ type: 'iotlb', scope: 'psi', did: 6, addr: 0x9000, am: 0, ih: true }]);
      assert.equal(staleTranslations(r.unit, r.ep, r.sid, 3, 0x9000, 0x9fff).length, 2, 'the ATC still holds it');
      qiSubmitSyncNow(r.unit, [{ type: 'pdevtlb', sid: r.sid, pfsid: r.sid, pasid: 3, addr: 0x9000, size: SZ_4K }]);
      assert.deepEqual(staleTranslations(r.unit, r.ep, r.sid, 3, 0x9000, 0x9fff), []);
    });
  });

  it('a dev-TLB invalidation to a function in reset times out: ITE, -ETIMEDOUT (H16)', () => {
    const r = runHw({
      setup: () => vtdRig({ ats: true }),
      threads: [
        function* (rig) {
          yield* hwFunctionResetStart(rig.ep);
          return yield* qiSubmitSync(rig.unit, [{ type: 'devtlb', sid: rig.sid, pfsid: rig.sid, qdep: 32, addr: 0, size: 0 }]);
        },
      ],
    });
    assert.equal(r.results[0], -ETIMEDOUT);
    assert.deepEqual(fenceErrors(r.world.unit), ['H16: dmar0: wait (ITE) after dev-tlb(sid 0x10, all) (no answer)']);
  });
});

/**
 * Two CPUs' qi_submit_sync() on one unit: t0 queues a PASID-cache invalidation of a torn-down
 * entry the cache still holds, t1 an empty batch. What each execution ends with: the waits' queue
 * places in the order they completed, and, when t1 queued after t0, whether t1's wait returned
 * with the stale entry still cached.
 */
function twoSubmitters() {
  return {
    setup: () => {
      const r = vtdRig();
      const fl = flTable(r.mem);
      mapNow(fl, 0x8000, buffer(r.mem));
      setPasid(r, 7, pasidFl({ did: 4, root: fl.rootPa }));
      deviceDmaNow(r.unit, r.ep, r.sid, W(0x8000, 7));
      pasidWriteNow(r.mem, r.dir, 7, PASID_ZERO);
      return r;
    },
    threads: [
      function* (r: VtdRig) {
        return yield* qiSubmitSync(r.unit, [{ type: 'pc', scope: 'pasid', did: 4, pasid: 7 }]);
      },
      function* (r: VtdRig) {
        yield* qiSubmitSync(r.unit, []);
        // read in the wait's last step (nothing yields after it)
        return r.unit.pasidCache.get(7) === undefined ? 'invalidated' : 'stale';
      },
    ],
    final: (r: VtdRig, results: readonly unknown[]) => {
      const log = r.unit.qi.log;
      const waits = log.flatMap((x) => (x.desc === null ? [x.queued] : []));
      const t0Wait = log.findIndex((x) => x.desc !== null) + 1;
      const t0First = log[t0Wait]?.queued === 0;
      return `waits completed in queue order ${waits.join(',')}; ${t0First ? `t1 after t0: ${String(results[1])}` : 't1 first'}`;
    },
  };
}

describe('VT-d: queued invalidation order (hardware.md §2.8)', () => {
  it('a wait completes only after every descriptor queued before it, another CPU\'s too', () => {
    const { finals } = exploreHw(twoSubmitters(), true);
    assert.deepEqual(finals, [
      'waits completed in queue order 0,1; t1 after t0: invalidated',
      'waits completed in queue order 0,1; t1 first',
    ]);
  });

  it('DPOR finds what DFS finds with two submitters', () => {
    const b = finalsBoth(twoSubmitters());
    assert.deepEqual(b.dpor, b.dfs);
  });
});

describe('VT-d: domain IDs (H5)', () => {
  it('DID 0 never, DID 1 only for pass-through and first-level SVA, one DID never walks two tables', () => {
    inSetup(() => {
      const r = vtdRig();
      const a = slTable(r.mem, 'a');
      const b = slTable(r.mem, 'b');
      setPasid(r, 0, pasidPt());
      setPasid(r, 1, pasidFl({ did: 1, root: flTable(r.mem, 'sva1').rootPa }));
      setPasid(r, 2, pasidFl({ did: 1, root: flTable(r.mem, 'sva2').rootPa }));
      setPasid(r, 3, pasidSl({ did: 2, root: a.rootPa }));
      assert.deepEqual(vtdTagProblems([r.unit]), [], 'SVA entries share DID 1');
      setPasid(r, 4, pasidSl({ did: 2, root: b.rootPa }));
      setPasid(r, 5, pasidSl({ did: 0, root: b.rootPa }));
      setPasid(r, 6, pasidSl({ did: 1, root: b.rootPa }));
      assert.deepEqual(vtdTagProblems([r.unit]), [
        'H5: did 2 (second level) walks 2 different tables: dmar0 sid 0x10 pasid 3 -> root 0x' + (a.root).toString(16) + '; dmar0 sid 0x10 pasid 4 -> root 0x' + b.root.toString(16),
        'H5: dmar0 sid 0x10 pasid 5: a present entry with DID 0 (reserved)',
        'H5: dmar0 sid 0x10 pasid 6: DID 1 on a second-level or nested entry (DID 1 is for pass-through and SVA)',
      ]);
    });
  });
});
