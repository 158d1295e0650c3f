// The SMMUv3 model alone (hardware.md §1, §4.1): STE configurations, CDs and substreams, the
// configuration cache and the TLB holding stale entries until CFGI/TLBI + CMD_SYNC, events,
// ATS and ATC invalidation, and what a DMA may observe in the middle of an STE update.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atcTimeouts, fenceErrors, smmuAtsProblem } from '../src/hw/check/ats.js';
import { outsideStage2, walkedFreedTable } from '../src/hw/check/dma.js';
import { configView, describeStale, staleTranslations } from '../src/hw/check/stale.js';
import { tableFramesInUse } from '../src/hw/check/tables.js';
import { hwFunctionResetEnd, hwFunctionResetStart } from '../src/hw/endpoint.js';
import { IOMMU_READ } from '../src/hw/io-pgtable.js';
import { armLpaeS1, armLpaeS2, SZ_2M, SZ_4K } from '../src/hw/pgtable/format.js';
import { ptFreelistReleaseNow, ptGatherInit } from '../src/hw/pgtable/gather.js';
import { ptMap } from '../src/hw/pgtable/map.js';
import { ioPgtableFrames, ioPgtableNow, runNow } from '../src/hw/pgtable/pgtable.js';
import { ptUnmap } from '../src/hw/pgtable/unmap.js';
import { cdQuiet, cdS1 } from '../src/hw/smmuv3/cd.js';
import { describeCmdLog, smmuCmdqIssue, smmuCmdqIssueNow } from '../src/hw/smmuv3/cmdq.js';
import { describeEvent } from '../src/hw/smmuv3/events.js';
import { STE_ABORT, STE_BYPASS, steCdTable, steNested } from '../src/hw/smmuv3/ste.js';
import { cdTableAllocNow, cdWriteNow, steWriteNow } from '../src/hw/smmuv3/tables.js';
import { describeTranslation } from '../src/hw/translation.js';
import { deviceDmaNow } from '../src/hw/txn/device.js';
import { ETIMEDOUT } from '../src/sync/index.js';
import { inSetup, runHw } from './support/hw.js';
import { buffer, cdTableWith, installS1, installS2, mapNow, RW, s1Table, s2Table, smmuRig } from './support/smmu-rig.js';

const W = (iova: number) => ({ pasid: null, iova, write: true });
const R = (iova: number) => ({ pasid: null, iova, write: false });

describe('SMMUv3: stream table entries', () => {
  it('abort terminates silently, bypass passes the address through, an invalid STE is C_BAD_STE', () => {
    inSetup(() => {
      const r = smmuRig();
      steWriteNow(r.smmu, r.sid, STE_ABORT);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x1000)).kind, 'abort');
      assert.equal(r.smmu.evtq.records.length, 0, 'an abort STE records nothing');
      steWriteNow(r.smmu, r.sid + 1, STE_BYPASS);
      const b = deviceDmaNow(r.smmu, r.ep, r.sid + 1, W(0x1234000));
      assert.equal(b.kind === 'ok' && b.pa, 0x1234000);
      const bad = deviceDmaNow(r.smmu, r.ep, 300, W(0x1000));
      assert.equal(bad.kind === 'fault' && bad.reason, 'C_BAD_STREAMID', 'no L2 table for sid 300');
      assert.equal(r.smmu.evtq.records.length, 1);
      assert.match(describeEvent(r.smmu.evtq.records[0]!), /C_BAD_STREAMID sid 300/);
    });
  });

  it('S1 through CD0 and S2 translate through their tables; an unmapped IOVA is F_TRANSLATION', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      installS1(r, pt, 7);
      const ok = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10123));
      assert.deepEqual(ok.kind === 'ok' && [ok.pa, ok.path.via], [buf + 0x123, 'walk']);
      const again = deviceDmaNow(r.smmu, r.ep, r.sid, R(0x10000));
      assert.equal(again.kind === 'ok' && again.path.via, 'tlb');
      const miss = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x20000));
      assert.deepEqual(miss.kind === 'fault' && [miss.reason, miss.recorded], ['F_TRANSLATION', true]);

      const pt2 = s2Table(r.mem);
      mapNow(pt2, 0x40000, buf);
      installS2(r, pt2, 9);
      smmuCmdqIssueNow(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]);
      const s2 = deviceDmaNow(r.smmu, r.ep, r.sid, R(0x40008));
      assert.equal(s2.kind === 'ok' && s2.pa, buf + 8);
    });
  });
});

