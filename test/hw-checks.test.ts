// The hardware checkers the oracles will call (hardware.md §6), each shown failing and passing,
// and the fast translation path agreeing with the full one (answers and caches) on random states.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { landing, permissionProblem } from '../src/hw/check/dma.js';
import { tornEntry } from '../src/hw/check/stale.js';
import { frameReferences, pgtableProblems } from '../src/hw/check/tables.js';
import { smmuTagProblems, staleTagOwners } from '../src/hw/check/tags.js';
import { IOMMU_READ } from '../src/hw/io-pgtable.js';
import { SZ_2M, SZ_4K } from '../src/hw/pgtable/format.js';
import { ptGatherInit } from '../src/hw/pgtable/gather.js';
import { runNow } from '../src/hw/pgtable/pgtable.js';
import { pteTable } from '../src/hw/pgtable/pte.js';
import { ptUnmap } from '../src/hw/pgtable/unmap.js';
import { cdS1 } from '../src/hw/smmuv3/cd.js';
import { smmuCmdqIssueNow } from '../src/hw/smmuv3/cmdq.js';
import { Smmuv3 } from '../src/hw/smmuv3/smmu.js';
import { STE_ABORT, steCdTable, steS2 } from '../src/hw/smmuv3/ste.js';
import { smmuTransactNow } from '../src/hw/smmuv3/translate.js';
import { cdWriteNow, steWriteNow, strtabInitNow } from '../src/hw/smmuv3/tables.js';
import { deviceDmaNow } from '../src/hw/txn/device.js';
import { pasidFl, pasidSl } from '../src/hw/vtd/entries.js';
import { qiSubmitSyncNow } from '../src/hw/vtd/qi.js';
import { vtdTransactNow } from '../src/hw/vtd/translate.js';
import { inSetup } from './support/hw.js';
import { buffer, cdTableWith, installS1, mapNow, s1Table, s2Table, smmuRig } from './support/smmu-rig.js';
import { flTable, setPasid, slTable, vtdRig } from './support/vtd-rig.js';

const W = (iova: number, pasid: number | null = null) => ({ pasid, iova, write: true });

describe('tag checks (H5, H6)', () => {
  it('SMMUv3: one ASID walking two tables across instances, ASID 0 in a CD, VMID 0 in an S2 STE', () => {
    inSetup(() => {
      const r = smmuRig();
      const other = new Smmuv3('smmu1', r.mem, { sidBits: 6 });
      strtabInitNow(other, 'linear');
      other.enabled = true;
      installS1(r, s1Table(r.mem, 'a'), 7);
      const b = s1Table(r.mem, 'b');
      const cdt = cdTableWith(r.mem, [{ ssid: 0, pt: b, asid: 7 }]);
      steWriteNow(other, 1, steCdTable({ ctxptr: cdt.base, cdmax: 0 }));
      assert.match(smmuTagProblems([r.smmu, other]).join('\n'), /H5: asid 7 vmid 0 walks 2 different tables: smmu0 sid 0x5 -> root 0x[0-9a-f]+; smmu1 sid 0x1 -> root/);
      assert.deepEqual(smmuTagProblems([r.smmu]), [], 'per instance it is fine: the allocator is global');
      cdWriteNow(r.mem, cdt, 0, cdS1({ asid: 0, ttb: b.rootPa }));
      steWriteNow(other, 2, steS2({ vmid: 0, ttb: s2Table(r.mem).rootPa }));
      const p = smmuTagProblems([other]);
      assert.ok(p.includes('H5: smmu1 sid 1: a valid CD with ASID 0'), p.join('\n'));
      assert.ok(p.includes('H5: smmu1 sid 2: a stage-2 STE with VMID 0 (reserved for S1-only STEs)'), p.join('\n'));
    });
  });

  it('H6: a tag given to a new table while the TLB still holds the old owner\'s translations', () => {
    inSetup(() => {
      const r = smmuRig();
      const a = s1Table(r.mem, 'a');
      mapNow(a, 0x10000, buffer(r.mem));
      installS1(r, a, 7);
      deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      // domain a freed without a TLBI (6.18 frees ASIDs without one); domain b gets ASID 7
      const b = s1Table(r.mem, 'b');
      installS1(r, b, 7);
      smmuCmdqIssueNow(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]);
      assert.match(staleTagOwners(r.smmu).join('\n'), /H6: smmu0: asid 7 vmid 0 now walks root 0x[0-9a-f]+ but the TLB still holds IOVA 0x10000 -> 0x[0-9a-f]+ walked from root/);
      const d = deviceDmaNow(r.smmu, r.ep, r.sid, W(0x10000));
      assert.equal(d.kind, 'ok', 'the new owner\'s device reaches the old owner\'s page');
      smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_NH_ASID', asid: 7, vmid: 0 }]);
      assert.deepEqual(staleTagOwners(r.smmu), []);
    });
  });
});

