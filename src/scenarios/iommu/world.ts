// Build the world a scenario runs in, in setup (no yields): the IOMMU core's globals, the mock
// driver and its instances, the buses with their devices and PCI topology.
import { BusType, Device, DeviceDriver, type FirmwareDesc, FwNode, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE, klistAddTail } from '../../base/device.js';
import { busDmaCleanup, busDmaConfigure } from '../../base/firmware.js';
import type { IommuDomain } from '../../core/domain.js';
import { type IommuGlobals, iommuSubsysInit } from '../../core/globals.js';
import { withPatches } from '../../core/patches.js';
import { IommuAttachHandle } from '../../core/pasid-entry.js';
import { MockDriver } from '../../drivers/mock/mock.js';
import type { MockIommu } from '../../drivers/mock/iommu.js';
import { HwEndpoint } from '../../hw/endpoint.js';
import { IOMMU_READ, IOMMU_WRITE } from '../../hw/io-pgtable.js';
import { PciBus, PciDev } from '../../pci/pci.js';
import { pciInitResetMethods } from '../../pci/reset.js';
import { Completion, KObject } from '../../sync/index.js';
import type { IommuScenarioSpec, Op, ResvSpec } from './spec.js';

/** an opaque DMA owner token (VFIO's / iommufd's context) */
export class OwnerToken extends KObject {
  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `owner:${this.name}`;
  }
}

/** what one successful operation left that cleanup must undo (an iommufd fd's object table) */
export interface Ledger {
  readonly bound: Set<Device>;
  /** device or group claims, in order */
  readonly claims: Array<{ readonly dev: Device; readonly group: boolean }>;
  /** RID attachments by device: the API that made them */
  readonly attached: Map<Device, { readonly api: 'device' | 'group' | 'handle'; domain: IommuDomain }>;
  /** PASID attachments: device and pasid -> domain */
  readonly pasids: Map<string, { readonly dev: Device; readonly pasid: number; domain: IommuDomain }>;
  /** mappings made by `map`, per domain */
  readonly maps: Map<IommuDomain, Array<{ readonly iova: number; readonly size: number }>>;
  /** DMA-API mappings made by `dmaMap` */
  readonly dmaMaps: Map<string, { readonly dev: Device; readonly addr: number; readonly paddr: number; readonly size: number }>;
  readonly registered: Set<MockIommu>;
}

export interface IommuWorld {
  readonly core: IommuGlobals;
  readonly driver: MockDriver;
  readonly iommus: Map<string, MockIommu>;
  readonly devices: Map<string, Device>;
  readonly deviceList: Device[];
  readonly platformBus: BusType;
  readonly pciBus: BusType;
  /** scenario-named domains currently allocated */
  readonly domains: Map<string, IommuDomain>;
  readonly handles: Map<string, IommuAttachHandle>;
  readonly owners: Map<string, OwnerToken>;
  readonly events: Map<string, Completion>;
  readonly ledger: Ledger;
  /** a DMA-API client driver, and a driver_managed_dma one (vfio-pci) */
  readonly dmaApiDriver: DeviceDriver;
  readonly vfioDriver: DeviceDriver;
}

function fw(node: FwNode | null, ids: readonly number[], resv: readonly ResvSpec[] | undefined): FirmwareDesc {
  return {
    iommu: node,
    ids,
    resv: (resv ?? []).map((r) => ({
      start: r.start,
      length: r.length,
      prot: IOMMU_READ | IOMMU_WRITE,
      type: r.relaxable === true ? IOMMU_RESV_DIRECT_RELAXABLE : IOMMU_RESV_DIRECT,
    })),
  };
}

