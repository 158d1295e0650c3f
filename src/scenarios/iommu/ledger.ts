// What the operations of a scenario left for the cleanup to undo, and the names they share (the
// user's object table: iommufd's objects and IDs, VFIO's devices). The scenario's threads share it,
// so it follows the yield rule like kernel state:
// - every entry an operation of the scenario can touch exists from setup, so no thread adds a key
//   to a map another thread reads (adding one changes the map for everyone, its order included);
// - an entry a scenario thread writes and another one touches is read and written with yielded
//   ops (one event per operation: a read, a write, or a read-and-replace), so the explorer orders
//   the two threads' uses of it; any other entry (one thread's own, or only read by the threads:
//   the prologue and the epilogue run alone) is accessed plainly, adding no event.
// Entries a test body names without the scenario declaring them are made when first used (one
// thread). The cleanup walks the tables in declaration order, whatever order threads used them in.
import type { Device } from '../../base/device.js';
import type { IommuDomain } from '../../core/domain.js';
import type { IommuGroup } from '../../core/group.js';
import { atomicUpdate, type Gen, KObject, readOnce, writeOnce } from '../../sync/index.js';
import type { IommuScenarioSpec, Op } from './spec.js';

export class LedgerEntry<T> extends KObject {
  constructor(
    readonly table: string,
    readonly key: string,
    public value: T,
    /** a scenario thread may write it while another touches it: every access is a yielded op */
    readonly shared: boolean,
    /** the device it is about (removing the device drops it), if any */
    readonly device: string | null,
  ) {
    super();
  }

  override get label(): string {
    return `ledger.${this.table}[${this.key}]`;
  }
}

/** read an entry */
export function* ledgerLoad<T>(e: LedgerEntry<T>): Gen<T> {
  if (e.shared) return yield* readOnce(e, 'value');
  return e.value;
}

/** write an entry */
export function* ledgerStore<T>(e: LedgerEntry<T>, value: T): Gen {
  if (e.shared) yield* writeOnce(e, 'value', value);
  else e.value = value;
}

/** read and replace in one step (look up and remove, count down); returns what was there */
export function* ledgerUpdate<T>(e: LedgerEntry<T>, update: (old: T) => T): Gen<T> {
  if (e.shared) return yield* atomicUpdate(e, 'value', update);
  const old = e.value;
  e.value = update(old);
  return old;
}

export interface Attachment {
  readonly api: 'device' | 'group' | 'handle';
  readonly domain: IommuDomain;
}

/** a named domain and the mappings `map` made in it */
export interface NamedDomain {
  readonly domain: IommuDomain;
  readonly maps: ReadonlyArray<{ readonly iova: number; readonly size: number; readonly paddr: number }>;
}

export interface DmaMapping {
  readonly dev: Device;
  readonly addr: number;
  readonly paddr: number;
  readonly size: number;
}

type Table<T> = Map<string, LedgerEntry<T>>;

export class Ledger extends KObject {
  /** a driver bound by `bind`, per device */
  readonly bound: Table<boolean> = new Map();
  /** successful claims not released, per device and kind (`dev` / `dev:group`) */
  readonly claims: Table<number> = new Map();
  /** the RID attachment and the API that made it, per device */
  readonly attached: Table<Attachment | null> = new Map();
  /** PASID attachments, per `dev/pasid` */
  readonly pasids: Table<IommuDomain | null> = new Map();
  /** scenario-named domains currently allocated */
  readonly domains: Table<NamedDomain | null> = new Map();
  /** DMA-API mappings made by `dmaMap`, per name */
  readonly dmaMaps: Table<DmaMapping | null> = new Map();
  /** IOMMU instances registered, per name */
  readonly registered: Table<boolean> = new Map();
  /**
   * The group reference VFIO took when its driver bound to the device (vfio_group_find_or_alloc():
   * iommu_group_get()), per device, held until the driver unbinds (ops.ts withGroup()). Kept only
   * for a device whose group pointer another thread may clear (groupPointerRacy()).
   */
  readonly groupRefs: Table<IommuGroup | null> = new Map();
  /** the entries a scenario thread writes while another one touches them (declared in setup) */
  private readonly racy = new Set<string>();
  /** devices a DMA-API driver (no driverManagedDma) binds to somewhere in the scenario */
  private readonly dmaApiBinds = new Set<string>();
  /** devices the scenario claims DMA ownership through somewhere (a device or group claim) */
  private readonly ownerClaims = new Set<string>();

