// The caller preconditions a generated program keeps, so that whatever the explorer finds is a
// kernel bug and not a caller bug. They are stricter than the scenario validator's (which checks
// only what a user could get wrong in a file): docs/ENTRY-POINTS.md "Scenario operations and
// their kernel preconditions", the usage rules the findings' reviews rest on (docs/FINDINGS.md:
// detach before free, release ownership after detach, a handle is never reused, a reset never
// races the removal of its device), and the driver core's (a driver's DMA API calls happen while
// it is bound, between bind and unbind).
//
// - Every operation of a device's life (hotAdd, bind/unbind, claim/release, domain allocation on
//   it, attach/detach, PASIDs, DMA-API mappings, MSI, remove) is issued by one thread, its home:
//   the driver, the owner (VFIO/iommufd) and the hotplug of that device. Each domain likewise
//   (allocation, maps, attachments, free). Resets, sysfs writes and raw device DMA come from any
//   thread.
// - In its home thread, each operation finds what it needs (simulated below): an undo follows
//   its do, a driver or owner operation follows the bind, a free follows every detach of the
//   domain, an unbind or release follows the undoing of what it allowed, nothing follows a
//   remove.
// - A thread's hotAdds come first and its removes and unregisters last; finalize.ts orders
//   other threads' operations on such a device after the hotAdd and before the remove with
//   events, so they never race the device's arrival or departure (no deadlock: an `added` event
//   depends on nothing, a `done` event only on `added` events).
// - An IOMMU is registered by one thread at most once; it is unregistered only by the thread
//   that owns every device behind it, once that thread has closed them.
import type { Op } from '../scenarios/iommu/spec.js';
import { bufDevices, deviceOfOp, type DeviceInfo, devicesOf, domainOfOp, type FuzzProgram, isLifecycleOp, isTakeDown, takenDown } from './program.js';

interface ThreadState {
  readonly bound: Map<string, 'dma' | 'vfio'>;
  /** `${dev}|device` or `${dev}|group` */
  readonly claims: Set<string>;
  readonly attached: Map<string, { readonly domain: string; readonly api: string }>;
  readonly pasids: Map<string, string>;
  readonly domains: Set<string>;
  readonly freed: Set<string>;
  readonly maps: Map<string, Array<{ readonly iova: number; readonly size: number }>>;
  readonly bufs: Map<string, string>;
  readonly added: Set<string>;
  readonly removed: Set<string>;
  readonly registered: Set<string>;
  readonly unregistered: Set<string>;
}

function freshState(registered: Iterable<string>): ThreadState {
  return {
    bound: new Map(),
    claims: new Set(),
    attached: new Map(),
    pasids: new Map(),
    domains: new Set(),
    freed: new Set(),
    maps: new Map(),
    bufs: new Map(),
    added: new Set(),
    removed: new Set(),
    registered: new Set(registered),
    unregistered: new Set(),
  };
}

/** does the device have anything a close must undo (bound, claimed, attached, mapped)? */
export function deviceOpen(s: ThreadState, dev: string): boolean {
  if (s.bound.has(dev) || s.claims.has(`${dev}|device`) || s.claims.has(`${dev}|group`) || s.attached.has(dev)) return true;
  for (const k of s.pasids.keys()) if (k.startsWith(`${dev}/`)) return true;
  for (const d of s.bufs.values()) if (d === dev) return true;
  return false;
}

function pasidsOf(s: ThreadState, dev: string): string[] {
  return [...s.pasids.keys()].filter((k) => k.startsWith(`${dev}/`));
}

function domainInUse(s: ThreadState, domain: string): boolean {
  for (const a of s.attached.values()) if (a.domain === domain) return true;
  for (const d of s.pasids.values()) if (d === domain) return true;
  return false;
}

