// The world a scenario runs in, built in setup (no yields): the Machine from the topology's
// hardware, a Kernel booted over it with the drivers the topology names, the checker's view of
// the hardware through the driver seam, and what the scenario's operations name and leave.
import type { BusType, Device, DeviceDriver } from '../../base/device.js';
import type { IommuDomain } from '../../core/domain.js';
import type { IommuGlobals } from '../../core/globals.js';
import type { IommuDevice } from '../../core/iommu-device.js';
import { withPatches } from '../../core/patches.js';
import { IommuAttachHandle } from '../../core/pasid-entry.js';
import type { IommuDriver } from '../../drivers/driver.js';
import { iommuDriverNamed } from '../../drivers/registry.js';
import { SeamTruth } from '../../drivers/truth.js';
import { PAGE_SIZE } from '../../hw/memory/page.js';
import { pageOwner, PhysMemory } from '../../hw/memory/phys-memory.js';
import type { TranslationUnit } from '../../hw/unit.js';
import { kernelBoot } from '../../kernel/boot.js';
import type { Kernel } from '../../kernel/kernel.js';
import { buildMachine } from '../../machine/build.js';
import type { Machine } from '../../machine/machine.js';
import type { MachineDesc } from '../../machine/topology.js';
import { Completion, KObject } from '../../sync/index.js';
import { Ledger } from './ledger.js';
import type { IommuScenarioSpec, Op, Topology } from './spec.js';

/** an opaque DMA owner token (VFIO's / iommufd's context) */
export class OwnerToken extends KObject {
  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `owner:${this.name}`;
  }
}

/** the scenario's world: the machine, the kernel running on it, and the scenario's own names */
export class IommuWorld {
  readonly handles = new Map<string, IommuAttachHandle>();
  readonly owners = new Map<string, OwnerToken>();
  readonly events = new Map<string, Completion>();
  /**
   * What a program's own prologue keeps for its threads (a test's group reference, say). The
   * world is snapshotted after the prologue: state kept anywhere else would not be copied.
   */
  readonly kept = new Map<string, unknown>();
  /** what the operations left for the cleanup, and the names they share (ledger.ts) */
  readonly ledger = new Ledger();

  constructor(
    readonly machine: Machine,
    /** the running kernel */
    public kernel: Kernel,
    /** the hardware truth the checker reads, through the driver seam */
    readonly truth: SeamTruth,
  ) {}

  /** scenario-named domains currently allocated (a view of the ledger, for tests) */
  get domains(): ReadonlyMap<string, IommuDomain> {
    return new Map([...this.ledger.domains].flatMap(([name, e]) => (e.value === null ? [] : [[name, e.value.domain] as const])));
  }

  get core(): IommuGlobals {
    return this.kernel.core;
  }

  get devices(): ReadonlyMap<string, Device> {
    return this.kernel.devices;
  }

  get deviceList(): readonly Device[] {
    return this.kernel.deviceList;
  }

  /** each IOMMU instance's iommu_device by name */
  get iommus(): ReadonlyMap<string, IommuDevice> {
    return this.kernel.iommus;
  }

  get platformBus(): BusType {
    return this.kernel.platformBus;
  }

  get pciBus(): BusType {
    return this.kernel.pciBus;
  }

  get dmaApiDriver(): DeviceDriver {
    return this.kernel.dmaApiDriver;
  }

  get vfioDriver(): DeviceDriver {
    return this.kernel.vfioDriver;
  }
}

/** the hardware part of a topology, with each instance's hardware kind from its driver */
export function machineDesc(t: Topology): MachineDesc {
  return {
    units: t.iommus.map((i) => ({ name: i.name, kind: iommuDriverNamed(i.driver).hwKind })),
    pci: t.pci ?? [],
    platform: t.platform ?? [],
  };
}

/** boot a kernel over `machine` with the topology's drivers, knobs and command line */
export function bootFor(spec: IommuScenarioSpec, machine: Machine, boot = 1): Kernel {
  const t = spec.topology;
  return kernelBoot(machine, {
    patches: withPatches(spec.patches ?? []),
    ...(t.defaultDomainType === undefined ? {} : { defaultDomainType: t.defaultDomainType }),
    driverOf: new Map(t.iommus.map((i) => [i.name, i.driver])),
    // each driver's knobs sit under its own key of the topology (`mock:`)
    knobs: t as unknown as Readonly<Record<string, unknown>>,
    boot,
  });
}

export function buildWorld(spec: IommuScenarioSpec): IommuWorld {
  const t = spec.topology;
  const machine = buildMachine(machineDesc(t));
  if (machine.memory instanceof PhysMemory) reserveBuffers(machine.memory, spec);
  const kernel = bootFor(spec, machine);
  const driverOf = new Map<TranslationUnit, IommuDriver>();
  for (const i of t.iommus) driverOf.set(machine.units.get(i.name)!, iommuDriverNamed(i.driver));
  const world = new IommuWorld(machine, kernel, new SeamTruth(machine, driverOf));
  world.ledger.declare(spec);
  return world;
}

/**
 * The buffers the scenario names by physical address are its users' pages from the start (the
 * allocator never hands them out for tables): a `map` names a user's page (iommufd/VFIO pin it
 * while mapped), a `dmaMap` a driver's DMA-API buffer. What a DMA may land on (hw/dma.ts).
 */
function reserveBuffers(mem: PhysMemory, spec: IommuScenarioSpec): void {
  const ops = [...(spec.prologue ?? []), ...spec.threads.flatMap((th) => th.ops), ...(spec.epilogue ?? [])];
  for (const op of ops) {
    if (op.op !== 'map' && op.op !== 'dmaMap') continue;
    const size = op.op === 'map' ? op.size : (op.size ?? PAGE_SIZE);
    for (let pa = op.paddr - (op.paddr % PAGE_SIZE); pa < op.paddr + size; pa += PAGE_SIZE) {
      const pfn = pa / PAGE_SIZE;
      // (an address beyond the machine's memory is no page anyone owns: a DMA landing there is reported)
      if (pfn >= mem.frames || mem.ownerOf(pfn).kind !== 'free') continue;
      const owner = op.op === 'map' ? pageOwner('user', `user page 0x${pa.toString(16)}`) : pageOwner('dma', `DMA-API buffer of ${op.dev}`);
      mem.reserve(pfn, owner);
    }
  }
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
