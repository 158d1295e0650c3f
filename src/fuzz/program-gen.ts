// Random concurrent programs over the scenario operations, built so that every rule of rules.ts
// holds: each thread is the home (driver, owner, hotplug) of some devices and domains, draws
// operation kinds from the program's swarm subset by the config's weights, and emits each with
// what it needs first (a bind before a dmaMap, a claim and a domain before an attach...) and,
// at a free or unbind, the undoing of what depends on it. Resets, sysfs writes and raw DMA go
// to any device from any thread. Take-downs (remove, unregister) end a thread.
import type { PciResetMethod } from '../machine/topology.js';
import type { Op, Topology } from '../scenarios/iommu/spec.js';
import { type FuzzConfig, type FuzzOpKind, fuzzOpKinds } from './config.js';
import { type DeviceInfo, devicesOf, type FuzzProgram, type FuzzThread, isTakeDown } from './program.js';
import type { Rand } from './rand.js';
import { initialThreadState, ruleProblems, stepRule } from './rules.js';

type State = ReturnType<typeof initialThreadState>;

/** what the threads of one program share while they are generated */
export interface GenContext {
  readonly r: Rand;
  readonly cfg: FuzzConfig;
  readonly topology: Topology;
  readonly devices: ReadonlyMap<string, DeviceInfo>;
  /** the swarm subset: kinds this program draws */
  readonly kinds: ReadonlyArray<readonly [FuzzOpKind, number]>;
  /** names already used (domains, handles, mappings) */
  readonly used: Set<string>;
  /** devices that exist at some point (present, or added by some thread) */
  readonly exists: Set<string>;
}

/** the swarm subset: each kind with a weight is in with probability `swarm`; at least two */
export function swarmKinds(r: Rand, cfg: FuzzConfig): Array<readonly [FuzzOpKind, number]> {
  const all = fuzzOpKinds.filter((k) => (cfg.ops[k] ?? 0) > 0);
  let chosen = all.filter(() => r.chance(cfg.program.swarm));
  if (chosen.length < 2) chosen = r.shuffle(all).slice(0, Math.min(2, all.length));
  return chosen.map((k) => [k, cfg.ops[k]] as const);
}

function fresh(ctx: GenContext, prefix: string): string {
  for (let i = 0; ; i++) {
    const n = `${prefix}${i}`;
    if (!ctx.used.has(n)) {
      ctx.used.add(n);
      return n;
    }
  }
}

/** the names a program already uses, so mutations draw new ones */
export function namesUsed(p: FuzzProgram): Set<string> {
  const used = new Set<string>();
  for (const t of p.threads) {
    for (const op of t.ops) {
      if (op.op === 'domainAlloc') used.add(op.domain);
      if (op.op === 'dmaMap') used.add(op.as);
      if ('handle' in op && op.handle !== undefined) used.add(op.handle);
    }
  }
  return used;
}

/** One thread's generation: its state (rules.ts) and the operations emitted so far. */
class ThreadGen {
  readonly ops: Op[] = [];
  s: State;

  constructor(
    readonly ctx: GenContext,
    /** devices whose whole life this thread runs */
    readonly homes: readonly string[],
    initial: State,
  ) {
    this.s = initial;
  }

  /** append `op` if its rule holds; false (and nothing changed) otherwise */
  emit(op: Op): boolean {
    const why = stepRule(this.s, op, this.ctx.devices);
    if (why !== null) throw new Error(`fuzz generator: ${op.op}: ${why}`);
    this.ops.push(op);
    return true;
  }