describe('table and DMA checks (H4, H7, H18, H19, H1)', () => {
  it('H18: a table frame linked twice, a table pointer at the last level, a frame that is not a page table', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      mapNow(pt, 0x1000, buffer(r.mem));
      mapNow(pt, SZ_2M + 0x1000, buffer(r.mem));
      assert.deepEqual(pgtableProblems(pt), []);
      const root = r.mem.page(pt.root).ptes!;
      root[1] = root[0]!;
      assert.match(pgtableProblems(pt).join('\n'), /linked twice/);
      root[1] = pteTable(buffer(r.mem, 'not a table') / 4096);
      assert.match(pgtableProblems(pt).join('\n'), /is dma not a table, not a page table/);
    });
  });

  it('H4: who still reaches a frame about to be freed', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      mapNow(pt, 0x1000, buffer(r.mem));
      installS1(r, pt, 3);
      assert.deepEqual(frameReferences([r.smmu], pt.root), ['smmu0: sid 5 ssid 0 TTB0']);
      deviceDmaNow(r.smmu, r.ep, r.sid, W(0x1000));
      steWriteNow(r.smmu, r.sid, STE_ABORT);
      assert.deepEqual(frameReferences([r.smmu], pt.root), ['smmu0: cached CD sid 5 ssid 0'], 'the cached CD still names the root');
    });
  });

  it('H7: an entry fetched mid-update is torn when it is valid and neither the old nor the new entry', () => {
    const old = pasidSl({ did: 2, root: 0x5000 });
    const next = pasidFl({ did: 3, root: 0x6000 });
    assert.equal(tornEntry([next[0], old[1], old[2]], old, next), true);
    assert.equal(tornEntry(old, old, next), false);
    assert.equal(tornEntry([{ ...next[0], p: false }, old[1], old[2]], old, next), false, 'not present: a fault, not a torn translation');
  });

  it('H19 and H1: a DMA gets only what the leaf grants; the page it reached and its owner', () => {
    inSetup(() => {
      const r = smmuRig();
      const pt = s1Table(r.mem);
      const buf = buffer(r.mem, 'nvme');
      mapNow(pt, 0x1000, buf, SZ_4K, IOMMU_READ);
      installS1(r, pt, 3);
      const d = deviceDmaNow(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x1000, write: false });
      assert.equal(permissionProblem(d, false), null);
      assert.match(permissionProblem({ ...d, prot: IOMMU_READ } as typeof d, true) ?? '', /H19/);
      assert.deepEqual(landing(r.mem, d), { pfn: buf / 4096, owner: { kind: 'dma', tag: 'nvme' } });
      r.mem.freeNow(buf / 4096);
      assert.equal(landing(r.mem, deviceDmaNow(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x1000, write: false }))!.owner.kind, 'free');
    });
  });
});

