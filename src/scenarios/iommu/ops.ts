// The operations interpreter: each scenario operation is the kernel entry point a user thinks of
// (bind a driver, claim ownership, attach a domain, reset a function...), called the way its
// kernel caller calls it (driver core, VFIO/iommufd, the PCI core).
import { deviceAdd, deviceDel } from '../../base/bus.js';
import { deviceReleaseDriver, reallyProbe } from '../../base/dd.js';
import type { Device } from '../../base/device.js';
import { iommuAttachDevice, iommuAttachGroup, iommuDetachDevice, iommuDetachGroup } from '../../core/attach.js';
import { iommuGroupStoreType } from '../../core/default-domain.js';
import { IOMMU_COOKIE_IOMMUFD, IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_PASID } from '../../core/domain-types.js';
import { type IommuDomain, iommuDomainFree, iommuPagingDomainAllocFlags } from '../../core/domain.js';
import { iommuAttachGroupHandle, iommuDetachGroupHandle, iommuReplaceGroupHandle } from '../../core/group-handle.js';
import { type IommuGroup, iommuGroupGet, iommuGroupPut } from '../../core/group.js';
import { iommuDeviceRegister, iommuDeviceUnregister } from '../../core/iommu-device.js';
import { iommuMap, iommuUnmap } from '../../core/map.js';
import { iommuDmaPrepareMsi } from '../../core/msi.js';
import { iommuGroupShowResvRegions } from '../../core/resv.js';
import { MsiDesc } from '../../base/msi.js';
import {
  iommuDeviceClaimDmaOwner,
  iommuDeviceReleaseDmaOwner,
  iommuGroupClaimDmaOwner,
  iommuGroupReleaseDmaOwner,
} from '../../core/ownership.js';
import { iommuAttachDevicePasid, iommuDetachDevicePasid, iommuReplaceDevicePasid } from '../../core/pasid.js';
import { DMA_MAPPING_ERROR, dmaMapPage, dmaUnmapPage } from '../../dma/dma-iommu.js';
import { dmaAccess } from '../../hw/dma.js';
import { IOMMU_READ, IOMMU_WRITE } from '../../hw/io-pgtable.js';
import { PAGE_SIZE } from '../../hw/memory/page.js';
import { type PageOwner, pageOwner, PhysMemory } from '../../hw/memory/phys-memory.js';
import { isPciDev } from '../../pci/pci.js';
import { pciResetFunctionWith, resetMethodStore } from '../../pci/reset.js';
import {
  complete,
  DMA_MAPPING_ERROR_RESULT,
  dmaIsolationViolation,
  EFAULT,
  EINVAL,
  EIO,
  ENODEV,
  ENOENT,
  type Gen,
  hwStep,
  hwStepDone,
  IS_ERR,
  mutexLock,
  mutexUnlock,
  waitForCompletion,
} from '../../sync/index.js';
import { ledgerLoad, ledgerStore, ledgerUpdate } from './ledger.js';
import type { Op } from './spec.js';
import { deviceNamed, eventNamed, handleNamed, type IommuWorld, ownerNamed } from './world.js';

/** the domain a name stands for now (a user's lookup of an object ID) */
function* domainOf(w: IommuWorld, name: string): Gen<IommuDomain | null> {
  return (yield* ledgerLoad(w.ledger.domain(name)))?.domain ?? null;
}

/**
 * A group operation by the device's owner (VFIO group, iommufd igroup). VFIO looks the group up
 * with iommu_group_get() when its driver binds to the device (vfio_group_find_or_alloc(); iommufd
 * again at iommufd_device_bind()) and uses that pointer, holding the reference, until the driver
 * unbinds: a release of the device meanwhile empties the group but never frees it under them
 * (core.md §5b, "vfio: Follow a strict lifetime for struct iommu_group"). The harness holds that
 * reference (ledger `groupRefs`, taken by `bind` with driverManagedDma) when another thread of the
 * scenario may probe or release the device; an owner without one (a group claimed through a
 * device no VFIO driver is bound to; the sysfs `type` and `reserved_regions` files, which kernfs
 * keeps alive while they run) takes a reference around the call (iommu_group_get(): a READ_ONCE
 * and a refcount step, events). When no other thread can touch the group pointer, the lookup is
 * the thread's own plain read and no reference is needed (nothing can free the group meanwhile).
 */