/** why `op` may not run in a thread in state `s`, or null; applies it to `s` when it may */
export function stepRule(s: ThreadState, op: Op, devices: ReadonlyMap<string, DeviceInfo>): string | null {
  const dev = 'dev' in op ? devices.get(op.dev) : undefined;
  if ('dev' in op) {
    if (dev === undefined) return `unknown device ${op.dev}`;
    if (dev.bridge) return `${op.dev} is a bridge`;
    if (s.removed.has(op.dev)) return `${op.dev} was removed`;
    if (!dev.present && !s.added.has(op.dev) && isLifecycleOp(op) && op.op !== 'hotAdd') return `${op.dev} is not added yet`;
  }
  const liveDomain = (d: string): string | null => (s.domains.has(d) ? null : `domain ${d} is not allocated here`);
  switch (op.op) {
    case 'register':
      if (s.registered.has(op.iommu) || s.unregistered.has(op.iommu)) return `${op.iommu} registered twice`;
      s.registered.add(op.iommu);
      return null;
    case 'unregister': {
      if (!s.registered.has(op.iommu)) return `${op.iommu} is not registered here`;
      for (const d of devices.values()) if (d.iommu === op.iommu && deviceOpen(s, d.name)) return `${d.name} is still open`;
      s.registered.delete(op.iommu);
      s.unregistered.add(op.iommu);
      return null;
    }
    case 'hotAdd':
      if (dev!.present || s.added.has(op.dev)) return `${op.dev} is already present`;
      s.added.add(op.dev);
      return null;
    case 'remove':
      if (s.bound.get(op.dev) === 'vfio' || s.claims.has(`${op.dev}|device`) || s.claims.has(`${op.dev}|group`) || s.attached.has(op.dev) || pasidsOf(s, op.dev).length > 0) {
        return `${op.dev} is removed while its owner still holds it`;
      }
      for (const d of s.bufs.values()) if (d === op.dev) return `${op.dev} is removed with DMA mappings`;
      s.bound.delete(op.dev);
      s.removed.add(op.dev);
      return null;
    case 'bind':
      if (s.bound.has(op.dev)) return `${op.dev} is already bound`;
      s.bound.set(op.dev, op.driverManagedDma === true ? 'vfio' : 'dma');
      return null;
    case 'unbind':
      if (!s.bound.has(op.dev)) return `${op.dev} is not bound`;
      if (s.claims.has(`${op.dev}|device`) || s.claims.has(`${op.dev}|group`) || s.attached.has(op.dev) || pasidsOf(s, op.dev).length > 0) {
        return `${op.dev} is unbound while in use`;
      }
      for (const d of s.bufs.values()) if (d === op.dev) return `${op.dev} is unbound with DMA mappings`;
      s.bound.delete(op.dev);
      return null;
    case 'claim': {
      const key = `${op.dev}|${op.group === true ? 'group' : 'device'}`;
      if (s.claims.has(key)) return `${op.dev} claimed twice`;
      // a VFIO container claims the group of a VFIO group, which exists while vfio-pci is bound
      // (it holds the group reference the owner's calls rely on); iommufd claims a VFIO device
      if (s.bound.get(op.dev) !== 'vfio') return `${op.dev} claimed without vfio bound`;
      s.claims.add(key);
      return null;
    }
    case 'releaseOwner': {
      const key = `${op.dev}|${op.group === true ? 'group' : 'device'}`;
      if (!s.claims.has(key)) return `${op.dev} released without a claim`;
      // release ownership after every detach (the group's pasid_array must be empty: §4.7)
      if (s.attached.has(op.dev) || s.pasids.size > 0) return `${op.dev} released while attached`;
      s.claims.delete(key);
      return null;
    }
    case 'domainAlloc':
      if (s.domains.has(op.domain) || s.freed.has(op.domain)) return `domain ${op.domain} allocated twice`;
      if (!s.bound.has(op.dev) && !s.claims.has(`${op.dev}|group`)) return `domain allocated for ${op.dev}, which this thread does not hold`;
      s.domains.add(op.domain);
      return null;
    case 'domainFree':
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      if (domainInUse(s, op.domain)) return `domain ${op.domain} freed while attached`;
      // iommufd empties a paging domain before it destroys it (the mock WARNs otherwise)
      if ((s.maps.get(op.domain) ?? []).length > 0) return `domain ${op.domain} freed with mappings`;
      s.domains.delete(op.domain);
      s.freed.add(op.domain);
      s.maps.delete(op.domain);
      return null;
    case 'attach': {
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      if (s.attached.has(op.dev)) return `${op.dev} attached twice`;
      const api = op.api ?? 'device';
      if (api === 'device' ? !s.bound.has(op.dev) : !s.claims.has(`${op.dev}|device`) && !s.claims.has(`${op.dev}|group`)) {
        return `${op.dev} attached (${api}) without ${api === 'device' ? 'a bound driver' : 'a claim'}`;
      }
      s.attached.set(op.dev, { domain: op.domain, api });
      return null;
    }
    case 'detach': {
      const a = s.attached.get(op.dev);
      if (a === undefined) return `${op.dev} detached without an attach`;
      if (op.domain !== undefined && op.domain !== a.domain) return `${op.dev} detached from ${op.domain}, attached to ${a.domain}`;
      s.attached.delete(op.dev);
      return null;
    }
    case 'replace': {
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      const a = s.attached.get(op.dev);
      if (a === undefined || a.api !== 'handle') return `${op.dev} replaced without a handle attachment`;
      s.attached.set(op.dev, { domain: op.domain, api: 'handle' });
      return null;
    }
    case 'pasidAttach': {
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      const key = `${op.dev}/${op.pasid}`;
      if (s.pasids.has(key)) return `PASID ${key} attached twice`;
      // PASIDs are the owner's (iommufd), or a DMA-API driver's SVA on a function alone in its
      // group: a non-empty pasid_array makes a DMA-API driver's unbind WARN by design (core.md
      // §4.8, "Interaction with ownership"), so the group's other DMA-API users must be kept out,
      // by an owner or by there being none; the driver unbinds after its PASIDs are detached
      if (!s.claims.has(`${op.dev}|device`) && !s.claims.has(`${op.dev}|group`) && !(s.bound.get(op.dev) === 'dma' && dev!.sva)) {
        return `PASID attached on ${op.dev}, which this thread has not claimed (nor bound a DMA-API driver to, alone in its group)`;
      }
      s.pasids.set(key, op.domain);
      return null;
    }
    case 'pasidReplace': {
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      const key = `${op.dev}/${op.pasid}`;
      if (!s.pasids.has(key)) return `PASID ${key} replaced without an attach`;
      // replace is iommufd's (an owner's); an SVA binding is unbound and bound again
      if (!s.claims.has(`${op.dev}|device`) && !s.claims.has(`${op.dev}|group`)) return `PASID ${key} replaced without a claim`;
      s.pasids.set(key, op.domain);
      return null;
    }
    case 'pasidDetach': {
      const key = `${op.dev}/${op.pasid}`;
      if (s.pasids.get(key) !== op.domain) return `PASID ${key} detached from a domain it is not attached to`;
      s.pasids.delete(key);
      return null;
    }
    case 'map': {
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      const list = s.maps.get(op.domain) ?? [];
      if (list.some((m) => op.iova < m.iova + m.size && m.iova < op.iova + op.size)) return `overlapping map in ${op.domain}`;
      list.push({ iova: op.iova, size: op.size });
      s.maps.set(op.domain, list);
      return null;
    }
    case 'unmap': {
      if (liveDomain(op.domain) !== null) return liveDomain(op.domain);
      const list = s.maps.get(op.domain) ?? [];
      const i = list.findIndex((m) => m.iova === op.iova && m.size === op.size);
      if (i < 0) return `unmap of nothing in ${op.domain}`;
      list.splice(i, 1);
      return null;
    }
    case 'dmaMap':
      if (s.bound.get(op.dev) !== 'dma') return `dmaMap on ${op.dev} without a DMA-API driver bound`;
      if (s.bufs.has(op.as)) return `mapping ${op.as} made twice`;
      s.bufs.set(op.as, op.dev);
      return null;
    case 'dmaUnmap':
      if (!s.bufs.has(op.handle)) return `dmaUnmap of ${op.handle}, not mapped here`;
      s.bufs.delete(op.handle);
      return null;
    case 'dma':
      if (op.handle !== undefined && s.bufs.get(op.handle) !== op.dev) return `dma through ${op.handle}, not mapped for ${op.dev} here`;
      return null;
    case 'prepareMsi':
      if (s.bound.get(op.dev) !== 'dma') return `prepareMsi on ${op.dev} without a DMA-API driver bound`;
      return null;
    case 'reset':
    case 'resetMethod':
      if (!dev!.pci) return `${op.op} of a platform device ${op.dev}`;
      return null;
    case 'setType':
    case 'resvRegions':
      return null;
    case 'signal':
    case 'wait':
      return 'events are added by finalize';
  }
}

