// The §6 invariants checked where they must hold (rt/check.ts), not after every step: each check
// runs inside the step that reaches its point and names what it reads beyond what that step's op
// already orders, so partial-order reduction keeps every step that touches none of it independent.
//
//   point (the step's op)                         checks                          reads besides the op
//   mutex_unlock(&group->mutex)                   I1, I3, I4, I5 (group side),    every device's iommu_group,
//                                                 I6, I7, I8, I13                 members' hardware entries,
//                                                                                 the freed flag of its domains
//   kfree(domain)                                 I5: no stable group points at   every device's iommu_group and
//                                                 it                              the mutex of its group
//   kfree(io page table)                          I5: no entry translates         every hardware entry
//                                                 through it
//   hardware entry written                        I9 (function in reset stays     endpoint inReset, iommu_group,
//                                                 blocked), and I3/I7/I13 for a   the group's mutex
//                                                 write outside the group mutex
//   function enters reset                         I9: it is blocked               its entries, iommu_group, mutex
//   ATS enabled / ATS invalidation                I9: not while in reset          endpoint inReset
//   WRITE_ONCE(dev->dma_iommu), device_lock       I11: a bound DMA-API driver's   device_lock / dma_iommu
//     released                                    dma_iommu never changes
//
// A group's protected fields are read at its own mutex's release (the releasing thread holds it)
// or, from another point, only while the mutex is free and named in the reads. The windows of the
// invariants are those of invariants.ts (which also keeps the whole-state check for tests).
import { Device } from '../base/device.js';
import { HwEndpoint } from '../hw/endpoint.js';
import { IoPageTable, ioPgtableTag } from '../hw/io-pgtable.js';
import { IoPgtable } from '../hw/pgtable/pgtable.js';
import { StreamTable } from '../hw/stream-table.js';
import { silentFence } from '../hw/check/ats.js';
import { SmmuCmdq } from '../hw/smmuv3/cmdq.js';
import { VtdQi } from '../hw/vtd/qi.js';
import { describeTranslation, sameTranslation, type WalkTable } from '../hw/translation.js';
import { isPciDev, pciAtsSupported } from '../pci/pci.js';
import { type Access, access, type Checker, type CheckSite, type DriverCall, type KObject, lockFree, lockHeldByMe, Mutex, type Op, OpKind } from '../sync/index.js';
import { contractSite } from './contracts.js';
import { IommuDomain } from './domain.js';
import { iommuCore } from './globals.js';
import { IommuGroup } from './group.js';
import { checkGroup, checkGroupMembership, domainsOf } from './invariants.js';
import type { HwTruth } from './hw-truth.js';

/** what the checks know of the system: fixed when the world is built */
class System {
  /** per hardware entry location (object id, then field), the devices whose translations it decides */
  readonly entryDevs = new Map<number, Map<string | null, Device[]>>();
  readonly devEntries = new Map<Device, readonly Access[]>();
  readonly epDev = new Map<HwEndpoint, Device>();
  readonly allEntries: Access[] = [];
  /** reads of every device's dev->iommu_group */
  readonly groupPointers: readonly Access[];

  constructor(
    readonly devices: readonly Device[],
    readonly truth: HwTruth,
  ) {
    for (const dev of devices) {
      this.epDev.set(dev.ep, dev);
      const entries = truth.entryReads(dev);
      this.devEntries.set(dev, entries);
      for (const e of entries) {
        let fields = this.entryDevs.get(e.obj.oid);
        if (fields === undefined) {
          fields = new Map();
          this.entryDevs.set(e.obj.oid, fields);
        }
        let list = fields.get(e.field);
        if (list === undefined) {
          list = [];
          fields.set(e.field, list);
          this.allEntries.push(e);
        }
        list.push(dev);
      }
    }
    this.groupPointers = devices.map((d) => access(d, 'iommuGroup'));
  }

  /**
   * dev shares a stream ID with another device (a DMA alias in its firmware IDs, a PCIe-to-PCI
   * bridge's requester ID): its entries then show whichever device's attachment wrote them last.
   * Read from the firmware specs (fixed once probed), not from the hardware.
   */
  sharesEntries(dev: Device): boolean {
    const mine = dev.iommu?.fwspec;
    if (mine == null) return false;
    for (const other of this.devices) {
      if (other === dev) continue;
      const theirs = other.iommu?.fwspec;
      if (theirs == null || theirs.iommuFwnode !== mine.iommuFwnode) continue;
      if (theirs.ids.some((id) => mine.ids.includes(id))) return true;
    }
    return false;
  }

  entryReads(dev: Device, out: Access[] = []): Access[] {
    for (const e of this.devEntries.get(dev) ?? []) out.push(e);
    return out;
  }