export function buildWorld(spec: IommuScenarioSpec): IommuWorld {
  const t = spec.topology;
  const platformBus = new BusType('platform');
  const pciBus = new BusType('pci');
  for (const b of [platformBus, pciBus]) {
    b.dmaConfigure = busDmaConfigure;
    b.dmaCleanup = busDmaCleanup;
  }
  const core = iommuSubsysInit([platformBus, pciBus], {
    patches: withPatches(spec.patches ?? []),
    ...(t.defaultDomainType === undefined ? {} : { defaultDomainType: t.defaultDomainType }),
  });
  const driver = new MockDriver(t.mock ?? {});
  const iommus = new Map<string, MockIommu>();
  const nodes = new Map<string, FwNode>();
  for (const i of t.iommus) {
    const node = new FwNode(i.name);
    nodes.set(i.name, node);
    iommus.set(i.name, driver.addInstance(i.name, node));
  }
  const nodeOf = (n: string | null | undefined): FwNode | null => {
    if (n === null) return null;
    const name = n ?? t.iommus[0]?.name;
    if (name === undefined) return null;
    const node = nodes.get(name);
    if (node === undefined) throw new Error(`scenario ${spec.name}: unknown IOMMU "${name}"`);
    return node;
  };
  const devices = new Map<string, Device>();
  const deviceList: Device[] = [];
  const add = (d: Device, present: boolean | undefined): void => {
    if (devices.has(d.name)) throw new Error(`scenario ${spec.name}: two devices named "${d.name}"`);
    devices.set(d.name, d);
    deviceList.push(d);
    if (present !== false) {
      d.added = true;
      klistAddTail(d.bus, d);
    }
  };
  // PCI: buses from the functions, bridges lead to their secondary bus
  const buses = new Map<number, PciBus>();
  const busOf = (n: number): PciBus => {
    let b = buses.get(n);
    if (b === undefined) {
      b = new PciBus(n);
      buses.set(n, b);
    }
    return b;
  };
  for (const f of t.pci ?? []) {
    const bus = busOf(f.bus);
    const devfn = (f.slot << 3) | (f.fn ?? 0);
    const rid = (f.bus << 8) | devfn;
    const d = new PciDev(f.name, pciBus, fw(nodeOf(f.iommu), [rid], f.resv), new HwEndpoint(f.name), bus, devfn);
    d.multifunction = f.multifunction ?? false;
    d.acs = f.acs ?? null;
    d.atsCap = f.ats ?? false;
    d.ep.atsCapable = d.atsCap;
    d.untrusted = f.untrusted ?? false;
    d.pasidCap = f.pasids ?? 0;
    for (const a of f.aliases ?? []) d.dmaAliases.add(a);
    for (const m of f.reset ?? ['flr']) d.resetCaps.add(m);
    d.quirkResetViaFlr = f.quirkResetViaFlr ?? false;
    d.resetTimeout = f.resetTimeout ?? false;
    d.acpiResetFails = f.acpiResetFails ?? false;
    d.cxl = f.cxl ?? false;
    if (f.bridge !== undefined) {
      const sub = busOf(f.bridge.secondary);
      sub.self = d;
      sub.parent = bus;
      d.subordinate = sub;
      d.bridgeKind = f.bridge.kind ?? 'pcie-port';
    }
    bus.devices.push(d);
    add(d, f.present);
  }
  // pci_init_reset_methods() once the topology is complete (bus resets depend on it)
  for (const d of deviceList) if (d instanceof PciDev) pciInitResetMethods(d);
  let nextSid = 0x1000;
  for (const p of t.platform ?? []) {
    const sids = p.sids ?? [nextSid++];
    const d = new Device(p.name, platformBus, fw(nodeOf(p.iommu), sids, p.resv), new HwEndpoint(p.name));
    d.pasidCap = p.pasids ?? 0;
    add(d, p.present);
  }
  return {
    core,
    driver,
    iommus,
    devices,
    deviceList,
    platformBus,
    pciBus,
    domains: new Map(),
    handles: new Map(),
    owners: new Map(),
    events: new Map(),
    ledger: {
      bound: new Set(),
      claims: [],
      attached: new Map(),
      pasids: new Map(),
      maps: new Map(),
      dmaMaps: new Map(),
      registered: new Set(),
    },
    dmaApiDriver: new DeviceDriver('client', false),
    vfioDriver: new DeviceDriver('vfio-pci', true),
  };
}

/** create every named owner, handle and event the operations use, so their ids do not depend on the schedule */
export function declareNames(w: IommuWorld, ops: readonly Op[]): void {
  for (const op of ops) {
    if ('owner' in op) ownerNamed(w, op.owner);
    if ('handle' in op && op.handle !== undefined && op.op !== 'dmaUnmap' && op.op !== 'dma') handleNamed(w, op.handle);
    if ('event' in op) eventNamed(w, op.event);
  }
}

export function deviceNamed(w: IommuWorld, name: string): Device {
  const d = w.devices.get(name);
  if (d === undefined) throw new Error(`unknown device "${name}"`);
  return d;
}

export function handleNamed(w: IommuWorld, name: string): IommuAttachHandle {
  let h = w.handles.get(name);
  if (h === undefined) {
    h = new IommuAttachHandle(name);
    w.handles.set(name, h);
  }
  return h;
}

export function ownerNamed(w: IommuWorld, name: string): OwnerToken {
  let o = w.owners.get(name);
  if (o === undefined) {
    o = new OwnerToken(name);
    w.owners.set(name, o);
  }
  return o;
}

export function eventNamed(w: IommuWorld, name: string): Completion {
  let c = w.events.get(name);
  if (c === undefined) {
    c = new Completion(`event:${name}`);
    w.events.set(name, c);
  }
  return c;
}