  /** run `fn` on a copy of the state; keep its operations only if it succeeds */
  attempt(fn: () => boolean): boolean {
    const saved = structuredClone(this.s);
    const n = this.ops.length;
    let ok = false;
    try {
      ok = fn();
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith('fuzz generator:'))) throw e;
      ok = false;
    }
    if (!ok) {
      this.s = saved;
      this.ops.length = n;
    }
    return ok;
  }

  private get r(): Rand {
    return this.ctx.r;
  }

  /** home devices that are on the bus now */
  private live(): string[] {
    return this.homes.filter((d) => !this.s.removed.has(d) && (this.ctx.devices.get(d)!.present || this.s.added.has(d)));
  }

  private kindOn(kind: FuzzOpKind): boolean {
    return this.ctx.kinds.some(([k]) => k === kind);
  }

  // ---- prerequisites ----------------------------------------------------------------------

  /** a home device held by a driver or an owner, binding one if needed */
  private held(prefer?: 'dma' | 'vfio'): string | null {
    const live = this.live();
    const holding = live.filter((d) => (prefer === undefined ? this.s.bound.has(d) || this.s.claims.has(`${d}|group`) : this.s.bound.get(d) === prefer));
    if (holding.length > 0 && this.r.chance(0.8)) return this.r.pick(holding);
    const free = live.filter((d) => !this.s.bound.has(d));
    if (free.length === 0) return holding.length > 0 ? this.r.pick(holding) : null;
    const d = this.r.pick(free);
    const vfio = prefer === undefined ? this.r.chance(0.5) : prefer === 'vfio';
    this.emit({ op: 'bind', dev: d, ...(vfio ? { driverManagedDma: true } : {}) });
    if (!vfio) this.svaAtBind(d);
    return d;
  }

  /**
   * A DMA-API driver bound to an ATS function with PASIDs, alone in its group, often binds an
   * SVA PASID at probe (iommu_sva_bind_device(): a PASID domain attached to PASID 1-3): F10's
   * shape (then a reset of the function: aimResetsAtSva()). Drawn only as the `pasidAttach`
   * kind and then its SVA branch, such a PASID was in 1 fresh program of 60 (seed 1), and
   * F10's whole shape in 1 of 2,857.
   */
  svaAtBind(dev: string, always = false): void {
    const d = this.ctx.devices.get(dev)!;
    const p = this.ctx.cfg.topology.svaAtBind ?? 0;
    if (!svaCapable(d) || !(always || this.r.chance(this.kindOn('pasidAttach') ? p : p / 2))) return;
    this.attempt(() => {
      const domain = fresh(this.ctx, 'D');
      this.emit({ op: 'domainAlloc', dev, domain, pasid: true });
      return this.emit({ op: 'pasidAttach', dev, domain, pasid: this.r.between(1, Math.max(1, Math.min(3, d.pasids - 1))) });
    });
  }

  /** a claim on `dev` (device API on a vfio-bound device, else the group API) */
  private claimed(dev: string): boolean {
    if (this.s.claims.has(`${dev}|device`) || this.s.claims.has(`${dev}|group`)) return true;
    const bound = this.s.bound.get(dev);
    const group = bound !== 'vfio' || this.r.chance(0.25);
    // both go through vfio-pci bound to the device: the VFIO group (and the group reference it
    // holds) exists only while a VFIO driver is bound; iommufd binds the VFIO device
    if (bound === undefined) this.emit({ op: 'bind', dev, driverManagedDma: true });
    // the owner cookies of the kernel's callers: a VFIO container claims a group, iommufd a
    // device; no caller claims a group and one of its devices with one cookie
    return this.emit({ op: 'claim', dev, ...(group ? { owner: 'vfio-container', group: true } : { owner: 'iommufd' }) });
  }

  /** an allocated domain of this thread, allocating one (for a device it holds) if needed */
  private domain(forDev?: string, pasid = false, allocate = false): string | null {
    const alive = [...this.s.domains];
    if (!allocate && alive.length > 0 && this.r.chance(0.6)) return this.r.pick(alive);
    const dev = forDev ?? this.held();
    if (dev === null) return alive.length > 0 ? this.r.pick(alive) : null;
    if (!this.s.bound.has(dev) && !this.s.claims.has(`${dev}|group`)) return null;
    const domain = fresh(this.ctx, 'D');
    const vfio = this.s.bound.get(dev) !== 'dma';
    this.emit({
      op: 'domainAlloc',
      dev,
      domain,
      ...(pasid || this.r.chance(0.4) ? { pasid: true } : {}),
      ...(vfio && this.r.chance(0.5) ? { iommufd: true } : {}),
    });
    return domain;
  }

  /** undo what depends on `dev` in this thread (mappings, PASIDs, attachment, claims), then maybe unbind */
  close(dev: string, unbind: boolean): void {
    for (const [b, d] of [...this.s.bufs]) if (d === dev) this.emit({ op: 'dmaUnmap', dev, handle: b });
    for (const [k, domain] of [...this.s.pasids]) {
      const [d, p] = k.split('/');
      if (d === dev) this.emit({ op: 'pasidDetach', dev, domain, pasid: Number(p) });
    }
    const a = this.s.attached.get(dev);
    if (a !== undefined) this.emit({ op: 'detach', dev, domain: a.domain });
    if (this.s.claims.has(`${dev}|device`) || this.s.claims.has(`${dev}|group`)) {
      for (const [k, domain] of [...this.s.pasids]) {
        const [d, p] = k.split('/');
        this.emit({ op: 'pasidDetach', dev: d!, domain, pasid: Number(p) });
      }
    }
    for (const g of ['device', 'group'] as const) {
      if (this.s.claims.has(`${dev}|${g}`)) this.emit({ op: 'releaseOwner', dev, ...(g === 'group' ? { group: true } : {}) });
    }
    if (unbind && this.s.bound.has(dev)) this.emit({ op: 'unbind', dev });
  }

  /** detach every user of `domain`, then free it */
  free(domain: string): void {
    for (const [dev, a] of [...this.s.attached]) if (a.domain === domain) this.emit({ op: 'detach', dev, domain });
    for (const [k, d] of [...this.s.pasids]) {
      if (d !== domain) continue;
      const [dev, p] = k.split('/');
      this.emit({ op: 'pasidDetach', dev: dev!, domain, pasid: Number(p) });
    }
    for (const m of [...(this.s.maps.get(domain) ?? [])]) this.emit({ op: 'unmap', domain, iova: m.iova, size: m.size });
    this.emit({ op: 'domainFree', domain });
  }

  /**
   * a page or two mapped into `domain`; when a device of this thread is attached to it, often
   * unmapped again while it still is (`topology.unmapAfterMap`): the unmap's IOTLB and ATC
   * invalidation reach the device (a reset racing it: aimResetsAtUnmaps(), F15)
   */
  private mapInto(domain: string): boolean {
    const r = this.r;
    const maps = this.s.maps.get(domain) ?? [];
    for (let tries = 0; tries < 4; tries++) {
      const iova = (0x10 + r.below(0xf0)) * 0x1000;
      const size = r.pick([0x1000, 0x2000]);
      if (maps.some((m) => iova < m.iova + m.size && m.iova < iova + size)) continue;
      this.emit({ op: 'map', domain, iova, paddr: (0x200 + r.below(0x100)) * 0x1000, size });
      const attached = [...this.s.attached.values()].some((a) => a.domain === domain);
      const p = this.ctx.cfg.topology.unmapAfterMap ?? 0;
      if (attached && (this.ctx.cfg.ops.unmap ?? 0) > 0 && r.chance(this.kindOn('unmap') ? p : p / 2)) {
        this.emit({ op: 'unmap', domain, iova, size });
      }
      return true;
    }
    return false;
  }

  /** after an attach: often (`topology.mapAfterAttach`) iommufd maps into the domain (F15's shape) */
  private mapAfterAttach(domain: string): void {
    const p = this.ctx.cfg.topology.mapAfterAttach ?? 0;
    if ((this.ctx.cfg.ops.map ?? 0) <= 0 || !this.r.chance(this.kindOn('map') ? p : p / 2)) return;
    this.attempt(() => this.mapInto(domain));
  }

  // ---- one drawn operation ---------------------------------------------------------------

  draw(kind: FuzzOpKind): boolean {
    const r = this.r;
    const s = this.s;
    switch (kind) {
      case 'bind': {
        const free = this.live().filter((d) => !s.bound.has(d));
        if (free.length === 0) return false;
        const dev = r.pick(free);
        const vfio = r.chance(0.5);
        this.emit({ op: 'bind', dev, ...(vfio ? { driverManagedDma: true } : {}) });
        if (!vfio) this.svaAtBind(dev);
        return true;
      }
      case 'unbind': {
        const bound = [...s.bound.keys()];
        if (bound.length === 0) return false;
        this.close(r.pick(bound), true);
        return true;
      }
      case 'claim': {
        const cands = this.live().filter((d) => s.bound.get(d) !== 'dma' && !s.claims.has(`${d}|device`) && !s.claims.has(`${d}|group`));
        if (cands.length === 0) return false;
        return this.claimed(r.pick(cands));
      }
      case 'releaseOwner': {
        const claims = [...s.claims];
        if (claims.length === 0) return false;
        const [dev] = r.pick(claims).split('|');
        for (const [k, domain] of [...s.pasids]) {
          const [d, p] = k.split('/');
          this.emit({ op: 'pasidDetach', dev: d!, domain, pasid: Number(p) });
        }
        this.close(dev!, false);
        return true;
      }
      case 'domainAlloc':
        return this.domain(undefined, this.kindOn('pasidAttach') && r.chance(0.5)) !== null;
      case 'domainFree': {
        const alive = [...s.domains];
        if (alive.length === 0) return false;
        this.free(r.pick(alive));
        return true;
      }
      case 'attach': {
        const cands = this.live().filter((d) => !s.attached.has(d) && s.bound.get(d) !== 'dma');
        const drivers = this.live().filter((d) => !s.attached.has(d) && s.bound.get(d) === 'dma');
        if (cands.length > 0 && (drivers.length === 0 || r.chance(0.8))) {
          const dev = r.pick(cands);
          this.claimed(dev);
          const domain = this.domain(dev);
          if (domain === null) return false;
          const api = r.chance(0.5) ? 'handle' : 'group';
          this.emit({ op: 'attach', dev, domain, api, ...(api === 'handle' ? { handle: fresh(this.ctx, 'h') } : {}) });
          this.mapAfterAttach(domain);
          return true;
        }
        if (drivers.length === 0) return false;
        // iommu_attach_device() by a bound DMA-API driver
        const dev = r.pick(drivers);
        const domain = this.domain(dev);
        if (domain === null) return false;
        this.emit({ op: 'attach', dev, domain, api: 'device' });
        this.mapAfterAttach(domain);
        return true;
      }
      case 'detach': {
        const att = [...s.attached.keys()];
        if (att.length === 0) return false;
        const dev = r.pick(att);
        return this.emit({ op: 'detach', dev, domain: s.attached.get(dev)!.domain });
      }
      case 'replace': {
        let att = [...s.attached].filter(([, a]) => a.api === 'handle').map(([d]) => d);
        if (att.length === 0) {
          if (!this.draw('attach')) return false;
          att = [...s.attached].filter(([, a]) => a.api === 'handle').map(([d]) => d);
          if (att.length === 0) return false;
        }
        const dev = r.pick(att);
        const cur = this.s.attached.get(dev)!.domain;
        const others = [...this.s.domains].filter((d) => d !== cur);
        // another domain (replacing a domain by itself changes nothing): one of the thread's, or
        // a new one (whose first attach on its IOMMU allocates in the driver: F16 on intel-iommu)
        const domain = others.length > 0 && r.chance(0.7) ? r.pick(others) : this.domain(dev, false, true);
        if (domain === null) return false;
        return this.emit({ op: 'replace', dev, domain, handle: fresh(this.ctx, 'h') });
      }
      case 'pasidAttach': {
        const owned = this.live().filter((d) => s.claims.has(`${d}|device`) || s.claims.has(`${d}|group`));
        const free = this.live().filter((d) => s.bound.get(d) !== 'dma');
        // SVA: a DMA-API driver binds a PASID on a function alone in its group (binding the driver if needed)
        const sva = this.live().filter((d) => this.ctx.devices.get(d)!.sva && s.bound.get(d) !== 'vfio' && !s.claims.has(`${d}|group`));
        let dev: string | null;
        if (sva.length > 0 && r.chance(0.5)) {
          dev = r.pick(sva);
          if (!s.bound.has(dev)) this.emit({ op: 'bind', dev });
        } else {
          dev = owned.length > 0 && r.chance(0.8) ? r.pick(owned) : free.length > 0 ? r.pick(free) : null;
          if (dev === null) return false;
          this.claimed(dev);
        }
        const info = this.ctx.devices.get(dev)!;
        const max = Math.max(1, Math.min(3, info.pasids - 1));
        const p = r.between(1, max);
        if (this.s.pasids.has(`${dev}/${p}`)) return false;
        const domain = this.domain(dev, true);
        if (domain === null) return false;
        return this.emit({ op: 'pasidAttach', dev, domain, pasid: p, ...(r.chance(0.5) ? { handle: fresh(this.ctx, 'h') } : {}) });
      }
      case 'pasidReplace': {
        const replaceable = (): Array<[string, string]> =>
          [...this.s.pasids].filter(([k]) => {
            const d = k.split('/')[0]!;
            return this.s.claims.has(`${d}|device`) || this.s.claims.has(`${d}|group`);
          });
        if (replaceable().length === 0 && !this.draw('pasidAttach')) return false;
        if (replaceable().length === 0) return false;
        const [k, cur] = r.pick(replaceable());
        const [dev, p] = k.split('/');
        const others = [...this.s.domains].filter((d) => d !== cur);
        const domain = others.length > 0 && r.chance(0.7) ? r.pick(others) : this.domain(dev, true, true);
        if (domain === null) return false;
        return this.emit({ op: 'pasidReplace', dev: dev!, domain, pasid: Number(p), handle: fresh(this.ctx, 'h') });
      }
      case 'pasidDetach': {
        if (s.pasids.size === 0) return false;
        const [k, domain] = r.pick([...s.pasids]);
        const [dev, p] = k.split('/');
        return this.emit({ op: 'pasidDetach', dev: dev!, domain, pasid: Number(p) });
      }
      case 'map': {
        // iommufd maps into the IOAS its devices are attached to: an attached domain half the time
        const attached = [...new Set([...s.attached.values()].map((a) => a.domain))];
        const domain = attached.length > 0 && r.chance(0.5) ? r.pick(attached) : this.domain();
        if (domain === null) return false;
        return this.mapInto(domain);
      }
      case 'unmap': {
        const all = [...s.maps].flatMap(([domain, list]) => list.map((m) => ({ domain, ...m })));
        if (all.length === 0) return false;
        const m = r.pick(all);
        return this.emit({ op: 'unmap', domain: m.domain, iova: m.iova, size: m.size });
      }
      case 'dmaMap': {
        const dev = this.held('dma');
        if (dev === null || s.bound.get(dev) !== 'dma') return false;
        const as = fresh(this.ctx, 'buf');
        this.emit({ op: 'dmaMap', dev, paddr: (0x100 + r.below(0x100)) * 0x1000, as });
        // a driver maps a buffer for the device to DMA to
        if (r.chance(0.5)) this.emit({ op: 'dma', dev, handle: as });
        return true;
      }
      case 'dmaUnmap': {
        const bufs = [...s.bufs];
        if (bufs.length === 0) return false;
        const [b, dev] = r.pick(bufs);
        return this.emit({ op: 'dmaUnmap', dev, handle: b });
      }
      case 'dma': {
        const bufs = [...s.bufs];
        if (bufs.length > 0 && r.chance(0.6)) {
          const [b, dev] = r.pick(bufs);
          return this.emit({ op: 'dma', dev, handle: b });
        }
        return this.stateless('dma');
      }
      case 'prepareMsi': {
        const dev = this.held('dma');
        if (dev === null || s.bound.get(dev) !== 'dma') return false;
        return this.emit({ op: 'prepareMsi', dev, doorbell: 0x0800_0000 + r.below(4) * 0x1000 });
      }
      case 'reset':
      case 'resetMethod':
      case 'setType':
      case 'resvRegions':
        return this.stateless(kind);
      // structural: placed by generateThread / generateProgram
      case 'hotAdd':
      case 'remove':
      case 'register':
      case 'unregister':
        return false;
    }
  }

  /** an operation on any device that exists at some point, from any thread */
  private stateless(kind: 'reset' | 'resetMethod' | 'setType' | 'resvRegions' | 'dma'): boolean {
    const r = this.r;
    const pciOnly = kind === 'reset' || kind === 'resetMethod';
    const devs = [...this.ctx.devices.values()].filter((d) => !d.bridge && this.ctx.exists.has(d.name) && (!pciOnly || d.pci));
    // not on a device this thread has removed (its own take-downs come last anyway)
    const here = (d: DeviceInfo): boolean => (this.homes.includes(d.name) ? d.present || this.s.added.has(d.name) : true);
    const ok = devs.filter((d) => !this.s.removed.has(d.name) && here(d));
    if (ok.length === 0) return false;
    // a reset or a sysfs write races what other threads do with the device, and the IOMMU hooks
    // act only on ATS functions (prepare returns early otherwise): those are drawn more often
    // so are devices that share a slot or a requester ID with a device another thread drives
    // (a reset beside a hot-add or a bind in the same group)
    const elsewhere = (x: DeviceInfo): boolean => relatedDevices(this.ctx.topology, x.name).some((o) => !this.homes.includes(o));
    // a reset of a function that a function hot-added by another thread shares a group or an
    // alias with: the hot-add's probe attaches a member during the reset (F11); 4x again
    const hotAddedElsewhere = (x: DeviceInfo): boolean =>
      relatedDevices(this.ctx.topology, x.name).some(
        (o) => !this.homes.includes(o) && this.ctx.exists.has(o) && this.ctx.devices.get(o)?.present === false,
      );
    const weight = (x: DeviceInfo): number =>
      (pciOnly && x.ats ? 3 : 1) * (this.homes.includes(x.name) ? 1 : 2) * (elsewhere(x) ? 2 : 1) *
      (pciOnly && hotAddedElsewhere(x) ? 4 : 1);
    const d = r.weighted(ok.map((x) => [x, weight(x)] as const))!;
    switch (kind) {
      case 'reset': {
        const method = r.chance(0.6) ? undefined : (r.pick(d.resets) as PciResetMethod);
        return this.emit({ op: 'reset', dev: d.name, ...(method === undefined ? {} : { method }) });
      }
      case 'resetMethod':
        // root writes sysfs reset_method: `default` (probe every method again), a list of the
        // function's methods (each probed, then device_specific once more), rarely none
        return this.emit({ op: 'resetMethod', dev: d.name, methods: resetMethodsArg(r, d.resets) });
      case 'setType':
        return this.emit({ op: 'setType', dev: d.name, type: r.pick(['identity', 'DMA', 'DMA-FQ', 'auto'] as const) });
      case 'resvRegions':
        return this.emit({ op: 'resvRegions', dev: d.name });
      case 'dma': {
        const pasid = d.pasids > 1 && r.chance(0.3) ? { pasid: r.between(1, Math.min(3, d.pasids - 1)) } : {};
        return this.emit({ op: 'dma', dev: d.name, iova: (0x10 + r.below(0xf0)) * 0x1000, ...pasid });
      }
    }
  }
}

