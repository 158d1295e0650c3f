// The hardware checkers of hw/check/ wired where their invariant must hold (hardware.md §6), each
// with a hardware or driver variant that breaks it (the faithful model is quiet):
// - H4 where the drivers free table pages (hw/pgtable's freeTablePages(), `table_free`);
// - H7 and H9/H10 where attach_dev / set_dev_pasid returned 0 (`tags_installed`);
// - H16 where a fence enters the command queue's / invalidation queue's log (silentFence());
// and the one-step DMA's declared writes (its cache fills): a check that reads the TLB is ordered
// with the DMA that fills it, so DPOR finds what DFS finds; the DMA keeps the yield rule on both
// drivers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArmSmmuDomain } from '../src/drivers/smmuv3/domain.js';
import { HwEndpoint, hwFunctionResetStart } from '../src/hw/endpoint.js';
import { freeTablePages, ioPgtableFrames } from '../src/hw/pgtable/pgtable.js';
import type { Smmuv3 } from '../src/hw/smmuv3/smmu.js';
import type { VtdUnit } from '../src/hw/vtd/vtd.js';
import { deviceDmaAtomic } from '../src/hw/txn/atomic.js';
import { PctStrategy } from '../src/explorer/pct.js';
import { explore } from '../src/explorer/engine.js';
import { YieldLog, yieldRaceSplat } from '../src/rt/yield-race.js';
import { checkScenario } from '../src/check/check.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import { iommuScenario, iommuSpecOf } from '../src/scenarios/iommu/build.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { access, type Gen, OpKind } from '../src/sync/index.js';
import { finalsBoth } from './support/hw.js';
import { buffer, installS1, mapNow, s1Table, smmuRig } from './support/smmu-rig.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

const ep0 = { name: 'ep0', bus: 0, slot: 5, ats: true, pasids: 256 };
const smmuTopo = pciTopology([ep0], { iommus: [{ name: 'smmu0', driver: 'smmuv3' }] });
const vtdTopo = (ats: boolean) => pciTopology([{ ...ep0, ats }], { iommus: [{ name: 'dmar0', driver: 'vtd' }] });

function messages(r: ReturnType<typeof run>, kind: string): string[] {
  return r.exec.violations.filter((v) => v.kind === kind).map((v) => v.message);
}

/** bound to vfio, owned, D allocated, attached, one page mapped */
function* attachedAndMapped(w: IommuWorld): Gen {
  assert.equal(yield* op(w, { op: 'bind', dev: 'ep0', driverManagedDma: true }), 0);
  assert.equal(yield* op(w, { op: 'claim', dev: 'ep0', owner: 'o' }), 0);
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'D' }), 0);
  assert.equal(yield* op(w, { op: 'attach', dev: 'ep0', domain: 'D' }), 0);
  assert.equal(yield* op(w, { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x7e00000, size: 0x1000 }), 0);
}

describe('H4 where the drivers free table pages', () => {
  it('arm-smmu-v3: a driver variant freeing a table page a walk still reaches (and the walk cache holds) is reported', () => {
    const r = run(spec(smmuTopo), [function* (w) {
      yield* attachedAndMapped(w);
      // the DMA walks D's tables and fills the walk cache
      assert.equal(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000 }), 0);
      const pt = (w.domains.get('D') as ArmSmmuDomain).pgtbl!;
      const leafTable = ioPgtableFrames(pt)[0]!;
      assert.notEqual(leafTable, pt.root);
      // the variant: free it with no unmap and no invalidation
      yield* freeTablePages(pt.mem, [leafTable]);
      return 0;
    }]);
    const m = messages(r, 'invariant');
    assert.equal(m.length, 1, kinds(r).join(' '));
    assert.match(m[0]!, /H4: page-table frame 0x[0-9a-f]+ freed while smmu0: .*(TTB0|walk cache)/);
  });

  it('arm-smmu-v3 and intel-iommu: a domain detached, its tag flushed and its tables freed, quietly', () => {
    for (const topo of [smmuTopo, vtdTopo(true)]) {
      const r = run(spec(topo), [function* (w) {
        yield* attachedAndMapped(w);
        assert.equal(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000 }), 0);
        assert.equal(yield* op(w, { op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000 }), 0);
        assert.equal(yield* op(w, { op: 'detach', dev: 'ep0' }), 0);
        // free_io_pgtable_ops(): every table page through freeTablePages()
        assert.equal(yield* op(w, { op: 'domainFree', domain: 'D' }), 0);
        return 0;
      }]);
      assert.deepEqual(kinds(r), []);
    }
  });
});