function* withGroup(w: IommuWorld, dev: Device, fn: (g: IommuGroup) => Gen<number>, owner = true): Gen<number> {
  if (!w.ledger.groupPointerRacy(dev)) {
    const group = dev.iommuGroup;
    if (group === null) return -ENODEV;
    return yield* fn(group);
  }
  const held = owner ? yield* ledgerLoad(w.ledger.groupRef(dev)) : null;
  if (held !== null) return yield* fn(held);
  const group = yield* iommuGroupGet(dev);
  if (group === null) return -ENODEV;
  const ret = yield* fn(group);
  yield* iommuGroupPut(group);
  return ret;
}

/**
 * A device operation by the device's owner (iommufd's device claim and release, its PASID
 * attach, replace and detach): the core reads `dev->iommu_group` itself while the caller holds
 * the reference above. A DMA-API driver's SVA PASID holds none (the driver core only orders it
 * against release), hence `owned`.
 */
function* asOwner(w: IommuWorld, dev: Device, owned: boolean, fn: () => Gen<number>): Gen<number> {
  if (!owned || !w.ledger.groupPointerRacy(dev)) return yield* fn();
  if ((yield* ledgerLoad(w.ledger.groupRef(dev))) !== null) return yield* fn();
  const ref = yield* iommuGroupGet(dev);
  const ret = yield* fn();
  yield* iommuGroupPut(ref);
  return ret;
}

/**
 * vfio-pci's probe: vfio_register_group_dev() -> vfio_group_find_or_alloc() takes the group
 * reference VFIO keeps (iommu_group_get()); a device without a group is refused with -EINVAL
 * (no vfio-noiommu in the model). Kept in the ledger only when another thread may release the
 * device; otherwise only the test.
 */
function* vfioTakeGroupRef(w: IommuWorld, dev: Device): Gen<number> {
  if (!w.ledger.groupPointerRacy(dev)) return dev.iommuGroup === null ? -EINVAL : 0;
  const g = yield* iommuGroupGet(dev);
  if (g === null) return -EINVAL;
  yield* ledgerStore(w.ledger.groupRef(dev), g);
  return 0;
}

/** VFIO's driver unbinds (or the device is removed): the last vfio_group user puts the reference */
function* vfioPutGroupRef(w: IommuWorld, dev: Device): Gen {
  if (!w.ledger.groupPointerRacy(dev)) return;
  yield* iommuGroupPut(yield* ledgerUpdate(w.ledger.groupRef(dev), () => null));
}

/** does the device have an owner (a device or group claim not released)? */
function* owned(w: IommuWorld, dev: Device): Gen<boolean> {
  return (yield* ledgerLoad(w.ledger.claim(dev, false))) > 0 || (yield* ledgerLoad(w.ledger.claim(dev, true))) > 0;
}