  override get label(): string {
    return 'ledger';
  }

  bind(dev: Device): LedgerEntry<boolean> {
    return this.entry(this.bound, 'bound', dev.name, false, dev.name);
  }

  claim(dev: Device, group: boolean): LedgerEntry<number> {
    return this.entry(this.claims, 'claims', claimKey(dev.name, group), 0, dev.name);
  }

  attachment(dev: Device): LedgerEntry<Attachment | null> {
    return this.entry(this.attached, 'attached', dev.name, null, dev.name);
  }

  pasid(dev: Device, pasid: number): LedgerEntry<IommuDomain | null> {
    return this.entry(this.pasids, 'pasids', pasidKey(dev.name, pasid), null, dev.name);
  }

  domain(name: string): LedgerEntry<NamedDomain | null> {
    return this.entry(this.domains, 'domains', name, null, null);
  }

  dmaMap(name: string, dev: Device): LedgerEntry<DmaMapping | null> {
    return this.entry(this.dmaMaps, 'dmaMaps', name, null, dev.name);
  }

  /** a DMA mapping by name, or null if no operation makes it */
  dmaMapNamed(name: string): LedgerEntry<DmaMapping | null> | null {
    return this.dmaMaps.get(name) ?? null;
  }

  groupRef(dev: Device): LedgerEntry<IommuGroup | null> {
    return this.entry(this.groupRefs, 'groupRefs', dev.name, null, dev.name);
  }

  iommu(name: string): LedgerEntry<boolean> {
    return this.entry(this.registered, 'registered', name, false, null);
  }

  /** the entries of a table about `dev` (what removing it drops) */
  ofDevice<T>(table: Table<T>, dev: Device): Array<LedgerEntry<T>> {
    return [...table.values()].filter((e) => e.device === dev.name);
  }

  private entry<T>(table: Table<T>, name: string, key: string, empty: T, device: string | null): LedgerEntry<T> {
    let e = table.get(key);
    if (e === undefined) {
      e = new LedgerEntry(name, key, empty, this.racy.has(`${name}[${key}]`), device);
      table.set(key, e);
    }
    return e;
  }

  /**
   * Setup: make every entry the scenario's operations can touch, shared when two of its threads
   * can (thread -1 is the prologue or the epilogue, which run alone).
   */
  declare(spec: IommuScenarioSpec): void {
    const placed: Array<[Op, number]> = [
      ...(spec.prologue ?? []).map((op): [Op, number] => [op, -1]),
      ...spec.threads.flatMap((t, i) => t.ops.map((op): [Op, number] => [op, i])),
      ...(spec.epilogue ?? []).map((op): [Op, number] => [op, -1]),
    ];
    const dmaMapDev = new Map<string, string>();
    for (const [op] of placed) if (op.op === 'dmaMap') dmaMapDev.set(op.as, op.dev);
    const pasidsOf = new Map<string, Set<number>>();
    for (const [op] of placed) {
      if (op.op === 'pasidAttach' || op.op === 'pasidReplace' || op.op === 'pasidDetach') {
        const s = pasidsOf.get(op.dev) ?? new Set<number>();
        s.add(op.pasid);
        pasidsOf.set(op.dev, s);
      }
    }
    for (const [op] of placed) if (op.op === 'bind' && op.driverManagedDma !== true) this.dmaApiBinds.add(op.dev);
    for (const [op] of placed) if (op.op === 'claim') this.ownerClaims.add(op.dev);
    const made = new Map<string, Touch>();
    const users = new Map<string, { readonly threads: Set<number>; readonly writers: Set<number> }>();
    for (const [op, t] of placed) {
      for (const touch of touches(op, dmaMapDev, pasidsOf)) {
        const k = `${touch[0]}[${touch[1]}]`;
        if (!made.has(k)) made.set(k, touch);
        let u = users.get(k);
        if (u === undefined) {
          u = { threads: new Set(), writers: new Set() };
          users.set(k, u);
        }
        if (t < 0) continue;
        u.threads.add(t);
        if (touch[3]) u.writers.add(t);
      }
    }
    // the group pointer of a device (kernel state: `group` is not a table), which the harness reads
    // when it stands for VFIO/iommufd looking the group up
    const devices = new Set(placed.flatMap(([op]) => ('dev' in op ? [op.dev] : [])));
    for (const [op, t] of placed) {
      for (const [dev, write] of groupPointerTouches(op, devices)) {
        const k = `group[${dev}]`;
        let u = users.get(k);
        if (u === undefined) {
          u = { threads: new Set(), writers: new Set() };
          users.set(k, u);
        }
        if (t < 0) continue;
        u.threads.add(t);
        if (write) u.writers.add(t);
      }
    }
    for (const [k, u] of users) if (u.writers.size > 0 && u.threads.size > 1) this.racy.add(k);
    // in the order first named: the cleanup's order
    for (const [table, key, device] of made.values()) this.make(table, key, device);
  }