describe('H7 and H9/H10 where attach_dev returned 0', () => {
  it('arm-smmu-v3: an SMMU whose CFGI does not reach the configuration cache leaves the old CD in use after the attach (H7)', () => {
    const r = run(spec(smmuTopo), [function* (w) {
      yield* attachedAndMapped(w);
      assert.equal(yield* op(w, { op: 'dma', dev: 'ep0', iova: 0x10000 }), 0);
      // the variant: the configuration cache ignores invalidations (its generations still move)
      const smmu = w.machine.units.get('smmu0') as Smmuv3;
      smmu.cfg.invalidate = (key: number) => smmu.cfg.gens.bump(key);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'ep0', domain: 'E' }), 0);
      assert.equal(yield* op(w, { op: 'replace', dev: 'ep0', domain: 'E', handle: 'h' }), 0);
      return 0;
    }]);
    const m = messages(r, 'invariant');
    assert.ok(m.some((x) => /H7: smmu0 sid 0x[0-9a-f]+ RID: a DMA would use .* from the configuration cache, memory holds/.test(x)), m.join('\n'));
  });

  it('arm-smmu-v3: F8\'s reset_method probe turns ATS off between a reset\'s read of pdev->ats_enabled and its restore: ATS on behind an abort STE (H9)', () => {
    // the override's DMA after the threads (the built-in's, racing the probe, is thousands of
    // executions: `iommulab check --driver smmuv3` runs it): H9 needs no DMA
    const builtin = iommuSpecOf(builtinScenarios.find((x) => x.name === 'iommu-reset-method-vs-reset')!)!;
    const s = iommuScenario({ ...builtin, overrideDma: 'epilogue' }).withDriver!('smmuv3');
    const o = checkScenario(s, { timeLimitMs: 120_000 });
    assert.ok(o.exhaustive && o.matches, `${o.outcome} ${o.kinds.join(' ')}`);
    const h9 = o.violations.filter((v) => v.kind === 'invariant').map((v) => v.message);
    assert.ok(h9.some((x) => /H9: ep:ep0 has ATS enabled but its STE \(sid \d+\) has EATS=abt/.test(x)), h9.join('\n'));
  });

  it('intel-iommu: a function without ATS support behind a context entry with DTE=0 that enables ATS anyway: H10', () => {
    const r = run(spec(vtdTopo(false)), [function* (w) {
      // the variant: the function's ATS enable bit is on though the driver never enabled it
      const ep: HwEndpoint = w.devices.get('ep0')!.ep;
      ep.atsEnabled = true;
      yield* attachedAndMapped(w);
      return 0;
    }]);
    const m = messages(r, 'invariant');
    assert.ok(m.some((x) => /H10: ep:ep0 has ATS enabled/.test(x)), m.join('\n'));
  });
});

describe('H16 where a fence completes', () => {
  /** D attached with ATS, a page mapped, then the function goes into reset and the page is unmapped (its ATC_INV gets no answer) */
  const body = (broken: (w: IommuWorld) => void) =>
    function* (w: IommuWorld): Gen<number> {
      yield* attachedAndMapped(w);
      broken(w);
      yield* hwFunctionResetStart(w.devices.get('ep0')!.ep);
      return yield* op(w, { op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000 });
    };

  // a kernel without the reset hooks: nothing blocks the function before its reset (no I9 stop)
  const old = { patches: ['noResetIommuHooks' as const] };

  it('arm-smmu-v3: the ATC_INV times out (invalidation-timeout); a CMD_SYNC that hides the error is reported as well', () => {
    const faithful = run(spec(smmuTopo, [], old), [body(() => undefined)]);
    const m = messages(faithful, 'invalidation-timeout');
    assert.ok(m.some((x) => /H16: an ATS invalidation sent to dev:ep0 timed out/.test(x)), m.join('\n'));
    assert.ok(m.every((x) => !/completed without error/.test(x)), m.join('\n'));
    const broken = run(spec(smmuTopo, [], old), [body((w) => ((w.machine.units.get('smmu0') as Smmuv3).cmdq.syncHidesAtcErrors = true))]);
    const b = messages(broken, 'invalidation-timeout');
    assert.ok(b.some((x) => /H16: smmu0: CMD_SYNC completed without error after ATC_INV.*\(no answer\)/.test(x)), b.join('\n'));
  });

  it('intel-iommu: the device-TLB invalidation times out; a wait descriptor that hides the ITE is reported as well', () => {
    const faithful = run(spec(vtdTopo(true), [], old), [body(() => undefined)]);
    const m = messages(faithful, 'invalidation-timeout');
    assert.ok(m.some((x) => /H16: an ATS invalidation sent to dev:ep0 timed out/.test(x)), m.join('\n'));
    assert.ok(m.every((x) => !/completed without error/.test(x)), m.join('\n'));
    const broken = run(spec(vtdTopo(true), [], old), [body((w) => ((w.machine.units.get('dmar0') as VtdUnit).qi.waitHidesIte = true))]);
    const b = messages(broken, 'invalidation-timeout');
    assert.ok(b.some((x) => /H16: dmar0: wait completed without error after .*\(no answer\)/.test(x)), b.join('\n'));
  });
});

describe('the one-step DMA declares its fills', () => {
  it('a step that reads the TLB is ordered with the DMA that fills it: DPOR finds both outcomes DFS finds', () => {
    const b = finalsBoth({
      setup: () => {
        const r = smmuRig(5, { linear: true });
        const pt = s1Table(r.mem);
        mapNow(pt, 0x10000, buffer(r.mem));
        installS1(r, pt, 1);
        return r;
      },
      threads: [
        (r) => deviceDmaAtomic(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x10000, write: true }),
        function* (r) {
          // a check's step: it reads the TLB and nothing writes there but the DMA's fill
          yield { kind: OpKind.Yield, obj: null, field: null, verb: 'check', reads: [access(r.smmu.tlb)] };
          return r.smmu.tlb.heldLeaves().length > 0 ? 'filled' : 'empty';
        },
      ],
      final: (_r, results) => String(results[1]),
    });
    assert.deepEqual(b.dfs, ['empty', 'filled']);
    assert.deepEqual(b.dpor, b.dfs);
  });

  it('keeps the yield rule on arm-smmu-v3 and intel-iommu (the built-ins that broke it, a short search each)', () => {
    const names = ['iommu-group-attach-detach', 'iommu-reset-vs-attach', 'iommu-reset-method-live', 'iommu-release-last-member', 'iommu-reset-vs-deferred-map'];
    const log = new YieldLog();
    for (const name of names) {
      const s = builtinScenarios.find((x) => x.name === name)!;
      for (const driver of ['smmuv3', 'vtd']) {
        const on = s.withDriver!(driver);
        explore(on.program, new PctStrategy(1, 12, 3), { faults: on.faults ?? { mode: 'none' }, yieldLog: log });
      }
    }
    assert.deepEqual(log.list().map(yieldRaceSplat), []);
  });
});