  /** the devices whose translations a write of (obj, field) may change, or undefined */
  devicesOfEntry(obj: KObject, field: string | null): readonly Device[] | undefined {
    const fields = this.entryDevs.get(obj.oid);
    if (fields === undefined) return undefined;
    if (field !== null) return fields.get(field);
    // a write of the whole object touches every field of it
    const all = [...fields.values()].flat();
    return all.length > 0 ? all : undefined;
  }
}

function site(reads: readonly Access[], run: () => string | null): CheckSite {
  return { reads, run };
}

/** the group a device points at, with its mutex when a check may read it (free or mine) */
function groupIfReadable(dev: Device): IommuGroup | null {
  const g = dev.iommuGroup;
  if (g === null || g.freed) return null;
  return lockFree(g.mutex) || lockHeldByMe(g.mutex) ? g : null;
}

/** the hardware truth of a device an IOMMU driver took (null before its probe or after release) */
function oracleOf(sys: System, dev: Device): HwTruth | null {
  return dev.iommu?.iommuDev == null ? null : sys.truth;
}

/** I9 applies to a PCI function with ATS whose reset the hooks cover */
function resetHooksApply(dev: Device): boolean {
  return !iommuCore.patches.noResetIommuHooks && isPciDev(dev) && pciAtsSupported(dev);
}

/**
 * I9 for one function in reset whose group's data the check may read (its mutex free or held by
 * this thread): RID on the blocking domain, no PASID entries, ATS off
 */
function checkInReset(sys: System, dev: Device, group: IommuGroup): string | null {
  if (!dev.ep.inReset || !resetHooksApply(dev)) return null;
  const oracle = oracleOf(sys, dev);
  if (oracle === null) return null;
  const rid = oracle.installed(dev, null);
  const want = group.blockingDomain;
  if (want === null || !sameTranslation(rid, oracle.translationOf(want))) {
    return `I9: ${dev.label} is in reset but its RID is ${describeTranslation(rid)}`;
  }
  if (oracle.installedPasids(dev).size > 0) return `I9: ${dev.label} is in reset with PASIDs installed`;
  if (dev.ep.atsEnabled) return `I9: ${dev.label} is in reset with ATS enabled`;
  return null;
}

/** The §6 checks of a system of devices whose hardware the given drivers decode. */
export function iommuChecker(devices: readonly Device[], truth: HwTruth): Checker {
  const sys = new System(devices, truth);
  return {
    contract: (call: DriverCall): CheckSite | null => contractSite(sys, call),
    at(op: Op): CheckSite | null {
      const obj = op.obj;
      switch (op.kind) {
        case OpKind.Unlock:
          if (obj instanceof Mutex) {
            const c = obj.container;
            if (c instanceof IommuGroup && c.mutex === obj) return groupReleased(sys, c);
            if (c instanceof Device && c.deviceLock === obj) return deviceUnlocked(c);
          }
          return null;
        case OpKind.Free:
          if (obj instanceof IommuDomain) return domainFreed(sys, obj);
          if (obj instanceof IoPageTable) return tableFreed(sys, obj);
          // a table in physical memory (SMMUv3, VT-d): the hardware names its root page
          if (obj instanceof IoPgtable) return pgtableFreed(sys, obj);
          return null;
        case OpKind.HwWrite:
          if (obj instanceof HwEndpoint) return endpointWritten(sys, obj, op);
          if (obj instanceof SmmuCmdq || obj instanceof VtdQi) return fenceLogged(obj);
          if (obj instanceof IoPageTable) return op.field === 'unflushed' ? unmapFlushed(sys, obj) : null;
          if (obj !== null) {
            const devs = sys.devicesOfEntry(obj as KObject, op.field);
            if (devs !== undefined) return entryWritten(sys, devs);
          }
          return null;
        case OpKind.Write:
          if (op.field === 'dmaIommu' && obj instanceof Device) return dmaIommuWritten(obj);
          return null;
        default:
          return null;
      }
    },
  };
}

/**
 * The oracles that are not §6 invariants (the driver contracts, H2, H16), for the whole-state
 * mode, whose invariant checks the rest after every step.
 */
export function iommuContractChecker(devices: readonly Device[], truth: HwTruth): Checker {
  const sys = new System(devices, truth);
  return {
    contract: (call: DriverCall): CheckSite | null => contractSite(sys, call),
    at(op: Op): CheckSite | null {
      if (op.kind !== OpKind.HwWrite) return null;
      if (op.obj instanceof IoPageTable) return op.field === 'unflushed' ? unmapFlushed(sys, op.obj) : null;
      if (op.obj instanceof HwEndpoint && isAtsInvalidation(op)) return endpointWritten(sys, op.obj, op);
      if (op.obj instanceof SmmuCmdq || op.obj instanceof VtdQi) return fenceLogged(op.obj);
      return null;
    },
  };
}