/** a function a DMA-API driver may bind an SVA PASID to, with ATS (F10's shape) */
function svaCapable(d: DeviceInfo): boolean {
  return d.sva && d.ats && d.pasids >= 2;
}

/** the PCI functions that share a slot or a DMA alias with `dev` (one group, or one requester ID) */
export function relatedDevices(t: Topology, dev: string): string[] {
  const pci = (t.pci ?? []).filter((d) => d.bridge === undefined);
  const me = pci.find((d) => d.name === dev);
  if (me === undefined) return [];
  const devfn = (d: (typeof pci)[number]): number => (d.slot << 3) | (d.fn ?? 0);
  return pci
    .filter((o) => o !== me && o.bus === me.bus)
    .filter((o) => o.slot === me.slot || (o.aliases ?? []).includes(devfn(me)) || (me.aliases ?? []).includes(devfn(o)))
    .map((o) => o.name);
}

/** the PCI functions of `dev`'s bus whose requester ID `dev` also issues (its quirk DMA aliases) */
export function aliasedBy(t: Topology, dev: string): string[] {
  const pci = (t.pci ?? []).filter((d) => d.bridge === undefined);
  const me = pci.find((d) => d.name === dev);
  if (me === undefined) return [];
  return pci
    .filter((o) => o !== me && o.bus === me.bus && (me.aliases ?? []).includes((o.slot << 3) | (o.fn ?? 0)))
    .map((o) => o.name);
}

