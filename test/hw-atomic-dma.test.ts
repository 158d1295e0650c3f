// The one-step DMA (hw/txn/atomic.ts) the scenario `dma` operation uses on SMMUv3 and VT-d: it
// names every location the stepped DMA would read, and it hides none of the hardware races the
// stepped DMA shows (a torn or V=0 entry mid-update, the ATC refilled from a stale TLB), with far
// fewer interleavings. DPOR over it finds what DFS finds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STE_BYPASS, steS2 } from '../src/hw/smmuv3/ste.js';
import { slotField } from '../src/hw/memory/slots.js';
import { steSlot } from '../src/hw/smmuv3/tables.js';
import { deviceDmaAtomic, dmaReads } from '../src/hw/txn/atomic.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { dependent, type Op, OpKind } from '../src/rt/op.js';
import { exploreHw, finalsBoth, inSetup, program } from './support/hw.js';
import { atcInvPage, pasidProgram, steProgram, tlbiPage, unmapProgram } from './support/hw-programs.js';
import { buffer, installS1, mapNow, s1Table, s2Table, type SmmuRig, smmuRig } from './support/smmu-rig.js';

const toS2 = (r: SmmuRig) => steS2({ vmid: 3, ttb: s2Table(r.mem).rootPa });

describe('one-step DMA: what it declares', () => {
  it('a cold DMA names the function, the configuration cache line, the STE and CD slots, the TLB tag, every table level and the page it lands on', () => inSetup(() => {
    const r = smmuRig(5, { linear: true });
    const pt = s1Table(r.mem);
    const buf = buffer(r.mem);
    mapNow(pt, 0x10000, buf);
    installS1(r, pt, 1);
    const { reads, r: res } = dmaReads(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x10000, write: true });
    assert.equal(res.kind, 'ok');
    const names = reads.map((a) => `${a.obj.label}${a.field === null ? '' : `.${a.field}`}`);
    const ste = steSlot(r.smmu, r.sid)!;
    assert.equal(names[0], `${r.ep.label}.inReset`);
    assert.ok(names.includes(`${r.smmu.cfg.label}.${r.smmu.cfg.field(r.sid)}`), names.join(' '));
    assert.ok(names.includes(`${ste.page.label}.${slotField(ste)}`), names.join(' '));
    // S1: the CD, then the TLB tag, then one read per table level (4 levels here), then the landing page
    const ptw = names.filter((n) => /^page\[0x[0-9a-f]+\]\.e\d+$/.test(n) && !n.startsWith(ste.page.label));
    assert.ok(ptw.length >= 5, `CD + table levels: ${names.join(' ')}`);
    assert.equal(names.at(-1), r.mem.pageAt(buf).label);
  }));

  it('a warm DMA (configuration and TLB hits) names the cache lines, not memory', () => inSetup(() => {
    const r = smmuRig(5, { linear: true });
    const pt = s1Table(r.mem);
    const buf = buffer(r.mem);
    mapNow(pt, 0x10000, buf);
    installS1(r, pt, 1);
    const cold = dmaReads(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x10000, write: true }).reads.length;
    r.smmu.transactNow({ sid: r.sid, pasid: null, iova: 0x10000, write: true, at: 'untranslated' });
    const warm = dmaReads(r.smmu, r.ep, r.sid, { pasid: null, iova: 0x10000, write: true }).reads;
    assert.ok(warm.length < cold, `${warm.length} < ${cold}`);
    assert.equal(warm.length, 4, warm.map((a) => `${a.obj.label}.${a.field}`).join(' '));
  }));

  it('of the function: its reset state and ATS enable bit, and its ATC only with ATS on (an ATS invalidation while ATS is off is independent of it)', () => inSetup(() => {
    const r = smmuRig(5, { ats: true, linear: true });
    const pt = s1Table(r.mem);
    mapNow(pt, 0x10000, buffer(r.mem));
    installS1(r, pt, 1, true);
    const req = { pasid: null, iova: 0x10000, write: true };
    const atcInv: Op = { kind: OpKind.HwWrite, obj: r.ep, field: 'atc', reads: [{ obj: r.ep, field: 'inReset' }] };
    const dmaOp = (): Op => ({ kind: OpKind.Dma, obj: r.ep, field: 'inReset', reads: dmaReads(r.smmu, r.ep, r.sid, req).reads });
    const fields = (op: Op): string[] => op.reads!.filter((a) => a.obj === r.ep).map((a) => `${a.field}${a.write === true ? '(W)' : ''}`);
    r.ep.atsEnabled = false;
    assert.deepEqual(fields(dmaOp()), ['inReset', 'atsEnabled']);
    assert.equal(dependent(dmaOp(), atcInv), false);
    assert.equal(dependent(dmaOp(), { kind: OpKind.HwWrite, obj: r.ep, field: 'atsEnabled' }), true);
    assert.equal(dependent(dmaOp(), { kind: OpKind.HwWrite, obj: r.ep, field: null }), true, 'a function reset writes all of it');
    r.ep.atsEnabled = true;
    // a translation request, and its completion filling the ATC
    assert.deepEqual(fields(dmaOp()), ['inReset', 'atsEnabled', 'atc', 'atc(W)']);
    assert.equal(dependent(dmaOp(), atcInv), true);
  }));
});

