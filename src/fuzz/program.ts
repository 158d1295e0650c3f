// A generated program before it becomes a scenario: a topology and threads of operations, with
// no events and no expectations (finalize.ts adds them), and how many leading operations of each
// thread run in the prologue. Generation, mutation and minimization all edit this form; rules.ts
// says which ones are legal (every caller precondition holds).
import type { PatchSetting } from '../core/patches.js';
import type { Op, Topology } from '../scenarios/iommu/spec.js';

export interface FuzzThread {
  readonly name: string;
  /** operations without `expect`, never `signal` or `wait` */
  readonly ops: readonly Op[];
}

export interface FuzzProgram {
  readonly topology: Topology;
  readonly threads: readonly FuzzThread[];
  /** per thread: how many of its leading operations run in the prologue (finalize.ts may run fewer) */
  readonly prologue: readonly number[];
  readonly patches: readonly PatchSetting[];
}

/** what the generator and the rules need to know about one device of a topology */
export interface DeviceInfo {
  readonly name: string;
  readonly pci: boolean;
  readonly bridge: boolean;
  /** on its bus at boot */
  readonly present: boolean;
  /** the IOMMU instance firmware puts it behind, or null */
  readonly iommu: string | null;
  readonly pasids: number;
  readonly ats: boolean;
  /** the reset methods it names (PCI only) */
  readonly resets: readonly string[];
  /**
   * surely alone in its IOMMU group (a PCI function on the root bus, no other function of its
   * slot, no DMA alias to or from it; not one group per IOMMU instance): a DMA-API driver may
   * attach PASIDs to it (SVA, iommu_sva_bind_device()), as PCI only enables PASID on an
   * ACS-isolated function
   */
  readonly sva: boolean;
}

export function devicesOf(t: Topology): DeviceInfo[] {
  const first = t.iommus[0]?.name ?? null;
  const iommuOf = (i: string | null | undefined): string | null => (i === undefined ? first : i);
  const pci = t.pci ?? [];
  const singleGroup = (t as { mock?: { deviceGroup?: string } }).mock?.deviceGroup === 'single';
  const aliased = new Set(pci.flatMap((d) => (d.aliases ?? []).map((a) => `${d.bus}:${a}`)));
  const alone = (d: (typeof pci)[number]): boolean =>
    !singleGroup &&
    d.bus === 0 &&
    d.multifunction !== true &&
    (d.aliases ?? []).length === 0 &&
    !aliased.has(`0:${(d.slot << 3) | (d.fn ?? 0)}`) &&
    !pci.some((x) => x !== d && x.bus === 0 && x.slot === d.slot);
  return [
    ...pci.map((d): DeviceInfo => ({
      name: d.name,
      pci: true,
      bridge: d.bridge !== undefined,
      present: d.present !== false,
      iommu: iommuOf(d.iommu),
      pasids: d.pasids ?? 0,
      ats: d.ats === true,
      resets: d.reset ?? ['flr'],
      sva: d.bridge === undefined && alone(d),
    })),
    ...(t.platform ?? []).map((d): DeviceInfo => ({
      name: d.name,
      pci: false,
      bridge: false,
      present: d.present !== false,
      iommu: iommuOf(d.iommu),
      pasids: d.pasids ?? 0,
      ats: false,
      resets: [],
      sva: false,
    })),
  ];
}

/** operations that only a device's own thread may issue (its driver, its owner, its hotplug) */
export function isLifecycleOp(op: Op): boolean {
  switch (op.op) {
    case 'reset':
    case 'resetMethod':
    case 'setType':
    case 'resvRegions':
    case 'register':
    case 'unregister':
    case 'map':
    case 'unmap':
    case 'domainFree':
      return false;
    case 'dma':
      return op.handle !== undefined;
    default:
      return true;
  }
}

/** the device an operation acts on, if any (dmaUnmap: through the mapping's device) */
export function deviceOfOp(op: Op, bufDevice: ReadonlyMap<string, string>): string | null {
  if (op.op === 'dmaUnmap') return bufDevice.get(op.handle) ?? null;
  return 'dev' in op ? op.dev : null;
}

/** the domain an operation uses or makes, if any */
export function domainOfOp(op: Op): string | null {
  return 'domain' in op && op.domain !== undefined ? op.domain : null;
}

/** mapping name -> device, from the program's dmaMap operations */
export function bufDevices(p: FuzzProgram): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of p.threads) for (const op of t.ops) if (op.op === 'dmaMap') m.set(op.as, op.dev);
  return m;
}

/** operations that take a device (or every device of an IOMMU) away: they end their thread */
export function isTakeDown(op: Op): boolean {
  return op.op === 'remove' || op.op === 'unregister';
}

/** the devices a take-down operation takes away */
export function takenDown(op: Op, devices: readonly DeviceInfo[]): string[] {
  if (op.op === 'remove') return [op.dev];
  if (op.op === 'unregister') return devices.filter((d) => d.iommu === op.iommu).map((d) => d.name);
  return [];
}

/** a copy of `o` without `key` */
export function without<T extends object>(o: T, key: string): T {
  const c = { ...o } as Record<string, unknown>;
  delete c[key];
  return c as T;
}