/** run one operation; returns its return code (0 for the kernel's void functions) */
export function* runOp(w: IommuWorld, op: Op): Gen<number> {
  const L = w.ledger;
  switch (op.op) {
    case 'register': {
      const iommu = w.iommus.get(op.iommu);
      if (iommu === undefined) return -ENOENT;
      // the driver's probe of its unit ends with iommu_device_register(iommu, ops, its fwnode)
      const ret = yield* iommuDeviceRegister(iommu, w.kernel.iommuDrivers.get(iommu)!.ops, w.kernel.fwnodeOf(op.iommu));
      if (ret === 0) yield* ledgerStore(L.iommu(op.iommu), true);
      return ret;
    }
    case 'unregister': {
      const iommu = w.iommus.get(op.iommu);
      if (iommu === undefined || !(yield* ledgerUpdate(L.iommu(op.iommu), () => false))) return -ENOENT;
      yield* iommuDeviceUnregister(iommu);
      return 0;
    }
    case 'hotAdd':
      return yield* deviceAdd(deviceNamed(w, op.dev));
    case 'remove': {
      const dev = deviceNamed(w, op.dev);
      // device_del() unbinds the driver; the device's own attachments and claims go with it
      yield* ledgerStore(L.bind(dev), false);
      yield* ledgerStore(L.attachment(dev), null);
      for (const e of L.ofDevice(L.pasids, dev)) yield* ledgerStore(e, null);
      for (const e of L.ofDevice(L.claims, dev)) yield* ledgerStore(e, 0);
      for (const e of L.ofDevice(L.dmaMaps, dev)) yield* ledgerStore(e, null);
      // the driver's remove() runs before the IOMMU's REMOVED notifier
      yield* vfioPutGroupRef(w, dev);
      return yield* deviceDel(dev);
    }
    case 'bind': {
      const dev = deviceNamed(w, op.dev);
      const drv = op.driverManagedDma === true ? w.vfioDriver : w.dmaApiDriver;
      let ret = yield* reallyProbe(dev, drv);
      if (ret === 0 && drv.driverManagedDma) {
        // the driver's own probe failing: the driver core takes the device back
        ret = yield* vfioTakeGroupRef(w, dev);
        if (ret !== 0) yield* deviceReleaseDriver(dev);
      }
      if (ret === 0) yield* ledgerStore(L.bind(dev), true);
      return ret;
    }
    case 'unbind': {
      const dev = deviceNamed(w, op.dev);
      if (!(yield* ledgerUpdate(L.bind(dev), () => false))) return -ENODEV;
      yield* vfioPutGroupRef(w, dev);
      yield* deviceReleaseDriver(dev);
      return 0;
    }
    case 'claim': {
      const dev = deviceNamed(w, op.dev);
      const owner = ownerNamed(w, op.owner);
      const group = op.group === true;
      // iommufd binds a device through its VFIO device (vfio-pci bound): none bound, not issued
      if (!group && !(yield* ledgerLoad(L.bind(dev)))) return -ENODEV;
      const ret = group
        ? yield* withGroup(w, dev, (g) => iommuGroupClaimDmaOwner(g, owner))
        : yield* asOwner(w, dev, true, () => iommuDeviceClaimDmaOwner(dev, owner));
      if (ret === 0) yield* ledgerUpdate(L.claim(dev, group), (n) => n + 1);
      return ret;
    }
    case 'releaseOwner': {
      const dev = deviceNamed(w, op.dev);
      const group = op.group === true;
      if ((yield* ledgerUpdate(L.claim(dev, group), (n) => Math.max(0, n - 1))) === 0) return -ENOENT;
      if (group) return yield* withGroup(w, dev, (g) => releaseGroup(g));
      return yield* asOwner(w, dev, true, function* () {
        yield* iommuDeviceReleaseDmaOwner(dev);
        return 0;
      });
    }
    case 'domainAlloc': {
      if ((yield* domainOf(w, op.domain)) !== null) return -EINVAL;
      const pasid = op.pasid === true ? IOMMU_HWPT_ALLOC_PASID : 0;
      const flags = pasid | (op.nestParent === true ? IOMMU_HWPT_ALLOC_NEST_PARENT : 0);
      const d = yield* iommuPagingDomainAllocFlags(deviceNamed(w, op.dev), flags);
      if (IS_ERR(d)) return d;
      d.tag = op.domain;
      // iommufd_hwpt_paging_alloc() marks its domains [B]
      if (op.iommufd === true) d.cookieType = IOMMU_COOKIE_IOMMUFD;
      yield* ledgerStore(L.domain(op.domain), { domain: d, maps: [] });
      return 0;
    }
    case 'domainFree': {
      const named = yield* ledgerUpdate(L.domain(op.domain), () => null);
      if (named === null) return -ENOENT;
      yield* iommuDomainFree(named.domain);
      return 0;
    }
    case 'attach': {
      const dev = deviceNamed(w, op.dev);
      const d = yield* domainOf(w, op.domain);
      if (d === null) return -ENOENT;
      const api = op.api ?? 'device';
      // VFIO and iommufd attach a group or a device they own: an owner whose claim failed (the
      // group has a DMA-API driver, -EPERM) has nothing to attach through, not issued
      if (api !== 'device' && L.ownerOf(dev) && !(yield* owned(w, dev))) return -ENODEV;
      let ret: number;
      if (api === 'device') ret = yield* iommuAttachDevice(d, dev);
      else if (api === 'group') ret = yield* withGroup(w, dev, (g) => iommuAttachGroup(d, g));
      else ret = yield* withGroup(w, dev, (g) => iommuAttachGroupHandle(d, g, handleNamed(w, op.handle ?? `${op.dev}`)));
      if (ret === 0) yield* ledgerStore(L.attachment(dev), { api, domain: d });
      return ret;
    }
    case 'detach': {
      const dev = deviceNamed(w, op.dev);
      const a = yield* ledgerUpdate(L.attachment(dev), () => null);
      if (a === null) return -ENOENT;
      return yield* detach(w, dev, a.api, a.domain);
    }
    case 'replace': {
      const dev = deviceNamed(w, op.dev);
      const d = yield* domainOf(w, op.domain);
      if (d === null) return -ENOENT;
      if (L.ownerOf(dev) && !(yield* owned(w, dev))) return -ENODEV;
      const ret = yield* withGroup(w, dev, (g) => iommuReplaceGroupHandle(g, d, handleNamed(w, op.handle)));
      if (ret === 0) yield* ledgerStore(L.attachment(dev), { api: 'handle', domain: d });
      return ret;
    }
    case 'pasidAttach': {
      const dev = deviceNamed(w, op.dev);
      const d = yield* domainOf(w, op.domain);
      if (d === null) return -ENOENT;
      const h = op.handle === undefined ? null : handleNamed(w, op.handle);
      // a DMA-API driver's own PASID (no owner) comes from the driver bound to the device: none
      // bound (its bind failed, or it was unbound), not issued
      if (w.ledger.dmaApiDriverOf(dev) && !(yield* ledgerLoad(L.bind(dev))) && !(yield* owned(w, dev))) return -ENODEV;
      // an owner's PASID (iommufd) needs its claim: one that failed leaves nothing to attach through
      if (!w.ledger.dmaApiDriverOf(dev) && L.ownerOf(dev) && !(yield* owned(w, dev))) return -ENODEV;
      const own = w.ledger.groupPointerRacy(dev) && (yield* owned(w, dev));
      const ret = yield* asOwner(w, dev, own, () => iommuAttachDevicePasid(d, dev, op.pasid, h));
      if (ret === 0) yield* ledgerStore(L.pasid(dev, op.pasid), d);
      return ret;
    }
    case 'pasidReplace': {
      const dev = deviceNamed(w, op.dev);
      const d = yield* domainOf(w, op.domain);
      if (d === null) return -ENOENT;
      if (L.ownerOf(dev) && !(yield* owned(w, dev))) return -ENODEV;
      const ret = yield* asOwner(w, dev, true, () => iommuReplaceDevicePasid(d, dev, op.pasid, handleNamed(w, op.handle)));
      // the attachment the ledger knows (if any) is on the new domain now
      if (ret === 0) yield* ledgerUpdate(L.pasid(dev, op.pasid), (old) => (old === null ? null : d));
      return ret;
    }
    case 'pasidDetach': {
      const dev = deviceNamed(w, op.dev);
      const d = yield* ledgerUpdate(L.pasid(dev, op.pasid), () => null);
      if (d === null) return -ENOENT;
      return yield* asOwner(w, dev, w.ledger.groupPointerRacy(dev) && (yield* owned(w, dev)), function* () {
        yield* iommuDetachDevicePasid(d, dev, op.pasid);
        return 0;
      });
    }
    case 'map': {
      const d = yield* domainOf(w, op.domain);
      if (d === null) return -ENOENT;
      // iommufd pins the user's pages before it maps them (and unpins them if the map fails)
      const mem = physMemoryOf(w);
      if (mem !== null) yield* pinUserPages(mem, op.paddr, op.size, 1);
      const ret = yield* iommuMap(d, op.iova, op.paddr, op.size, IOMMU_READ | IOMMU_WRITE);
      if (mem !== null && ret !== 0) yield* pinUserPages(mem, op.paddr, op.size, -1);
      const m = { iova: op.iova, size: op.size, paddr: op.paddr };
      if (ret === 0) yield* ledgerUpdate(L.domain(op.domain), (n) => (n?.domain === d ? { domain: d, maps: [...n.maps, m] } : n));
      return ret;
    }
    case 'unmap': {
      // look the mapping up and forget it in one step
      let found: { readonly paddr: number } | null = null;
      const named = yield* ledgerUpdate(L.domain(op.domain), (n) => {
        const i = n === null ? -1 : n.maps.findIndex((m) => m.iova === op.iova && m.size === op.size);
        if (n === null || i < 0) return n;
        found = n.maps[i]!;
        return { domain: n.domain, maps: n.maps.filter((_, j) => j !== i) };
      });
      if (named === null || found === null) return -ENOENT;
      const unmapped = yield* iommuUnmap(named.domain, op.iova, op.size);
      // once the unmap returned, iommufd unpins the pages: the user has them back
      const mem = physMemoryOf(w);
      if (mem !== null) yield* pinUserPages(mem, (found as { readonly paddr: number }).paddr, op.size, -1);
      return unmapped === op.size ? 0 : -EIO;
    }
    case 'dmaMap': {
      const dev = deviceNamed(w, op.dev);
      // the DMA API is used by the driver bound to the device: none bound, not issued
      if (!(yield* ledgerLoad(L.bind(dev)))) return -ENODEV;
      const mem = physMemoryOf(w);
      if (mem !== null) yield* claimBuffer(mem, op.paddr, op.size ?? PAGE_SIZE, pageOwner('dma', `DMA-API buffer of ${op.dev}`));
      const size = op.size ?? 4096;
      const addr = yield* dmaMapPage(dev, op.paddr, size);
      // the kernel returns DMA_MAPPING_ERROR and no errno, whatever failed inside (docs/SCENARIOS.md)
      if (addr === DMA_MAPPING_ERROR) return DMA_MAPPING_ERROR_RESULT;
      yield* ledgerStore(L.dmaMap(op.as, dev), { dev, addr, paddr: op.paddr, size });
      return 0;
    }
    case 'dmaUnmap': {
      const e = L.dmaMapNamed(op.handle);
      const m = e === null ? null : yield* ledgerUpdate(e, () => null);
      if (m === null) return -ENOENT;
      yield* dmaUnmapPage(m.dev, m.addr, m.size);
      return 0;
    }
    case 'dma':
      return yield* deviceDma(w, op.dev, op.handle, op.iova, op.pasid);
    case 'reset': {
      const dev = deviceNamed(w, op.dev);
      if (!isPciDev(dev)) return -EINVAL;
      return yield* pciResetFunctionWith(dev, op.method ?? 'default');
    }
    case 'resetMethod': {
      const dev = deviceNamed(w, op.dev);
      if (!isPciDev(dev)) return -EINVAL;
      return yield* resetMethodStore(dev, op.methods);
    }
    case 'setType': {
      const dev = deviceNamed(w, op.dev);
      return yield* withGroup(w, dev, (g) => iommuGroupStoreType(g, op.type), false);
    }
    case 'prepareMsi': {
      const dev = deviceNamed(w, op.dev);
      // MSI vectors are allocated by the driver bound to the device: none bound, not issued
      if (!(yield* ledgerLoad(L.bind(dev)))) return -ENODEV;
      // msi_domain_prepare_irqs() for one vector; the descriptor is the model's
      return yield* iommuDmaPrepareMsi(new MsiDesc(dev), op.doorbell);
    }
    case 'resvRegions': {
      const dev = deviceNamed(w, op.dev);
      return yield* withGroup(
        w,
        dev,
        function* (g) {
          yield* iommuGroupShowResvRegions(g);
          return 0;
        },
        false,
      );
    }
    case 'signal':
      yield* complete(eventNamed(w, op.event));
      return 0;
    case 'wait':
      yield* waitForCompletion(eventNamed(w, op.event));
      return 0;
  }
}