describe('SMMUv3: substreams and CDs', () => {
  it('S1DSS decides requests without a PASID; bad SSIDs, invalid and quiet CDs fault', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      const cdt = cdTableWith(r.mem, [{ ssid: 0, pt, asid: 1 }, { ssid: 3, pt, asid: 1 }], 4);
      const ste = (s1dss: 'ssid0' | 'bypass' | 'terminate') => steCdTable({ ctxptr: cdt.base, cdmax: 4, s1dss });
      const dma = (req: { pasid: number | null; iova: number; write: boolean }) => {
        smmuCmdqIssueNow(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]);
        const x = deviceDmaNow(r.smmu, r.ep, r.sid, req);
        return x.kind === 'ok' ? `ok 0x${x.pa.toString(16)}` : x.kind === 'fault' ? x.reason : x.kind;
      };
      steWriteNow(r.smmu, r.sid, ste('ssid0'));
      assert.equal(dma(W(0x10000)), `ok 0x${buf.toString(16)}`, 'SSID0: CD0');
      assert.equal(dma({ pasid: 0, iova: 0x10000, write: true }), 'C_BAD_SUBSTREAMID', 'explicit SSID 0 with S1DSS=SSID0');
      assert.equal(dma({ pasid: 3, iova: 0x10000, write: true }), `ok 0x${buf.toString(16)}`);
      assert.equal(dma({ pasid: 16, iova: 0x10000, write: true }), 'C_BAD_SUBSTREAMID', 'beyond S1CDMax');
      assert.equal(dma({ pasid: 5, iova: 0x10000, write: true }), 'C_BAD_CD');
      steWriteNow(r.smmu, r.sid, ste('bypass'));
      assert.equal(dma(W(0x10000)), 'ok 0x10000', 'S1DSS=BYPASS: the RID bypasses stage 1');
      steWriteNow(r.smmu, r.sid, ste('terminate'));
      assert.equal(dma(W(0x10000)), 'F_STREAM_DISABLED');
      cdWriteNow(r.mem, cdt, 3, cdQuiet(1));
      smmuCmdqIssueNow(r.smmu, [{ op: 'CFGI_CD', sid: r.sid, ssid: 3, leaf: true }]);
      assert.equal(dma({ pasid: 3, iova: 0x10000, write: true }), 'F_TRANSLATION', 'a quiet CD (EPD0) faults everything');
      installS2(r, s2Table(r.mem));
      assert.equal(dma({ pasid: 3, iova: 0x10000, write: true }), 'C_BAD_SUBSTREAMID', 'a substream on an S2 STE');
    });
  });

  it('records F_* faults only when CD.R / STE.S2R says so; permission faults; the event queue overflows', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      mapNow(pt, 0x10000, buffer(r.mem), SZ_4K, IOMMU_READ);
      const base = cdTableAllocNow(r.mem, 'linear', 0, 'cd');
      cdWriteNow(r.mem, { base, fmt: 'linear', cdmax: 0 }, 0, cdS1({ asid: 2, ttb: pt.rootPa, record: false }));
      steWriteNow(r.smmu, r.sid, steCdTable({ ctxptr: base, cdmax: 0 }));
      const f = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x30000));
      assert.deepEqual(f.kind === 'fault' && [f.reason, f.recorded], ['F_TRANSLATION', false]);
      const p = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.equal(p.kind === 'fault' && p.reason, 'F_PERMISSION', 'write through a read-only leaf (H19)');
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, R(0x10000)).kind, 'ok');
      for (let i = 0; i < 70; i++) deviceDmaNow(r.smmu, r.ep, 900 + (i % 3), W(0));
      assert.equal(r.smmu.evtq.records.length, 64);
      assert.equal(r.smmu.evtq.overflow, true);
    });
  });
});