/** what root writes to reset_method */
export function resetMethodsArg(r: Rand, resets: readonly string[]): 'default' | PciResetMethod[] {
  if (r.chance(0.45)) return 'default';
  if (r.chance(0.1)) return [];
  const picked = resets.filter(() => r.chance(0.5));
  return (picked.length > 0 ? picked : [r.pick(resets)]) as PciResetMethod[];
}

export interface ThreadPlan {
  readonly homes: readonly string[];
  /** IOMMUs this thread registers (at a random point) */
  readonly registers: readonly string[];
  /** IOMMUs this thread unregisters at its end */
  readonly unregisters: readonly string[];
}

/** one thread: hotAdds first, drawn operations (with registrations among them), then take-downs */
export function generateThread(ctx: GenContext, name: string, plan: ThreadPlan, base: State): FuzzThread {
  const r = ctx.r;
  const g = new ThreadGen(ctx, plan.homes, base);
  for (const d of plan.homes) if (!ctx.devices.get(d)!.present) g.emit({ op: 'hotAdd', dev: d });
  // a DMA-API driver that uses SVA: bound first, its PASID attached at probe (F10's shape)
  for (const d of plan.homes) {
    if (!svaCapable(ctx.devices.get(d)!) || !r.chance(ctx.cfg.topology.svaDriver ?? 0)) continue;
    g.attempt(() => {
      g.emit({ op: 'bind', dev: d });
      g.svaAtBind(d, true);
      return true;
    });
  }
  // a device whose attach the mock defers to the first DMA map has a DMA-API driver that maps
  // (kdump's devices: the DMA API is the only path that attaches them): F21's shape
  const deferred = (ctx.topology as { mock?: { deferredAttach?: readonly string[] } }).mock?.deferredAttach ?? [];
  for (const d of plan.homes) {
    if (!deferred.includes(d) || (ctx.cfg.ops.dmaMap ?? 0) <= 0 || !r.chance(ctx.cfg.topology.deferredDriver ?? 0)) continue;
    g.attempt(() => {
      if (!g.s.bound.has(d)) g.emit({ op: 'bind', dev: d });
      if (g.s.bound.get(d) !== 'dma') return false;
      return g.emit({ op: 'dmaMap', dev: d, paddr: (0x100 + r.below(0x100)) * 0x1000, as: fresh(ctx, 'buf') });
    });
  }
  const n = r.between(1, Math.max(1, ctx.cfg.program.maxOpsPerThread));
  const registerAt = plan.registers.map(() => r.between(0, n));
  for (let i = 0; i <= n; i++) {
    plan.registers.forEach((iommu, j) => {
      if (registerAt[j] === i) g.emit({ op: 'register', iommu });
    });
    if (i === n) break;
    const kind = r.weighted(ctx.kinds);
    if (kind === null) break;
    g.attempt(() => g.draw(kind));
  }
  const kindOn = (k: FuzzOpKind): boolean => ctx.kinds.some(([x]) => x === k);
  const live = plan.homes.filter((d) => !g.s.removed.has(d));
  const behindUnregistered = new Set(
    [...ctx.devices.values()].filter((d) => d.iommu !== null && plan.unregisters.includes(d.iommu)).map((d) => d.name),
  );
  const closeAll = r.chance(ctx.cfg.program.closeOut) || plan.unregisters.length > 0;
  if (closeAll) {
    for (const d of live) g.close(d, true);
    for (const dom of [...g.s.domains]) if (r.chance(0.7)) g.free(dom);
  }
  // take-downs: every close first (a thread's removes and unregisters come last)
  const removes = kindOn('remove') ? live.filter((d) => r.chance(0.5) && (ctx.devices.get(d)!.present || g.s.added.has(d))) : [];
  for (const d of removes) g.close(d, r.chance(0.5) || g.s.bound.get(d) === 'vfio');
  for (const iommu of plan.unregisters) {
    if (!g.s.registered.has(iommu)) continue;
    for (const d of behindUnregistered) if (plan.homes.includes(d) && !g.s.removed.has(d)) g.close(d, true);
  }
  for (const d of removes) g.emit({ op: 'remove', dev: d });
  for (const iommu of plan.unregisters) if (g.s.registered.has(iommu)) g.emit({ op: 'unregister', iommu });
  return { name, ops: g.ops };
}