/** the machine's physical memory, where its IOMMUs keep tables in memory (SMMUv3, VT-d); null on the mock */
function physMemoryOf(w: IommuWorld): PhysMemory | null {
  return w.machine.memory instanceof PhysMemory ? w.machine.memory : null;
}

/**
 * pin_user_pages() / unpin_user_pages() for a mapping of [paddr, paddr + size): a step per page
 * on its pin count, which the isolation oracle of every DMA that lands there reads (hw/dma.ts)
 */
function* pinUserPages(mem: PhysMemory, paddr: number, size: number, by: 1 | -1): Gen {
  for (let pa = paddr - (paddr % PAGE_SIZE); pa < paddr + size; pa += PAGE_SIZE) {
    const page = mem.pageAt(pa);
    const site = yield* hwStep(page, 'pins', 'write', by > 0 ? 'pin_user_pages' : 'unpin_user_pages');
    // a page the description did not name (a program issuing operations itself): the user's from now
    if (by > 0 && page.block === null && page.pfn < mem.frames) mem.reserve(page.pfn, pageOwner('user', `user page 0x${pa.toString(16)}`));
    page.pins = Math.max(0, page.pins + by);
    hwStepDone(site);
  }
}

/**
 * A DMA-API buffer the description did not name (world.ts reserves the ones it names): the
 * driver's from its dma_map, in a step on each page (what a DMA's isolation check reads)
 */