/** group->mutex released: the group is at a stable point */
function groupReleased(sys: System, g: IommuGroup): CheckSite {
  const reads: Access[] = [...sys.groupPointers];
  for (const gd of g.devices) {
    sys.entryReads(gd.dev, reads);
    reads.push(access(gd.dev.ep, 'inReset'));
  }
  for (const [, d] of domainsOf(g)) reads.push(access(d, 'freed'));
  return site(reads, () => {
    if (g.freed) return null;
    const m = checkGroupMembership(g, sys.devices) ?? checkGroupDomainsLive(g) ?? checkGroup(g, sys.truth);
    if (m !== null) return m;
    // a member that entered reset while another thread held the mutex is checked here
    for (const gd of g.devices) {
      const r = checkInReset(sys, gd.dev, g);
      if (r !== null) return r;
    }
    return null;
  });
}

/** I5, group side: no pointer of a stable group to a freed domain */
function checkGroupDomainsLive(g: IommuGroup): string | null {
  for (const [field, d] of domainsOf(g)) if (d.freed) return `I5: ${g.label}->${field} is freed ${d.label}`;
  return null;
}

/** iommu_domain_free() reached kfree(): no stable group may still point at the domain */
function domainFreed(sys: System, d: IommuDomain): CheckSite {
  const reads: Access[] = [...sys.groupPointers];
  const groups = new Set<IommuGroup>();
  for (const dev of sys.devices) {
    const g = dev.iommuGroup;
    if (g === null || groups.has(g)) continue;
    groups.add(g);
    reads.push(access(g.mutex));
  }
  return site(reads, () => {
    for (const g of groups) {
      if (g.freed || !lockFree(g.mutex)) continue;
      for (const [field, x] of domainsOf(g)) if (x === d) return `I5: ${d.label} freed while ${g.label}->${field} points at it`;
    }
    return null;
  });
}

/** an IO page table freed: no hardware entry may translate through it */
function tableFreed(sys: System, t: WalkTable, also: readonly Access[] = [], reused = (): boolean => false): CheckSite {
  const reads: Access[] = [...sys.allEntries, ...also];
  return site(reads, () => {
    if (reused()) return null;
    for (const unit of sys.truth.units()) {
      for (const e of unit.all()) {
        if (e.t.kind === 'translate' && e.t.table === t) {
          const where = e.pasid === null ? 'RID' : `PASID ${e.pasid}`;
          return `I5: ${unit.name} stream ${e.sid} ${where} still translates through freed ${t.label}`;
        }
      }
    }
    return null;
  });
}

/**
 * The handle of a table in physical memory freed (free_io_pgtable_ops() frees the table pages,
 * then the handle): entries name the root frame, and by the handle's kfree another domain may
 * have been given that frame for its own root. An entry on that domain translates through its
 * own table, not the freed one: the check then has nothing to say (an entry still on the frame
 * when the pages went is H4's `table_free`, which runs before they are freed).
 */
function pgtableFreed(sys: System, pt: IoPgtable): CheckSite {
  const reused = (): boolean => {
    const o = pt.mem.ownerOf(pt.root);
    return o.kind === 'iopt' && o.tag !== pt.tag;
  };
  return tableFreed(sys, pt.rootPage, [access(pt.mem.ownerPage(pt.root), null)], reused);
}

/**
 * H2: the driver ends an unmap's grace window (its invalidation is done, iotlb_sync is about to
 * return): no IOTLB may still translate an IOVA of the table differently from the table, outside
 * the windows of other unmaps still in flight
 */
function unmapFlushed(sys: System, pt: IoPageTable): CheckSite {
  const tag = ioPgtableTag(pt);
  const tlbs = sys.truth.units().filter((u): u is StreamTable => u instanceof StreamTable).map((u) => u.tlb);
  return {
    reads: [...tlbs.map((tlb) => access(tlb, tlb.field(tag))), access(pt, 'unflushed')],
    kind: 'stale-translation',
    fatal: false,
    run() {
      const out: string[] = [];
      for (const tlb of tlbs) {
        for (const l of tlb.entries(tag)?.all() ?? []) {
          // another unmap of the table whose invalidation is still to come (its own sync checks it)
          if (pt.unflushedAt(l.iova)) continue;
          const now = pt.lookup(l.iova);
          if (now !== null && now.paddr === l.out) continue;
          out.push(`${tlb.label} holds IOVA 0x${l.iova.toString(16)} -> 0x${l.out.toString(16)}, the table ${now === null ? 'maps nothing there' : `maps 0x${now.paddr.toString(16)}`}`);
        }
      }
      return out.length === 0 ? null : `H2: ${pt.label}'s unmap invalidation is done but ${out.join('; ')}`;
    },
  };
}