/** operations an aim made to race: the prologue cut stops before them (a prologue runs alone) */
type Racing = Set<Op>;

/**
 * Add a reset of `dev` to a thread other than `h` that does not reset it yet (a thread of its
 * own when there is none: a one-thread program gets a second), first in that thread half of the
 * time (both race from the start), else anywhere before its take-downs (removes and unregisters
 * come last). The operation it races (`target`) and the reset join `racing`. Kept only when
 * every rule still holds.
 */
function addResetElsewhere(ctx: GenContext, out: FuzzThread[], h: number, dev: string, target: Op, racing: Racing): FuzzThread[] {
  const r = ctx.r;
  const reset = { op: 'reset', dev } as Op;
  const others = out.map((_, i) => i).filter((i) => i !== h && !out[i]!.ops.some((o) => o.op === 'reset' && o.dev === dev));
  let next: FuzzThread[];
  if (others.length === 0) {
    if (out.length > 1) return out;
    const names = new Set(out.map((t) => t.name));
    let k = out.length;
    while (names.has(`t${k}`)) k++;
    next = [...out, { name: `t${k}`, ops: [reset] }];
  } else {
    const t = r.pick(others);
    const ops = out[t]!.ops;
    const end = ops.findIndex((o) => isTakeDown(o));
    const at = r.chance(0.5) ? 0 : r.between(0, end < 0 ? ops.length : end);
    next = out.map((th, i) => (i === t ? { ...th, ops: [...ops.slice(0, at), reset, ...ops.slice(at)] } : th));
  }
  const candidate: FuzzProgram = { topology: ctx.topology, threads: next, prologue: next.map(() => 0), patches: [] };
  if (ruleProblems(candidate).length > 0) return out;
  racing.add(reset);
  racing.add(target);
  return next;
}