function* claimBuffer(mem: PhysMemory, paddr: number, size: number, owner: PageOwner): Gen {
  for (let pa = paddr - (paddr % PAGE_SIZE); pa < paddr + size; pa += PAGE_SIZE) {
    const page = mem.pageAt(pa);
    if (page.block !== null || page.pfn >= mem.frames) continue;
    const site = yield* hwStep(page, 'pins', 'write', 'dma_buffer');
    if (page.block === null) mem.reserve(page.pfn, owner);
    hwStepDone(site);
  }
}

function* releaseGroup(g: IommuGroup): Gen<number> {
  yield* iommuGroupReleaseDmaOwner(g);
  return 0;
}

/** undo an RID attachment with the API that made it */
export function* detach(w: IommuWorld, dev: Device, api: 'device' | 'group' | 'handle', d: IommuDomain): Gen<number> {
  if (api === 'device') {
    yield* iommuDetachDevice(d, dev);
    return 0;
  }
  return yield* withGroup(w, dev, function* (g) {
    if (api === 'group') yield* iommuDetachGroup(d, g);
    else yield* iommuDetachGroupHandle(d, g);
    return 0;
  });
}

/**
 * The device issues one DMA. With a DMA-API mapping (`handle`) it must reach exactly the buffer
 * its driver mapped; a raw `iova` just reports what happened. 0 = reached memory, -EFAULT =
 * translation fault, -EIO = blocked, -ENODEV = not issued (in reset).
 */
