// A topology override: the same scenario with every IOMMU driven by another driver (and its
// hardware kind), for `--driver` on the command line and NAME@DRIVER names. Not a copy of the
// scenario: its operations and patches are the original's, its expectation the original's
// unless `expectByDriver` says otherwise for that driver. iommuScenario() names the result
// (NAME@DRIVER[,SETTINGS], scenarios/variants.ts) and builds it on demand (Scenario.withDriver).
//
// On a hardware-model driver (arm-smmu-v3, intel-iommu) a scenario without a `dma` operation also
// gets a device doing DMA concurrently (issue 9): one thread, one DMA (`dmaThreadFor`), whose
// outcome is free (it may fault, abort or not be issued) but whose landing the isolation oracle
// checks (H1, hw/dma.ts).
import { iommuDriverNamed } from '../../drivers/registry.js';
import { EFAULT, EIO, ENODEV, ENOENT } from '../../sync/index.js';
import type { IommuScenarioSpec, Op, ThreadSpec } from './spec.js';

/** `spec` with every IOMMU on `driver` and the expectation it has there (the name unchanged) */
export function specWithDriver(spec: IommuScenarioSpec, driver: string): IommuScenarioSpec {
  const d = iommuDriverNamed(driver);
  const onDriver: IommuScenarioSpec = {
    ...spec,
    expect: spec.expectByDriver?.[driver] ?? spec.expect,
    topology: { ...spec.topology, iommus: spec.topology.iommus.map((i) => ({ ...i, driver })) },
  };
  return d.hwKind === 'stream-table' ? onDriver : withDmaThread(onDriver);
}

/** the thread's name (scenario thread names are the scenario's own; this one is reserved for it) */
export const DMA_THREAD = 'device-dma';
/** where the override maps a page when the domain it picks has none: an IOVA and a user page no built-in names */
export const DMA_IOVA = 0x7e000;
export const DMA_PADDR = 0x7e00000;
/** any outcome: reached memory, translation fault, blocked, not issued (reset), no such DMA-API mapping yet */
const ANY_OUTCOME = [0, -EFAULT, -EIO, -ENODEV, -ENOENT];

const attachOps = new Set(['attach', 'replace', 'pasidAttach', 'pasidReplace']);

export interface OverrideDma {
  /** the prologue and threads with the operations the DMA needs (a map, an unmap before a free) */
  readonly prologue: readonly Op[];
  readonly threads: readonly ThreadSpec[];
  /** the DMA, as a thread of its own (its operations go elsewhere for a DMA at a chosen point) */
  readonly thread: ThreadSpec;
}

/**
 * The device doing DMA the override adds, decided from the scenario (null: it has a `dma` already,
 * or names no PCI function):
 * 1. a PCI function attached (RID or PASID) to a domain the prologue allocates: a DMA to a page
 *    that domain maps, on that RID or PASID (two DMAs where a thread unmaps that page: the first
 *    may fill the caches the unmap must invalidate, the second come after it). A prologue `map`
 *    of it is used, else the override
 *    maps one page (DMA_IOVA -> DMA_PADDR) right after the domainAlloc, and where a thread frees
 *    the domain, unmaps it just before (iommufd's hwpt destroy unmaps the domain's areas first);
 * 2. else a function with a DMA-API buffer (`dmaMap`): a DMA through it (the DMA-API checks);
 * 3. else the first PCI function an operation names: a DMA to DMA_IOVA (what its default domain
 *    gives: a fault, or bypass on identity).
 */
