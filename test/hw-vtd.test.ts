// The VT-d model alone (hardware.md §2, §4.2): root/context and PASID structures, PGTT kinds,
// the context, PASID and IOTLB caches until queued invalidation + wait, fault records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceDmaNow } from '../src/hw/txn/device.js';
import { describeFault } from '../src/hw/vtd/faults.js';
import { pasidFl, pasidPt, pasidSl } from '../src/hw/vtd/entries.js';
import { qiSubmitSyncNow } from '../src/hw/vtd/qi.js';
import { buffer, mapNow } from './support/smmu-rig.js';
import { inSetup } from './support/hw.js';
import { flTable, setPasid, slTable, vtdRig } from './support/vtd-rig.js';

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
