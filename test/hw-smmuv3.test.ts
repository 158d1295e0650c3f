// The SMMUv3 model alone (hardware.md §1, §4.1): STE configurations, CDs and substreams, the
// configuration cache and the TLB holding stale entries until CFGI/TLBI + CMD_SYNC, events,
// ATS and ATC invalidation, and what a DMA may observe in the middle of an STE update.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceDmaNow } from '../src/hw/txn/device.js';
import { smmuCmdqIssueNow } from '../src/hw/smmuv3/cmdq.js';
import { describeEvent } from '../src/hw/smmuv3/events.js';
import { STE_ABORT, STE_BYPASS } from '../src/hw/smmuv3/ste.js';
import { steWriteNow } from '../src/hw/smmuv3/tables.js';
import { buffer, installS1, installS2, mapNow, s1Table, s2Table, smmuRig } from './support/smmu-rig.js';
import { inSetup } from './support/hw.js';

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