describe('SMMUv3: caches hold stale entries until invalidated and fenced', () => {
  it('the configuration cache keeps the old STE until CFGI_STE; a CFGI without a CMD_SYNC guarantees nothing', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      installS1(r, pt);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000)).kind, 'ok');
      steWriteNow(r.smmu, r.sid, STE_ABORT);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000)).kind, 'ok', 'the cached STE is still used');
      assert.equal(configView(r.smmu, r.sid, null).stale, true, 'H7: effective differs from installed');
      smmuCmdqIssueNow(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }], false);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000)).kind, 'ok', 'posted, not executed');
      smmuCmdqIssueNow(r.smmu, []);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000)).kind, 'abort', 'the next SYNC drains it');
      assert.deepEqual(describeCmdLog(r.smmu.cmdq.log), ['CFGI_STE(sid 5)', 'CMD_SYNC']);
    });
  });

  it('the TLB keeps a translation after its PTE is cleared until TLBI + SYNC (H2, checked against the caches)', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      installS1(r, pt, 4);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000)).kind, 'ok');
      runNow(ptUnmap(pt, 0x10000, SZ_4K, 1, ptGatherInit(), false));
      const stale = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.deepEqual(stale.kind === 'ok' && [stale.pa, stale.path.via], [buf, 'tlb']);
      const hits = staleTranslations(r.smmu, r.ep, r.sid, null, 0x10000, 0x10fff);
      assert.equal(hits.length, 2);
      assert.match(
        describeStale(r.smmu, r.sid, null, hits[0]!),
        /still reaches 0x[0-9a-f]+ through the IOTLB; the tables say F_TRANSLATION/,
      );
      smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_NH_VA', asid: 4, vmid: 0, addr: 0x10000, size: SZ_4K, leaf: true }]);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000)).kind, 'fault');
      assert.deepEqual(staleTranslations(r.smmu, r.ep, r.sid, null, 0x10000, 0x10fff), []);
    });
  });

  it('a table freed before the walk-covering invalidation is walked through the walk cache (H4)', () => {
    for (const order of ['release, then TLBI', 'TLBI, then release'] as const) {
      inSetup(() => {
        const r = smmuRig();
        const pt = s1Table(r.mem);
        mapNow(pt, SZ_2M, buffer(r.mem));
        mapNow(pt, SZ_2M + SZ_4K, buffer(r.mem));
        installS1(r, pt, 4);
        assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(SZ_2M)).kind, 'ok', 'fills the leaf and the walk cache');
        const g = ptGatherInit();
        assert.equal(runNow(ptUnmap(pt, SZ_2M, SZ_4K, 512, g, false)), 2 * SZ_4K);
        assert.equal(g.freelist.length, 1);
        const tlbi = () => smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_NH_VA', asid: 4, vmid: 0, addr: g.start, size: g.end - g.start + 1, leaf: g.freelist.length === 0 }]);
        if (order === 'release, then TLBI') {
          ptFreelistReleaseNow(r.mem, g);
          assert.match(tableFramesInUse(r.smmu, r.mem).join('\n'), /H4: smmu0: table frame 0x[0-9a-f]+ is free \(was iopt dom\) but walk cache \(asid 4 vmid 0\) still points at it/);
          buffer(r.mem, 'reused');
          const d = deviceDmaNow(r.smmu, r.ep, r.sid, W(SZ_2M + 2 * SZ_4K));
          assert.match(walkedFreedTable(r.mem, d) ?? '', /H4: the IOMMU walked frame 0x[0-9a-f]+, which is dma reused/);
        } else {
          tlbi();
          ptFreelistReleaseNow(r.mem, g);
          assert.deepEqual(tableFramesInUse(r.smmu, r.mem), []);
          const d = deviceDmaNow(r.smmu, r.ep, r.sid, W(SZ_2M + 2 * SZ_4K));
          assert.equal(walkedFreedTable(r.mem, d), null);
        }
      });
    }
  });

  it('nested: a guest stage 1 over stage 2; an S2 invalidation alone leaves the combined entry, TLBI_NH_ALL(vmid) drops it (H22)', () => {
    inSetup(() => {
      const r = smmuRig();
      const s2 = s2Table(r.mem, 'parent');
      // the guest's tables hold guest addresses: the parent maps the guest table and CD frames at
      // IPA == PA, and the guest maps IOVA 0x5000 to IPA 0x800000, which the parent maps to `buf`
      const guest = ioPgtableNow(r.mem, armLpaeS1(), 'guest s1');
      runNow(ptMap(guest, 0x5000, 0x800000, SZ_4K, 1, RW, false));
      for (const f of ioPgtableFrames(guest)) mapNow(s2, f * 4096, f * 4096);
      const cdt = cdTableAllocNow(r.mem, 'linear', 0, 'guest cd', 'user');
      mapNow(s2, cdt, cdt);
      const buf = buffer(r.mem, 'guest buf', 'user');
      mapNow(s2, 0x800000, buf);
      cdWriteNow(r.mem, { base: cdt, fmt: 'linear', cdmax: 0 }, 0, cdS1({ asid: 9, ttb: guest.rootPa }));
      steWriteNow(r.smmu, r.sid, steNested({ vmid: 6, ttb: s2.rootPa, ctxptr: cdt, cdmax: 0 }));
      const d = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x5010));
      assert.equal(d.kind === 'ok' && d.pa, buf + 0x10);
      assert.equal(outsideStage2(r.mem, armLpaeS2(), s2.root, buf + 0x10), false);
      assert.deepEqual(describeTranslation(r.smmu.installed(r.sid, null)), `nested(s1 0x${guest.rootPa.toString(16)} over ${r.mem.pageAt(s2.rootPa).label})`);
      // the parent unmaps the IPA: an S2 invalidation does not drop the combined stage-1 entry
      runNow(ptUnmap(s2, 0x800000, SZ_4K, 1, ptGatherInit(), false));
      smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_S2_IPA', vmid: 6, addr: 0x800000, size: SZ_4K, leaf: true }]);
      assert.equal(deviceDmaNow(r.smmu, r.ep, r.sid, W(0x5010)).kind, 'ok', 'stale combined entry');
      smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_NH_ALL', vmid: 6 }]);
      const after = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x5010));
      assert.deepEqual(after.kind === 'fault' && after.reason, 'F_TRANSLATION');
    });
  });
});

