// H1 per device (hw/check/authority.ts): a DMA through SMMUv3 or VT-d must land on a page of
// authority(D), the tables the function's configuration leads to in memory and in its
// configuration caches (the grace of a change not yet invalidated). Built from the hardware
// alone: stale IOTLB entries met again through a reused tag, a configuration cache still holding
// the old domain, the same under every interleaving of a driver thread and a device thread.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dmaAccess } from '../src/hw/dma.js';
import { HwEndpoint } from '../src/hw/endpoint.js';
import { authorityOf } from '../src/hw/check/authority.js';
import { smmuCmdqIssue, smmuCmdqIssueNow } from '../src/hw/smmuv3/cmdq.js';
import { steWriteNow } from '../src/hw/smmuv3/tables.js';
import type { Ste } from '../src/hw/smmuv3/ste.js';
import { ptGatherInit } from '../src/hw/pgtable/gather.js';
import { ptUnmap } from '../src/hw/pgtable/unmap.js';
import type { IoPgtable } from '../src/hw/pgtable/pgtable.js';
import { STE_ABORT } from '../src/hw/smmuv3/ste.js';
import { pasidSl } from '../src/hw/vtd/entries.js';
import { qiSubmitSyncNow } from '../src/hw/vtd/qi.js';
import type { Gen } from '../src/sync/index.js';
import { exploreHw, inSetup, runHw } from './support/hw.js';
import { buffer, mapNow, s1Ste, s1Table, type SmmuRig, smmuRig } from './support/smmu-rig.js';
import { setPasid, slTable, vtdRig } from './support/vtd-rig.js';

const IOVA = 0x10000;

function violations(exec: { violations: ReadonlyArray<{ kind: string; message: string }> }): string[] {
  return exec.violations.filter((v) => v.kind === 'dma-isolation').map((v) => v.message);
}

/** a device thread: one DMA write to `iova`, the outcome as text */
function* dmaOnce(r: SmmuRig, iova = IOVA): Gen<string> {
  const d = yield* dmaAccess(r.smmu, r.ep, r.sid, null, iova);
  return d.kind === 'ok' || d.kind === 'bypass' ? `${d.kind} 0x${d.pa.toString(16)}` : d.kind;
}

/**
 * Two S1 domains: A (ASID 1) over bufA, B over bufB (ASID `asidB`), both at IOVA. `ep` was on A and
 * DMA'd once (the TLB holds A's translation under ASID 1, the configuration cache holds A's STE
 * and CD); then its STE is rewritten in memory to B. `cfgi`: the configuration cache invalidated
 * and synced afterwards (the change's fence has completed).
 */
function replaced(asidB: number, cfgi: boolean): SmmuRig & { bufA: number; bufB: number; steB: Ste; ptA: IoPgtable } {
  const r = smmuRig(5, { linear: true });
  const ptA = s1Table(r.mem, 'domA');
  const ptB = s1Table(r.mem, 'domB');
  const bufA = buffer(r.mem, 'bufA');
  const bufB = buffer(r.mem, 'bufB');
  mapNow(ptA, IOVA, bufA);
  mapNow(ptB, IOVA, bufB);
  steWriteNow(r.smmu, r.sid, s1Ste(r.mem, ptA, 1).ste);
  const warm = r.smmu.transactNow({ sid: r.sid, pasid: null, iova: IOVA, write: true, at: 'untranslated' });
  assert.equal(warm.kind === 'ok' ? warm.pa : -1, bufA);
  const steB = s1Ste(r.mem, ptB, asidB).ste;
  steWriteNow(r.smmu, r.sid, steB);
  if (cfgi) assert.equal(smmuCmdqIssueNow(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]), 0);
  return { ...r, bufA, bufB, steB, ptA };
}