/**
 * A function hot-added by one thread with the requester ID (a quirk DMA alias) or the slot of a
 * function that is there: often (`topology.hotAddReset`), another thread resets that function,
 * so the hot-add's probe can attach the new member while the other is in reset (F11: the alias's
 * ID translates again mid-reset). Drawn alone, such a pair was 1 fresh program in 1,176 (seed 1),
 * with this and the hot-plug aliases (topology-gen.ts) 1 in 68. Of the related functions, an ATS
 * one (the reset hooks act only on those) whose requester ID the new one carries as its alias is
 * drawn 9x as often as one that only shares the slot; neither the hot-add nor the reset goes to a prologue. A reset whose weight
 * is 0 is never added, and one the swarm left out half as often.
 */
function aimResetsAtHotAdds(ctx: GenContext, threads: FuzzThread[], resetOn: boolean, racing: Racing): FuzzThread[] {
  const r = ctx.r;
  const p = ctx.cfg.topology.hotAddReset ?? 0.8;
  if ((ctx.cfg.ops.reset ?? 0) <= 0 || p <= 0) return threads;
  let out = threads;
  for (let h = 0; h < threads.length; h++) {
    for (const op of threads[h]!.ops) {
      if (op.op !== 'hotAdd') continue;
      const targets = relatedDevices(ctx.topology, op.dev)
        .filter((x) => ctx.devices.get(x)?.present === true && ctx.exists.has(x));
      if (targets.length === 0 || !r.chance(resetOn ? p : p / 2)) continue;
      const alias = new Set(aliasedBy(ctx.topology, op.dev));
      const x = r.weighted(targets.map((t) => [t, (ctx.devices.get(t)!.ats ? 3 : 1) * (alias.has(t) ? 3 : 1)] as const))!;
      out = addResetElsewhere(ctx, out, h, x, op, racing);
    }
  }
  return out;
}

