// One DMA transaction as one step of the device's thread (the default DMA of the scenario `dma`
// operation on SMMUv3 and VT-d, hardware.md §4): the function's reset state and ATC, the unit's
// configuration caches or entries (STE/CD, context/PASID), its TLB or each page-table level, the
// fills, the memory access. The step's descriptor names every location it reads, in the order the
// stepped transaction (txn/device.ts) would name them in its steps, plus the page it lands on, so
// the reduction sees that it depends on every STE/CD/PTE word write, every invalidation (a write
// of the cache line or tag it looks up) and the page owner writes the isolation oracle reads.
//
// The set depends on the state (which tables the walk reaches): it is computed before the yield,
// and again by the runtime after every step of another thread that writes a declared location
// (Op.redeclare, rt/execution.ts): such a write is the only thing that can move the walk, so the
// op the step runs with names what it reads when it runs. (Declared once and retried at the step
// instead, each retry was a step of its own, and the reduction explored every placement of every
// retry among the driver's writes: thousands of executions for one DMA racing a PCI reset on
// arm-smmu-v3.) When the step runs the probe runs once more; should it name other locations (a
// location read but not declared: a model error), the step reads the declared locations and does
// nothing else, and the thread declares the new set and tries again. What the step did therefore
// depends on the declared locations only.
//
// What one step hides compared with the stepped DMA (docs/ARCHITECTURE.md, "The atomic DMA"):
// nothing of hardware.md §1.4's point (a driver's STE/CD update is a word per step and this step
// reads the entry whole, so it can fall between two words of a breaking update and see V=0, or a
// torn mix of two), but a write that lands between two reads of one transaction (the stepped
// walk reading level 0, a PTE write, then level 1) is not explored: the model treats the walk of
// one transaction as atomic, which the architecture does not promise (§4.3: the hardware may walk
// and fill at any time), and the fence log that restarts an overtaken stepped DMA is not needed.
import type { Access } from '../../sync/index.js';
import { asOracle, type Gen, hwDmaStep } from '../../sync/index.js';
import type { HwEndpoint } from '../endpoint.js';
import { IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';
import { PTE_READ, PTE_WRITE } from '../pgtable/pte.js';
import type { HwIommu } from '../unit.js';
import { deviceDmaNow } from './device.js';
import { MODE_PROBE, type TxnMode } from './mode.js';
import { type DmaRequest, type DmaResult, NOT_ISSUED } from './txn.js';

/**
 * The locations a DMA from `ep` would read right now, in order, and what it would get: the
 * function, then what `deviceDmaNow` would look up (ATC, unit caches, entries, walk), then the
 * page it would reach and, for a fault, the unit's record queue.
 */
export function dmaReads(unit: HwIommu, ep: HwEndpoint, sid: number, req: DmaRequest): { reads: Access[]; r: DmaResult } {
  // the function's reset state (the op's own field), its ATS enable bit and, with ATS on, its ATC:
  // not the whole function (an ATS invalidation while ATS is off is nothing this DMA reads)
  const reads: Access[] = [{ obj: ep, field: 'inReset' }];
  if (ep.inReset) return { reads, r: NOT_ISSUED };
  const m: TxnMode = { ...MODE_PROBE, reads };
  let r: DmaResult;
  if (ep.atsCapable) reads.push({ obj: ep, field: 'atsEnabled' });
  if (!(ep.atsCapable && ep.atsEnabled)) r = unit.probeWith({ sid, pasid: req.pasid, iova: req.iova, write: req.write, at: 'untranslated' }, m);
  else {
    reads.push({ obj: ep, field: 'atc' });
    const hit = ep.atc.lookup(req.pasid, req.iova);
    if (hit !== null && (hit.flags & (req.write ? PTE_WRITE : PTE_READ)) !== 0) {
      r = unit.probeWith({ sid, pasid: req.pasid, iova: hit.out + (req.iova - hit.iova), write: req.write, at: 'translated' }, m);
    } else {
      const t = unit.probeWith({ sid, pasid: req.pasid, iova: req.iova, write: req.write, at: 'translation-request' }, m);
      if (t.kind === 'ats' && (t.prot & (req.write ? IOMMU_WRITE : IOMMU_READ)) !== 0) {
        // the completion goes into the function's ATC
        reads.push({ obj: ep, field: 'atc', write: true });
        const base = Math.floor(req.iova / t.size) * t.size;
        r = unit.probeWith({ sid, pasid: req.pasid, iova: t.pa + (req.iova - base), write: req.write, at: 'translated' }, m);
      } else r = t;
    }
  }
  if (r.kind === 'ok') {
    // the page it lands on (its pins), and the head page of its block, which stands for the owner
    const page = unit.mem.pageAt(r.pa);
    reads.push({ obj: page, field: null });
    const head = unit.mem.ownerPage(page.pfn);
    if (head !== page) reads.push({ obj: head, field: null });
  } else if (r.kind === 'fault') reads.push({ obj: unit.records, field: 'q', write: true });
  return { reads, r };
}

function sameReads(a: readonly Access[], b: readonly Access[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.obj.oid !== y.obj.oid || x.field !== y.field || x.write !== y.write) return false;
  }
  return true;
}

/**
 * one DMA transaction from `ep` at stream `sid` in one step of the calling (device) thread;
 * `check`: what a check of the result that runs in the same step reads beyond the DMA (given the
 * result the probe foresees; its last call is in the step, just before the DMA runs). The probes
 * that compute the declared set are not the step's accesses (they only decide what it declares,
 * or that it declares again): they run as oracle code; the transaction itself (`deviceDmaNow`)
 * reads and writes only what the step declared.
 */
export function* deviceDmaAtomic(
  unit: HwIommu,
  ep: HwEndpoint,
  sid: number,
  req: DmaRequest,
  check?: (r: DmaResult) => readonly Access[],
): Gen<DmaResult> {
  const readsOf = (): Access[] =>
    asOracle(() => {
      const p = dmaReads(unit, ep, sid, req);
      return check === undefined ? p.reads : [...p.reads, ...check(p.r)];
    });
  let declared = readsOf();
  const declare = (): Access[] => (declared = readsOf());
  for (;;) {
    // declared again by the runtime after each write of another thread to what it reads (`declare`)
    yield* hwDmaStep(ep, 'inReset', req.write ? 'dma_write' : 'dma_read', declared, declare);
    const now = readsOf();
    if (sameReads(declared, now)) return deviceDmaNow(unit, ep, sid, req);
    declared = now;
  }
}