describe('one-step DMA: the hardware races stay visible (same outcomes as the stepped DMA)', () => {
  it('a hitless STE update shows old or new; a breaking one a V=0 window (C_BAD_STE: the DMA between two word writes)', () => {
    assert.deepEqual(exploreHw(steProgram(() => STE_BYPASS, false, deviceDmaAtomic), true).finals, ['hitless: ok 0x10000', 'hitless: old']);
    assert.deepEqual(exploreHw(steProgram(toS2, false, deviceDmaAtomic), true).finals, ['breaking: C_BAD_STE', 'breaking: F_TRANSLATION', 'breaking: old']);
  });

  it('VT-d in-place PASID replace: a torn entry is fetched', () => {
    const { finals } = exploreHw(pasidProgram(true, false, deviceDmaAtomic), true);
    assert.ok(finals.includes('old') && finals.includes('new'), finals.join(' | '));
    assert.ok(finals.some((f) => f !== 'old' && f !== 'new'), `a torn entry: ${finals.join(' | ')}`);
  });

  it('unmap: without the TLBI the old page stays reachable; ATC_INV before the TLBI lets the ATC refill from the stale TLB', () => {
    assert.ok(exploreHw(unmapProgram([[]], false, deviceDmaAtomic), true).finals.some((f) => f.includes('old page, stale at the end')));
    const right = exploreHw(unmapProgram([[tlbiPage], [atcInvPage]], true, deviceDmaAtomic), true).finals;
    assert.ok(right.every((f) => !f.includes('stale')), right.join(' | '));
    const wrong = exploreHw(unmapProgram([[atcInvPage], [tlbiPage]], true, deviceDmaAtomic), true).finals;
    assert.ok(wrong.some((f) => f.includes('stale at the end')), wrong.join(' | '));
  });

  it('a driver write that moves the walk is met by the DMA\'s one step, declared again, not by a retry: one DMA step per execution, one execution per place of the DMA among the writes it reads', () => {
    // a breaking STE update (S1 to S2, caches cold) racing the DMA: declared once before the
    // driver's writes and retried at its step, the DMA took a step per retry, and DPOR placed
    // every retry among the writes (43 executions, each a class of its own)
    const stepsOfDma: number[] = [];
    const dpor = new DporStrategy();
    const finals: string[] = [];
    const counted: Strategy = {
      name: dpor.name,
      recordsOps: true,
      get exhaustive() {
        return dpor.exhaustive;
      },
      next: () => dpor.next(),
      finished(exec) {
        dpor.finished(exec);
        stepsOfDma.push(exec.stepThreads.filter((t) => t === 1).length);
      },
    };
    const r = explore(program(steProgram(toS2, true, deviceDmaAtomic), finals), counted, {});
    assert.equal(r.exhaustive, true);
    assert.ok(stepsOfDma.every((n) => n === 1), `DMA steps per execution: ${stepsOfDma.join(' ')}`);
    // one place before the update, one between each word write and its CFGI_STE + CMD_SYNC, ...
    assert.equal(r.executions, 9);
    assert.equal(dpor.stats.sleepBlocked, 0);
    assert.deepEqual([...new Set(finals)].sort(), finalsBoth(steProgram(toS2, true, deviceDmaAtomic)).dfs);
  });

  it('DPOR over the one-step DMA finds every outcome DFS finds, in fewer executions than the stepped DMA', () => {
    for (const [atomic, stepped] of [
      [steProgram(toS2, false, deviceDmaAtomic), steProgram(toS2)],
      [pasidProgram(true, true, deviceDmaAtomic), pasidProgram(true, true)],
    ] as const) {
      const b = finalsBoth(atomic as never);
      assert.deepEqual(b.dpor, b.dfs);
      assert.ok(b.dporRuns < exploreHw(stepped as never, true).result.executions, `${b.dporRuns}`);
    }
  });
});