export function dmaThreadFor(spec: IommuScenarioSpec): OverrideDma | null {
  const prologue = spec.prologue ?? [];
  const all = [...prologue, ...spec.threads.flatMap((t) => t.ops), ...(spec.epilogue ?? [])];
  if (all.some((o) => o.op === 'dma')) return null;
  const pci = new Set((spec.topology.pci ?? []).map((p) => p.name));
  const thread = (dma: Op, twice = false): ThreadSpec => ({
    name: DMA_THREAD,
    ops: (twice ? [dma, dma] : [dma]).map((x) => ({ ...x, expect: ANY_OUTCOME })),
  });
  // a thread unmaps the page: two DMAs (the first may fill the caches the unmap must invalidate, the second come after it)
  const unmapped = (domain: string, iova: number): boolean =>
    spec.threads.some((t) => t.ops.some((x) => x.op === 'unmap' && x.domain === domain && x.iova <= iova && iova < x.iova + x.size));
  for (const o of all) {
    if (!attachOps.has(o.op) || !('domain' in o) || !('dev' in o) || o.domain === undefined || !pci.has(o.dev)) continue;
    const domain = o.domain;
    const pasid = (o.op === 'pasidAttach' || o.op === 'pasidReplace') ? o.pasid : undefined;
    const at = (iova: number): Op => ({ op: 'dma', dev: o.dev, iova, ...(pasid === undefined ? {} : { pasid }) });
    const mapped = prologue.find((p) => p.op === 'map' && p.domain === domain);
    if (mapped !== undefined && mapped.op === 'map') {
      return { prologue, threads: spec.threads, thread: thread(at(mapped.iova), unmapped(domain, mapped.iova)) };
    }
    const alloc = prologue.findIndex((p) => p.op === 'domainAlloc' && p.domain === domain);
    if (alloc < 0) continue;
    const map: Op = { op: 'map', domain, iova: DMA_IOVA, paddr: DMA_PADDR, size: 0x1000 };
    const unmap: Op = { op: 'unmap', domain, iova: DMA_IOVA, size: 0x1000 };
    return {
      prologue: [...prologue.slice(0, alloc + 1), map, ...prologue.slice(alloc + 1)],
      threads: spec.threads.map((t) => ({
        ...t,
        ops: t.ops.flatMap((x) => (x.op === 'domainFree' && x.domain === domain ? [unmap, x] : [x])),
      })),
      thread: thread(at(DMA_IOVA)),
    };
  }
  const buffer = all.find((o) => o.op === 'dmaMap');
  if (buffer !== undefined && buffer.op === 'dmaMap') return { prologue, threads: spec.threads, thread: thread({ op: 'dma', dev: buffer.dev, handle: buffer.as }) };
  const dev = all.find((o) => 'dev' in o && pci.has(o.dev));
  if (dev !== undefined && 'dev' in dev) return { prologue, threads: spec.threads, thread: thread({ op: 'dma', dev: dev.dev, iova: DMA_IOVA }) };
  return null;
}

function withDmaThread(spec: IommuScenarioSpec): IommuScenarioSpec {
  const t = dmaThreadFor(spec);
  if (t === null) return spec;
  const at = spec.overrideDma;
  if (at === undefined) return { ...spec, prologue: t.prologue, threads: [...t.threads, t.thread] };
  if (at === 'epilogue') return { ...spec, prologue: t.prologue, threads: t.threads, epilogue: [...(spec.epilogue ?? []), ...t.thread.ops] };
  // a DMA at a chosen point: the same operation, in an existing thread
  if (!t.threads.some((th) => th.name === at.thread)) throw new Error(`scenario ${spec.name}: overrideDma names no thread "${at.thread}"`);
  const threads = t.threads.map((th) => {
    if (th.name !== at.thread) return th;
    // the index counts the thread's own operations (an unmap the override added before a domainFree is not one)
    const own = spec.threads.find((x) => x.name === at.thread)!.ops[at.after];
    const i = own === undefined ? -1 : th.ops.indexOf(own);
    if (i < 0) throw new Error(`scenario ${spec.name}: thread ${at.thread} has no operation ${at.after}`);
    return { ...th, ops: [...th.ops.slice(0, i + 1), ...t.thread.ops, ...th.ops.slice(i + 1)] };
  });
  return { ...spec, prologue: t.prologue, threads };
}