describe('H1 per device on SMMUv3: authority(D)', () => {
  it('(a) a device reaching, through an IOTLB entry under its reused tag, a page mapped only in another device\'s domain is a violation', () => {
    const { exec, results } = runHw({
      setup: () => {
        const r = replaced(1, true);
        // another function stays on domain A: bufA is still given to a device (pinned, a DMA buffer)
        const other = new HwEndpoint('fn1');
        r.smmu.wire(6, other);
        steWriteNow(r.smmu, 6, s1Ste(r.mem, r.ptA, 1).ste);
        return r;
      },
      threads: [(r) => dmaOnce(r)],
    });
    assert.match(results[0] as string, /^ok /);
    const v = violations(exec);
    assert.equal(v.length, 1, v.join('\n'));
    assert.match(v[0]!, /through the IOTLB of smmu0, an entry walked from table 0x[0-9a-f]+ .*outside authority\(D\)/);
  });

  it('(b) after the detach returned (STE replaced, CFGI_STE + CMD_SYNC done), the old domain\'s page reached through a stale entry is a violation', () => {
    const { exec, world } = runHw({
      setup: () => replaced(1, true),
      threads: [(r) => dmaOnce(r)],
    });
    const v = violations(exec);
    assert.equal(v.length, 1, v.join('\n'));
    assert.ok(v[0]!.includes(`reached 0x${world.bufA.toString(16)}`), v[0]);
  });

  it('(c) the grace window: a DMA between the STE change and its invalidation uses the cached old domain, and that is no violation', () => {
    const { exec, results, world } = runHw({
      setup: () => replaced(2, false),
      threads: [(r) => dmaOnce(r)],
    });
    assert.equal(results[0], `ok 0x${world.bufA.toString(16)}`);
    assert.deepEqual(violations(exec), []);
    // the same after the invalidation: the new domain
    const after = runHw({ setup: () => replaced(2, true), threads: [(r) => dmaOnce(r)] });
    assert.equal(after.results[0], `ok 0x${after.world.bufB.toString(16)}`);
    assert.deepEqual(violations(after.exec), []);
  });

  it('a replace with a fresh tag: no interleaving of the driver (STE write, CFGI_STE, CMD_SYNC) and a DMA is a violation', () => {
    const { result, finals } = exploreHw({
      setup: () => replaced(2, false),
      threads: [
        function* (r) {
          yield* smmuCmdqIssue(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]);
          return 'done';
        },
        (r) => dmaOnce(r),
      ],
      final: (r, res) => `${res[1] === `ok 0x${r.bufA.toString(16)}` ? 'old' : res[1] === `ok 0x${r.bufB.toString(16)}` ? 'new' : String(res[1])}`,
    }, true);
    assert.deepEqual(finals, ['new', 'old']);
    assert.equal(result.found.filter((c) => c.violation.kind === 'dma-isolation').length, 0);
  });

  it('a replace that reuses the old tag without a TLB flush: the DMA after the CFGI is reported, the one before is not; DPOR and DFS agree', () => {
    const prog = {
      setup: () => replaced(1, false),
      threads: [
        function* (r: ReturnType<typeof replaced>): Gen<string> {
          yield* smmuCmdqIssue(r.smmu, [{ op: 'CFGI_STE', sid: r.sid, leaf: true }]);
          return 'done';
        },
        (r: ReturnType<typeof replaced>) => dmaOnce(r),
      ],
      final: (r: ReturnType<typeof replaced>, res: readonly unknown[]) => (res[1] === `ok 0x${r.bufA.toString(16)}` ? 'old page' : String(res[1])),
    };
    const dpor = exploreHw(prog, true);
    const dfs = exploreHw(prog, false);
    // every DMA reaches domain A's page: through the cached STE (grace) or through ASID 1's stale entry after the CFGI
    assert.deepEqual(dpor.finals, ['old page']);
    assert.deepEqual(dfs.finals, ['old page']);
    const kinds = (x: typeof dpor): string[] => x.result.found.map((c) => c.violation.kind);
    assert.deepEqual(kinds(dpor), ['dma-isolation']);
    assert.deepEqual(kinds(dfs), ['dma-isolation']);
    assert.ok(dfs.result.executions > 1 && dpor.result.executions <= dfs.result.executions);
  });

  it('a device on an abort STE has an empty authority; a bypass STE has all memory', () => inSetup(() => {
    const r = smmuRig(5, { linear: true });
    steWriteNow(r.smmu, r.sid, STE_ABORT);
    const a = authorityOf(r.smmu, r.sid, null);
    assert.equal(a.all, false);
    assert.deepEqual(a.roots, []);
  }));

  it('a stale TLB entry of the device\'s own table (an unmap not yet invalidated) is the unmap\'s grace, not a per-device violation', () => {
    const { exec, results } = runHw({
      setup: () => {
        const r = smmuRig(5, { linear: true });
        const pt = s1Table(r.mem, 'domA');
        const buf = buffer(r.mem, 'bufA');
        mapNow(pt, IOVA, buf);
        steWriteNow(r.smmu, r.sid, s1Ste(r.mem, pt, 1).ste);
        r.smmu.transactNow({ sid: r.sid, pasid: null, iova: IOVA, write: true, at: 'untranslated' });
        return { ...r, pt, buf };
      },
      threads: [
        function* (r) {
          // the PTE cleared (the unmap), its TLBI not sent yet
          return yield* ptUnmap(r.pt, IOVA, 4096, 1, ptGatherInit(), true);
        },
        (r) => dmaOnce(r),
      ],
    }, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(results[0], 4096);
    assert.match(results[1] as string, /^ok /);
    assert.deepEqual(violations(exec), []);
  });
});

describe('H1 per device on VT-d: authority(D)', () => {
  it('a DID reused without an IOTLB flush: a DMA reaching the old domain\'s page through the stale entry is a violation', () => {
    const { exec } = runHw({
      setup: () => {
        const r = vtdRig({ sid: 8 });
        const ptA = slTable(r.mem, 'domA');
        const ptB = slTable(r.mem, 'domB');
        const bufA = buffer(r.mem, 'bufA');
        const bufB = buffer(r.mem, 'bufB');
        mapNow(ptA, IOVA, bufA);
        mapNow(ptB, IOVA, bufB);
        setPasid(r, 0, pasidSl({ did: 5, root: ptA.rootPa }));
        const warm = r.unit.transactNow({ sid: r.sid, pasid: null, iova: IOVA, write: true, at: 'untranslated' });
        assert.equal(warm.kind === 'ok' ? warm.pa : -1, bufA);
        // domain B under the same DID; the PASID cache invalidated and the wait completed, the IOTLB not
        setPasid(r, 0, pasidSl({ did: 5, root: ptB.rootPa }));
        assert.equal(qiSubmitSyncNow(r.unit, [{ type: 'pc', scope: 'pasid', did: 5, pasid: 0 }]), 0);
        return { ...r, bufA };
      },
      threads: [
        function* (r) {
          const d = yield* dmaAccess(r.unit, r.ep, r.sid, null, IOVA);
          return d.kind === 'ok' ? `ok 0x${d.pa.toString(16)}` : d.kind;
        },
      ],
    });
    const v = violations(exec);
    assert.equal(v.length, 1, v.join('\n'));
    assert.match(v[0]!, /through the IOTLB of .*outside authority\(D\)/);
  });
});
