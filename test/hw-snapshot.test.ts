// The hardware models in a world snapshot (rt/clone.ts): an SMMUv3 and a VT-d unit with memory,
// tables, warm caches and a queue log copy as plain graphs, and the copy behaves as the original
// from there on, independently of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphCloner } from '../src/rt/clone.js';
import { SZ_4K } from '../src/hw/pgtable/format.js';
import { ptGatherInit } from '../src/hw/pgtable/gather.js';
import { runNow } from '../src/hw/pgtable/pgtable.js';
import { ptUnmap } from '../src/hw/pgtable/unmap.js';
import { smmuCmdqIssueNow } from '../src/hw/smmuv3/cmdq.js';
import { deviceDmaNow } from '../src/hw/txn/device.js';
import { pasidSl } from '../src/hw/vtd/entries.js';
import { inSetup } from './support/hw.js';
import { buffer, installS1, mapNow, s1Table, smmuRig } from './support/smmu-rig.js';
import { setPasid, slTable, vtdRig } from './support/vtd-rig.js';

const W = (iova: number, pasid: number | null = null) => ({ pasid, iova, write: true });

describe('hardware in a world snapshot', () => {
  it('copies, and the copy translates like the original and independently of it', () => {
    inSetup(() => {
      const s = smmuRig();
      const pt = s1Table(s.mem);
      const buf = buffer(s.mem);
      mapNow(pt, 0x10000, buf);
      installS1(s, pt, 3);
      assert.equal(deviceDmaNow(s.smmu, s.ep, s.sid, W(0x10000)).kind, 'ok');
      const v = vtdRig();
      const sl = slTable(v.mem);
      mapNow(sl, 0x20000, buffer(v.mem));
      setPasid(v, 0, pasidSl({ did: 2, root: sl.rootPa }));
      assert.equal(deviceDmaNow(v.unit, v.ep, v.sid, W(0x20000)).kind, 'ok');

      const world = { s, v, pt };
      const copy = new GraphCloner().copy(world);
      assert.notEqual(copy.s.smmu, s.smmu);
      assert.equal(copy.s.smmu.oid, s.smmu.oid, 'object ids kept');
      assert.equal(copy.s.mem.page(pt.root).oid, s.mem.page(pt.root).oid);
      assert.deepEqual(copy.s.smmu.cachedLeaves(), s.smmu.cachedLeaves());
      // the original loses its mapping and its TLB entry; the copy (its own memory) keeps both
      runNow(ptUnmap(pt, 0x10000, SZ_4K, 1, ptGatherInit(), false));
      smmuCmdqIssueNow(s.smmu, [{ op: 'TLBI_NH_ASID', asid: 3, vmid: 0 }]);
      assert.equal(deviceDmaNow(s.smmu, s.ep, s.sid, W(0x10000)).kind, 'fault');
      assert.equal(copy.s.smmu.cachedLeaves().length, 1);
      smmuCmdqIssueNow(copy.s.smmu, [{ op: 'TLBI_NH_ASID', asid: 3, vmid: 0 }]);
      const walked = deviceDmaNow(copy.s.smmu, copy.s.ep, copy.s.sid, W(0x10000));
      assert.deepEqual(walked.kind === 'ok' && [walked.pa, walked.path.via], [buf, 'walk'], 'the tables of the copy still map it');
      const dv = deviceDmaNow(copy.v.unit, copy.v.ep, copy.v.sid, W(0x20000 + SZ_4K - 1));
      assert.equal(dv.kind, 'ok');
    });
  });
});