/** the threads' initial state: IOMMUs registered at boot */
export function initialThreadState(p: FuzzProgram): ThreadState {
  return freshState(p.topology.iommus.filter((i) => i.registered !== false).map((i) => i.name));
}

/** Everything wrong with a program (empty: every rule holds). */
export function ruleProblems(p: FuzzProgram): string[] {
  const problems: string[] = [];
  const devices = devicesOf(p.topology);
  const byName = new Map(devices.map((d) => [d.name, d]));
  const bufs = bufDevices(p);
  const homeDev = new Map<string, number>();
  const homeDomain = new Map<string, number>();
  const homeIommu = new Map<string, number>();
  const handles = new Set<string>();
  const hotAdded = new Set<string>();
  if (p.prologue.length !== p.threads.length) problems.push('prologue counts do not match the threads');
  if (new Set(p.threads.map((t) => t.name)).size !== p.threads.length) problems.push('thread names repeat');
  p.threads.forEach((t, ti) => {
    let section = 0; // 0: hotAdds, 1: body, 2: take-downs
    for (const op of t.ops) {
      const claim = (m: Map<string, number>, key: string, what: string): void => {
        const h = m.get(key);
        if (h !== undefined && h !== ti) problems.push(`${what} ${key} is used by threads ${p.threads[h]!.name} and ${t.name}`);
        m.set(key, ti);
      };
      const dev = deviceOfOp(op, bufs);
      if (dev !== null && isLifecycleOp(op)) claim(homeDev, dev, 'device');
      const dom = domainOfOp(op);
      if (dom !== null) claim(homeDomain, dom, 'domain');
      if (op.op === 'register' || op.op === 'unregister') claim(homeIommu, op.iommu, 'IOMMU');
      if ('handle' in op && op.handle !== undefined && op.op !== 'dma' && op.op !== 'dmaUnmap') {
        if (handles.has(op.handle)) problems.push(`handle ${op.handle} is used twice`);
        handles.add(op.handle);
      }
      if (op.op === 'hotAdd') {
        hotAdded.add(op.dev);
        if (section > 0) problems.push(`${t.name}: hotAdd ${op.dev} after other operations`);
      } else if (isTakeDown(op)) {
        section = 2;
      } else {
        if (section === 2) problems.push(`${t.name}: ${op.op} after a remove or unregister`);
        section = 1;
      }
    }
  });
  // a device that is not present at boot is used only if something adds it
  p.threads.forEach((t) => {
    for (const op of t.ops) {
      const dev = deviceOfOp(op, bufs);
      const info = dev === null ? undefined : byName.get(dev);
      if (info !== undefined && !info.present && !hotAdded.has(info.name)) problems.push(`${t.name}: ${op.op} on ${info.name}, which nothing adds`);
    }
  });
  // unregister: the unregistering thread owns every device behind the IOMMU
  p.threads.forEach((t, ti) => {
    for (const op of t.ops) {
      if (op.op !== 'unregister') continue;
      for (const d of takenDown(op, devices)) {
        const h = homeDev.get(d);
        if (h !== undefined && h !== ti) problems.push(`unregister ${op.iommu} in ${t.name} while ${d} belongs to ${p.threads[h]!.name}`);
      }
    }
  });
  // each thread's own sequence
  p.threads.forEach((t) => {
    const s = initialThreadState(p);
    // an IOMMU registered by another thread is, for this thread, possibly registered
    for (const op of t.ops) {
      const why = stepRule(s, op, byName);
      if (why !== null) problems.push(`${t.name}: ${op.op}: ${why}`);
    }
  });
  return problems;
}