  /**
   * Does the scenario bind a DMA-API driver to `dev`? Then a PASID attached through `dev` without
   * an owner is that driver's (SVA, a PASID of its own): only a bound driver makes it.
   */
  dmaApiDriverOf(dev: Device): boolean {
    return this.dmaApiBinds.has(dev.name);
  }

  /**
   * Does the scenario claim ownership through `dev`? Then its group attach, replace and PASID
   * operations are that owner's (VFIO, iommufd), issued only while a claim holds: an owner whose
   * claim failed has nothing to attach through (ops.ts).
   */
  ownerOf(dev: Device): boolean {
    return this.ownerClaims.has(dev.name);
  }

  /**
   * May another scenario thread set or clear `dev`'s group pointer (probe or release it) while
   * this one looks the group up? Then the harness's lookup is a READ_ONCE (an event).
   */
  groupPointerRacy(dev: Device): boolean {
    return this.racy.has(`group[${dev.name}]`);
  }

  private make(table: string, key: string, device: string | null): void {
    switch (table) {
      case 'bound':
        this.entry(this.bound, table, key, false, device);
        break;
      case 'claims':
        this.entry(this.claims, table, key, 0, device);
        break;
      case 'attached':
        this.entry(this.attached, table, key, null, device);
        break;
      case 'pasids':
        this.entry(this.pasids, table, key, null, device);
        break;
      case 'domains':
        this.entry(this.domains, table, key, null, device);
        break;
      case 'dmaMaps':
        this.entry(this.dmaMaps, table, key, null, device);
        break;
      case 'registered':
        this.entry(this.registered, table, key, false, device);
        break;
      case 'groupRefs':
        this.entry(this.groupRefs, table, key, null, device);
        break;
    }
  }
}

/** table, key, the device the entry is about, and whether the operation may write it */
type Touch = readonly [string, string, string | null, boolean];

function claimKey(dev: string, group: boolean): string {
  return group ? `${dev}:group` : dev;
}

function pasidKey(dev: string, pasid: number): string {
  return `${dev}/${pasid}`;
}

/** the devices whose group pointer an operation may set or clear (true) or the harness reads (false) */
function groupPointerTouches(op: Op, devices: ReadonlySet<string>): Array<[string, boolean]> {
  switch (op.op) {
    // registering or unregistering an instance probes or releases every device behind it
    case 'register':
    case 'unregister':
      return [...devices].map((d) => [d, true]);
    // hot-add and removal probe and release the device; a bind may replay its IOMMU probe
    case 'hotAdd':
    case 'remove':
    case 'bind':
      return [[op.dev, true]];
    // the harness reads it for the owner's reference too (ops.ts asOwner())
    case 'claim':
    case 'releaseOwner':
    case 'pasidAttach':
    case 'pasidReplace':
    case 'pasidDetach':
      return [[op.dev, false]];
    case 'attach':
      return (op.api ?? 'device') === 'device' ? [] : [[op.dev, false]];
    case 'detach':
    case 'replace':
    case 'setType':
    case 'resvRegions':
      return [[op.dev, false]];
    default:
      return [];
  }
}