/**
 * An iommufd `unmap` of a domain an ATS function of the thread is attached to: often
 * (`topology.unmapReset`), a reset of that function in another thread races it (F15 on
 * arm-smmu-v3: the unmap's ATC invalidation, built before prepare, reaches the function in
 * reset). Before, an unmap while attached was in 1 fresh program of 4,000 and never with such a
 * reset (seed 1, docs/FUZZING.md). A reset whose weight is 0 is never added, and one the swarm
 * left out half as often.
 */
function aimResetsAtUnmaps(ctx: GenContext, threads: FuzzThread[], resetOn: boolean, racing: Racing): FuzzThread[] {
  const r = ctx.r;
  const p = ctx.cfg.topology.unmapReset ?? 0;
  if ((ctx.cfg.ops.reset ?? 0) <= 0 || p <= 0) return threads;
  let out = threads;
  for (let h = 0; h < threads.length; h++) {
    const attached = new Map<string, string>();
    for (const op of threads[h]!.ops) {
      if (op.op === 'attach' || op.op === 'replace') attached.set(op.dev, op.domain);
      if (op.op === 'detach') attached.delete(op.dev);
      if (op.op !== 'unmap') continue;
      const ats = [...attached].filter(([d, dom]) => dom === op.domain && ctx.devices.get(d)!.ats).map(([d]) => d);
      if (ats.length === 0 || !r.chance(resetOn ? p : p / 2)) continue;
      out = addResetElsewhere(ctx, out, h, r.pick(ats), op, racing);
    }
  }
  return out;
}

/**
 * The first DMA map of a device the mock defers the attach of (its `deferredAttach` knob, drawn
 * on an ATS function: knobs-gen.ts): often (`topology.deferredMapReset`), a reset of it in
 * another thread races the map (F21: the map's lockless `attach_deferred` test passes before the
 * reset, the attach after it). Before, 1 fresh program in 10,000 (seed 1). A reset whose weight
 * is 0 is never added, and one the swarm left out half as often.
 */
function aimResetsAtDeferredMaps(ctx: GenContext, threads: FuzzThread[], resetOn: boolean, racing: Racing): FuzzThread[] {
  const r = ctx.r;
  const p = ctx.cfg.topology.deferredMapReset ?? 0;
  const deferred = (ctx.topology as { mock?: { deferredAttach?: readonly string[] } }).mock?.deferredAttach ?? [];
  if ((ctx.cfg.ops.reset ?? 0) <= 0 || p <= 0 || deferred.length === 0) return threads;
  let out = threads;
  for (let h = 0; h < threads.length; h++) {
    const mapped = new Set<string>();
    for (const op of threads[h]!.ops) {
      if (op.op !== 'dmaMap' || !deferred.includes(op.dev) || mapped.has(op.dev)) continue;
      mapped.add(op.dev);
      if (!ctx.devices.get(op.dev)!.ats || !r.chance(resetOn ? p : p / 2)) continue;
      out = addResetElsewhere(ctx, out, h, op.dev, op, racing);
    }
  }
  return out;
}

/**
 * An SVA PASID of a DMA-API driver on an ATS function (svaAtBind(), or the `pasidAttach` kind's
 * SVA branch): often, a reset of that function follows it, half of the time in the same thread
 * right after (no race needed: F10 is a reset alone, its prepare asking the driver-facing query
 * while it removes the last PASID), else in another thread (racing the PASID's attach and
 * detach). With svaAtBind() and the default domain drawn with the driver knob (topology-gen.ts),
 * F10-shaped programs went from 1 fresh program in 2,857 to 1 in N (seed 1; docs/FUZZING.md).
 * A reset whose weight is 0 is never added, and one the swarm left out half as often.
 */