function* deviceDma(
  w: IommuWorld,
  devName: string,
  handle: string | undefined,
  iova: number | undefined,
  pasid: number | undefined,
): Gen<number> {
  const dev = deviceNamed(w, devName);
  const e = handle === undefined ? null : w.ledger.dmaMapNamed(handle);
  const m = e === null ? undefined : ((yield* ledgerLoad(e)) ?? undefined);
  if (handle !== undefined && m === undefined) return -ENOENT;
  const addr = m?.addr ?? iova ?? 0;
  // the transaction takes the path the machine's firmware tables describe
  const path = w.machine.pathOf(dev.ep);
  if (path.unit === null) return 0;
  // the driver's DMA waits out a reset of its function (reset_prepare .. reset_done: pci/pci.ts)
  const quiesce = m !== undefined && isPciDev(dev) ? dev.dmaQuiesce : null;
  if (quiesce !== null) yield* mutexLock(quiesce);
  const r = yield* dmaAccess(path.unit, dev.ep, path.sids[0] ?? 0, pasid ?? null, addr);
  if (quiesce !== null) yield* mutexUnlock(quiesce);
  if (m !== undefined && (r.kind === 'ok' || r.kind === 'bypass') && r.pa !== m.paddr) {
    dmaIsolationViolation(`${dev.label} DMA to 0x${addr.toString(16)} reached 0x${r.pa.toString(16)}, its driver mapped 0x${m.paddr.toString(16)}`);
  }
  if (m !== undefined && (r.kind === 'fault' || r.kind === 'abort')) {
    dmaIsolationViolation(`${dev.label} DMA to mapped 0x${addr.toString(16)} failed (${r.kind}) while its driver is bound`);
  }
  switch (r.kind) {
    case 'ok':
    case 'bypass':
      return 0;
    case 'fault':
      return -EFAULT;
    case 'abort':
      return -EIO;
    case 'not-issued':
      return -ENODEV;
  }
}
