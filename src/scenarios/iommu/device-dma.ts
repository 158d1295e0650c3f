// The device DMA a driver switch adds (issue 9: every core built-in also runs on a hardware
// driver "with a device doing DMA concurrently"). Where no thread of a scenario issues DMA, one
// more thread, `device-dma`, has the PCI function the threads act on first issue one DMA on its
// RID, and one on each PASID the scenario attaches, to the first IOVA the scenario maps (0x40000
// when it maps none). A raw DMA reports what happened (0, -EFAULT, -EIO, or -ENODEV while its
// function is in reset) and is not itself an expectation: the isolation oracles judge it (H1).
import { EFAULT, EIO, ENODEV } from '../../sync/index.js';
import type { IommuScenarioSpec, Op, ThreadSpec } from './spec.js';

/** what a raw DMA may return: any of these is the hardware's answer, not the scenario's */
const anyDmaResult = [0, -EFAULT, -EIO, -ENODEV];

/** the IOVA a device DMAs to when the scenario maps none */
const DEFAULT_IOVA = 0x40000;

function opsOf(spec: IommuScenarioSpec): Op[] {
  return [...(spec.prologue ?? []), ...spec.threads.flatMap((t) => t.ops), ...(spec.epilogue ?? [])];
}

/** the device-dma thread for `spec`, or null where a thread already issues DMA or no PCI function sits behind an IOMMU */
export function deviceDmaThread(spec: IommuScenarioSpec): ThreadSpec | null {
  if (spec.threads.some((t) => t.ops.some((o) => o.op === 'dma'))) return null;
  const pci = (spec.topology.pci ?? []).map((p) => p.name);
  const acted = spec.threads.flatMap((t) => t.ops).map((o) => ('dev' in o ? o.dev : undefined));
  const dev = acted.find((d): d is string => d !== undefined && pci.includes(d)) ?? pci[0];
  if (dev === undefined) return null;
  const all = opsOf(spec);
  const iova = all.find((o): o is Extract<Op, { op: 'map' }> => o.op === 'map')?.iova ?? DEFAULT_IOVA;
  const pasids = [...new Set(all.flatMap((o) => ((o.op === 'pasidAttach' || o.op === 'pasidReplace') && o.dev === dev ? [o.pasid] : [])))];
  const ops: Op[] = [
    { op: 'dma', dev, iova, expect: anyDmaResult },
    ...pasids.map((pasid): Op => ({ op: 'dma', dev, iova, pasid, expect: anyDmaResult })),
  ];
  return { name: 'device-dma', ops };
}

/** `spec` with the device-dma thread where it has no DMA of its own */
export function withDeviceDma(spec: IommuScenarioSpec): IommuScenarioSpec {
  const t = deviceDmaThread(spec);
  return t === null ? spec : { ...spec, threads: [...spec.threads, t] };
}