function aimResetsAtSva(ctx: GenContext, threads: FuzzThread[], resetOn: boolean): FuzzThread[] {
  const r = ctx.r;
  if ((ctx.cfg.ops.reset ?? 0) <= 0) return threads;
  let out = threads;
  for (let h = 0; h < threads.length; h++) {
    const dma = new Set<string>();
    for (const op of threads[h]!.ops) {
      if (op.op === 'bind' && op.driverManagedDma !== true) dma.add(op.dev);
      if (op.op === 'unbind') dma.delete(op.dev);
      if (op.op !== 'pasidAttach' || !dma.has(op.dev) || !svaCapable(ctx.devices.get(op.dev)!)) continue;
      if (!r.chance(resetOn ? 0.8 : 0.4)) continue;
      const reset = { op: 'reset', dev: op.dev } as Op;
      const others = out.map((_, i) => i).filter((i) => i !== h);
      let next: FuzzThread[];
      if (others.length === 0 || r.chance(0.5)) {
        const ops = out[h]!.ops;
        const at = ops.indexOf(op) + 1;
        next = out.map((th, i) => (i === h ? { ...th, ops: [...ops.slice(0, at), reset, ...ops.slice(at)] } : th));
      } else {
        const t = r.pick(others);
        const ops = out[t]!.ops;
        const end = ops.findIndex((o) => isTakeDown(o));
        const at = r.chance(0.5) ? 0 : r.between(0, end < 0 ? ops.length : end);
        next = out.map((th, i) => (i === t ? { ...th, ops: [...ops.slice(0, at), reset, ...ops.slice(at)] } : th));
      }
      const candidate: FuzzProgram = { topology: ctx.topology, threads: next, prologue: next.map(() => 0), patches: [] };
      if (ruleProblems(candidate).length === 0) out = next;
    }
  }
  return out;
}

export function generateProgram(r: Rand, cfg: FuzzConfig, topology: Topology): FuzzProgram {
  const devices = new Map(devicesOf(topology).map((d) => [d.name, d]));
  const kinds = swarmKinds(r, cfg);
  const kindOn = (k: FuzzOpKind): boolean => kinds.some(([x]) => x === k);
  const nThreads = r.between(1, Math.max(1, cfg.program.maxThreads));
  // homes: every usable device belongs to one thread (or to none: resets and sysfs only)
  const homes: string[][] = Array.from({ length: nThreads }, () => []);
  const exists = new Set<string>();
  for (const d of devices.values()) {
    if (d.bridge) continue;
    if (!d.present && !kindOn('hotAdd')) continue;
    exists.add(d.name);
    if (d.present && r.chance(0.15)) continue;
    homes[r.below(nThreads)]!.push(d.name);
  }
  const registers: string[][] = homes.map(() => []);
  const unregisters: string[][] = homes.map(() => []);
  for (const i of topology.iommus) {
    const t = r.below(nThreads);
    if (i.registered === false) registers[t]!.push(i.name);
    if (kindOn('unregister') && r.chance(0.3)) {
      // the unregistering thread owns every device behind the instance
      const behind = [...devices.values()].filter((d) => d.iommu === i.name).map((d) => d.name);
      for (const h of homes) for (let k = h.length - 1; k >= 0; k--) if (behind.includes(h[k]!)) h.splice(k, 1);
      homes[t]!.push(...behind.filter((d) => exists.has(d)));
      unregisters[t]!.push(i.name);
    }
  }
  const ctx: GenContext = { r, cfg, topology, devices, kinds, used: new Set(), exists };
  const program0: FuzzProgram = { topology, threads: [], prologue: [], patches: cfg.patches };
  let threads = homes.map((h, ti) =>
    generateThread(ctx, `t${ti}`, { homes: h, registers: registers[ti]!, unregisters: unregisters[ti]! }, initialThreadState(program0)),
  );
  const racing: Racing = new Set();
  threads = aimResetsAtHotAdds(ctx, threads, kindOn('reset'), racing);
  threads = aimResetsAtSva(ctx, threads, kindOn('reset'));
  threads = aimResetsAtUnmaps(ctx, threads, kindOn('reset'), racing);
  threads = aimResetsAtDeferredMaps(ctx, threads, kindOn('reset'), racing);
  // a prologue takes a thread's setup out of the race (fewer interleavings), at most half of it:
  // what is left must still race the other threads, and so must what an aim made to race; half
  // of the time, everything before the first such operation is the prologue (the setup of an
  // unmap or a first DMA map is done when the reset aimed at it starts)
  const prologue = threads.map((t) => {
    const cut = t.ops.length > 1 && r.chance(cfg.program.prologue) ? r.between(1, Math.floor(t.ops.length / 2)) : 0;
    const first = t.ops.findIndex((op) => racing.has(op));
    if (first < 0) return cut;
    return r.chance(0.5) ? first : Math.min(cut, first);
  });
  const p: FuzzProgram = { topology, threads, prologue, patches: cfg.patches };
  const problems = ruleProblems(p);
  if (problems.length > 0) throw new Error(`fuzz generator broke its rules: ${problems.join('; ')}`);
  return p;
}