/**
 * H16: a queue step on the whole queue (insertion, or a fence's completion entering the log): when
 * the last record is a fence that completed cleanly after a command or descriptor got no answer,
 * the timeout was swallowed (silentFence()). Reads the queue, which the step's op writes.
 */
function fenceLogged(q: SmmuCmdq | VtdQi): CheckSite {
  return {
    reads: [],
    kind: 'invalidation-timeout',
    fatal: false,
    run: () => silentFence(q.unitName, q),
  };
}

/** an ATS invalidation reaching a function: the mock's verb, or a write of the function's ATC by the IOMMU */
function isAtsInvalidation(op: Op): boolean {
  return op.verb === 'atc_inv' || (op.field === 'atc' && op.verb !== 'atc_fill');
}

/** a driver wrote a hardware entry (RID or PASID table) */
function entryWritten(sys: System, devs: readonly Device[]): CheckSite {
  const reads: Access[] = [];
  for (const dev of devs) {
    reads.push(access(dev.ep, 'inReset'), access(dev, 'iommuGroup'));
    const g = dev.iommuGroup;
    if (g !== null) reads.push(access(g.mutex));
  }
  return site(reads, () => {
    for (const dev of devs) {
      const g = groupIfReadable(dev);
      // (a group held by another thread is checked at its release)
      if (g !== null) {
        const m = checkInReset(sys, dev, g);
        if (m !== null) return m;
      }
      // written outside any critical section of its group: the group is stable right now
      if (g !== null && lockFree(g.mutex)) {
        const m = checkGroup(g, sys.truth, dev);
        if (m !== null) return m;
      }
    }
    return null;
  });
}

/** an endpoint register written: reset entry, the ATS enable bit, an ATS invalidation */
function endpointWritten(sys: System, ep: HwEndpoint, op: Op): CheckSite | null {
  const dev = sys.epDev.get(ep);
  if (dev === undefined) return null;
  // an ATS invalidation (the mock's `atc_inv`, an SMMUv3 ATC_INV, a VT-d device-TLB invalidation:
  // each writes the function's 'atc' and reads its reset state); not the device's own ATC fill
  if (isAtsInvalidation(op)) {
    // H16: the function cannot answer, the invalidation times out; with the reset hooks in force
    // it should not have been sent at all (I9)
    return {
      reads: [access(ep, 'inReset')],
      kind: 'invalidation-timeout',
      // not fatal (docs/ORACLES.md): the driver's fence then fails, and what it does next is explored
      fatal: false,
      run: () =>
        ep.inReset
          ? `H16: an ATS invalidation sent to ${dev.label} timed out: the function is in reset` +
          (resetHooksApply(dev) ? ' (I9: nothing may be sent to a function the reset hooks blocked)' : '')
          : null,
    };
  }
  if (op.field === null) {
    // the function enters reset (FLR, PM or bus reset): it must be blocked by now
    const reads: Access[] = [access(dev, 'iommuGroup')];
    sys.entryReads(dev, reads);
    const g = dev.iommuGroup;
    if (g !== null) reads.push(access(g.mutex));
    return site(reads, () => {
      // (a group held by another thread is checked at its release)
      const readable = groupIfReadable(dev);
      return readable === null ? null : checkInReset(sys, dev, readable);
    });
  }
  if (op.field === 'atsEnabled') {
    return site([access(ep, 'inReset')], () =>
      ep.inReset && ep.atsEnabled && resetHooksApply(dev) ? `I9: ${dev.label} is in reset with ATS enabled` : null,
    );
  }
  return null;
}

/** I11 at a write of dev->dma_iommu: unless the driver is mid-bind (its unlock checks) */
function dmaIommuWritten(dev: Device): CheckSite {
  return site([access(dev.deviceLock)], () => (lockFree(dev.deviceLock) ? boundDmaChanged(dev) : null));
}

/** I11 at device_lock's release (bind, unbind, reset) */
function deviceUnlocked(dev: Device): CheckSite {
  return site([access(dev, 'dmaIommu')], () => boundDmaChanged(dev));
}

function boundDmaChanged(dev: Device): string | null {
  const bound = dev.ghostBoundDmaIommu;
  if (bound === null || dev.dmaIommu === bound) return null;
  return `I11: dev->dma_iommu of ${dev.label} changed from ${bound} to ${dev.dmaIommu} while its driver was bound`;
}