describe('fast paths', () => {
  it('answer and fill caches exactly as the full path, on random mappings, invalidations and DMAs (SMMUv3 and VT-d)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('dma' as const), page: fc.nat(23), write: fc.boolean(), pasid: fc.constantFrom(null, 1) }),
      fc.record({ k: fc.constant('unmap' as const), page: fc.nat(23) }),
      fc.record({ k: fc.constant('inval' as const), page: fc.nat(23) }),
    );
    fc.assert(
      fc.property(fc.constantFrom('smmu', 'vtd'), fc.array(op, { maxLength: 40 }), (kind, ops) => {
        const run = (fast: boolean): string[] =>
          inSetup(() => {
            const out: string[] = [];
            if (kind === 'smmu') {
              const r = smmuRig();
              const pt = s1Table(r.mem);
              for (let i = 0; i < 24; i++) mapNow(pt, 0x100000 + i * SZ_4K, buffer(r.mem), SZ_4K, i % 3 === 0 ? IOMMU_READ : 3);
              const cdt = cdTableWith(r.mem, [{ ssid: 0, pt, asid: 2 }, { ssid: 1, pt, asid: 2 }], 2);
              steWriteNow(r.smmu, r.sid, steCdTable({ ctxptr: cdt.base, cdmax: 2 }));
              for (const o of ops) {
                const iova = 0x100000 + o.page * SZ_4K;
                if (o.k === 'dma') {
                  const txn = { sid: r.sid, pasid: o.pasid, iova, write: o.write, at: 'untranslated' as const };
                  const d = fast ? r.smmu.transactNow(txn) : smmuTransactNow(r.smmu, txn);
                  out.push(d.kind === 'ok' ? `ok ${d.pa} ${d.prot}` : d.kind === 'fault' ? `${d.reason} ${d.recorded}` : d.kind);
                } else if (o.k === 'unmap') runNow(ptUnmap(pt, iova, SZ_4K, 1, ptGatherInit(), false));
                else smmuCmdqIssueNow(r.smmu, [{ op: 'TLBI_NH_VA', asid: 2, vmid: 0, addr: iova, size: SZ_4K, leaf: false }]);
              }
              out.push(
                JSON.stringify(r.smmu.cachedLeaves()),
                JSON.stringify(r.smmu.cachedTableFrames()),
                JSON.stringify(r.smmu.cfg.entries()),
                String(r.smmu.evtq.records.length),
              );
            } else {
              const r = vtdRig();
              const sl = slTable(r.mem);
              const fl = flTable(r.mem);
              for (let i = 0; i < 24; i++) {
                const b = buffer(r.mem);
                mapNow(sl, 0x100000 + i * SZ_4K, b, SZ_4K, i % 3 === 0 ? IOMMU_READ : 3);
                mapNow(fl, 0x100000 + i * SZ_4K, b, SZ_4K, i % 3 === 0 ? IOMMU_READ : 3);
              }
              setPasid(r, 0, pasidSl({ did: 2, root: sl.rootPa }));
              setPasid(r, 1, pasidFl({ did: 3, root: fl.rootPa }));
              for (const o of ops) {
                const iova = 0x100000 + o.page * SZ_4K;
                if (o.k === 'dma') {
                  const txn = { sid: r.sid, pasid: o.pasid, iova, write: o.write, at: 'untranslated' as const };
                  const d = fast ? r.unit.transactNow(txn) : vtdTransactNow(r.unit, txn);
                  out.push(d.kind === 'ok' ? `ok ${d.pa} ${d.prot}` : d.kind === 'fault' ? `${d.reason} ${d.recorded}` : d.kind);
                } else if (o.k === 'unmap') {
                  runNow(ptUnmap(sl, iova, SZ_4K, 1, ptGatherInit(), false));
                  runNow(ptUnmap(fl, iova, SZ_4K, 1, ptGatherInit(), false));
                } else {
                  qiSubmitSyncNow(r.unit, [
                    { type: 'iotlb', scope: 'psi', did: 2, addr: iova, am: 0, ih: false },
                    { type: 'piotlb', did: 3, pasid: 1, range: { addr: iova, am: 0, ih: false } },
                  ]);
                }
              }
              out.push(
                JSON.stringify(r.unit.cachedLeaves()),
                JSON.stringify(r.unit.cachedTableFrames()),
                String(r.unit.faults.records.length),
              );
            }
            return out;
          });
        assert.deepEqual(run(true), run(false));
      }),
      { numRuns: 40 },
    );
  });
});