/** the group reference VFIO holds for the device (read by its owner's operations) */
function heldRef(dev: string): Touch {
  return ['groupRefs', dev, dev, false];
}

function ownerClaims(dev: string): Touch[] {
  return [['claims', claimKey(dev, false), dev, false], ['claims', claimKey(dev, true), dev, false]];
}

/** the ledger entries an operation may read or write */
function touches(op: Op, dmaMapDev: ReadonlyMap<string, string>, pasidsOf: ReadonlyMap<string, ReadonlySet<number>>): Touch[] {
  const mapping = (name: string, write: boolean): Touch => ['dmaMaps', name, dmaMapDev.get(name) ?? null, write];
  switch (op.op) {
    case 'register':
    case 'unregister':
      return [['registered', op.iommu, null, true]];
    case 'remove': {
      // device_del() unbinds the driver: the device's own entries go with it
      const d = op.dev;
      const out: Touch[] = [
        ['bound', d, d, true],
        ['attached', d, d, true],
        ['claims', claimKey(d, false), d, true],
        ['claims', claimKey(d, true), d, true],
      ];
      for (const p of pasidsOf.get(d) ?? []) out.push(['pasids', pasidKey(d, p), d, true]);
      for (const [name, dev] of dmaMapDev) if (dev === d) out.push(mapping(name, true));
      out.push(['groupRefs', d, d, true]);
      return out;
    }
    case 'bind':
    case 'unbind':
      return [['bound', op.dev, op.dev, true], ['groupRefs', op.dev, op.dev, true]];
    case 'prepareMsi':
      return [['bound', op.dev, op.dev, false]];
    case 'claim':
      return [['claims', claimKey(op.dev, op.group === true), op.dev, true], heldRef(op.dev), ...(op.group === true ? [] : [['bound', op.dev, op.dev, false] as const])];
    case 'releaseOwner':
      return [['claims', claimKey(op.dev, op.group === true), op.dev, true], heldRef(op.dev)];
    case 'domainAlloc':
    case 'domainFree':
    case 'map':
    case 'unmap':
      return [['domains', op.domain, null, true]];
    // an owner's attach or replace asks whether its claim succeeded (ops.ts); a driver's
    // iommu_attach_device() does not
    case 'attach':
    case 'replace':
      return [['domains', op.domain, null, false], ['attached', op.dev, op.dev, true], heldRef(op.dev), ...(op.op === 'attach' && (op.api ?? 'device') === 'device' ? [] : ownerClaims(op.dev))];
    case 'detach':
      return [['attached', op.dev, op.dev, true], heldRef(op.dev)];
    // a PASID attach or detach asks whether the device has an owner (ops.ts asOwner())
    // and, for a DMA-API driver's PASID, whether the driver is bound
    case 'pasidAttach':
      return [['domains', op.domain, null, false], ['pasids', pasidKey(op.dev, op.pasid), op.dev, true], ...ownerClaims(op.dev), heldRef(op.dev), ['bound', op.dev, op.dev, false]];
    case 'pasidReplace':
      return [['domains', op.domain, null, false], ['pasids', pasidKey(op.dev, op.pasid), op.dev, true], ...ownerClaims(op.dev), heldRef(op.dev)];
    case 'pasidDetach':
      return [['pasids', pasidKey(op.dev, op.pasid), op.dev, true], ...ownerClaims(op.dev), heldRef(op.dev)];
    case 'dmaMap':
      return [['bound', op.dev, op.dev, false], mapping(op.as, true)];
    case 'dmaUnmap':
      return [mapping(op.handle, true)];
    case 'dma':
      return op.handle === undefined ? [] : [mapping(op.handle, false)];
    default:
      return [];
  }
}