describe('SMMUv3: ATS', () => {
  it('a translation request fills the ATC; translated requests then pass the SMMU; ATC_INV is needed after the TLBI (H2, H8)', () => {
    inSetup(() => {
      const r = smmuRig(5, { ats: true });
      r.ep.atsEnabled = true;
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem);
      mapNow(pt, 0x10000, buf);
      installS1(r, pt, 4, true);
      assert.equal(smmuAtsProblem(r.smmu, r.sid, r.ep), null);
      const first = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.deepEqual(first.kind === 'ok' && [first.pa, first.path.via], [buf, 'atc']);
      assert.equal(r.ep.atc.size, 1);
      runNow(ptUnmap(pt, 0x10000, SZ_4K, 1, ptGatherInit(), false));
      smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_NH_VA', asid: 4, vmid: 0, addr: 0x10000, size: SZ_4K, leaf: true }]);
      const stale = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.deepEqual(stale.kind === 'ok' && stale.pa, buf, 'the device still has it');
      assert.match(
        describeStale(r.smmu, r.sid, null, staleTranslations(r.smmu, r.ep, r.sid, null, 0x10000, 0x10fff)[0]!),
        /through the ATC/,
      );
      smmuCmdqIssueNow(r.smmu, [{ op: 'ATC_INV', sid: r.sid, ssid: null, addr: 0x10000, size: SZ_4K }]);
      const gone = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.equal(gone.kind === 'fault' && gone.reason, 'ATS translation completion grants no access');
    });
  });

  it('ATS enabled behind an STE without EATS: translation requests are refused (H9)', () => {
    inSetup(() => {
      const r = smmuRig(5, { ats: true });
      r.ep.atsEnabled = true;
      installS1(r, s1Table(r.mem), 4, false);
      assert.match(smmuAtsProblem(r.smmu, r.sid, r.ep) ?? '', /H9: ep:fn0 has ATS enabled but its STE \(sid 5\) has EATS=abt/);
      const d = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.equal(d.kind === 'fault' && d.reason, 'F_BAD_ATS_TREQ');
    });
  });

  it('an ATC_INV to a function in reset is not answered: the SYNC fails with -ETIMEDOUT and the timeout is recorded (H16)', () => {
    const r = runHw({
      setup: () => smmuRig(5, { ats: true }),
      threads: [
        function* (rig) {
          yield* hwFunctionResetStart(rig.ep);
          const ret = yield* smmuCmdqIssue(rig.smmu, [{ op: 'ATC_INV', sid: rig.sid, ssid: null, addr: 0, size: 0 }]);
          yield* hwFunctionResetEnd(rig.ep);
          return ret;
        },
      ],
    });
    assert.equal(r.results[0], -ETIMEDOUT);
    assert.equal(r.world.ep.atcInvTimeouts, 1);
    assert.equal(r.world.smmu.cmdq.atcInvSyncErrors, 1);
    assert.deepEqual(fenceErrors(r.world.smmu), ['H16: smmu0: CMD_SYNC (CERROR_ATC_INV_SYNC) after ATC_INV(sid 5, all) (no answer)']);
    assert.match(atcTimeouts(r.world.ep) ?? '', /1 ATS invalidation\(s\) sent to ep:fn0 timed out/);
  });
});
