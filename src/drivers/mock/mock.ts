// The mock IOMMU driver (the kernel selftests' mock, spec hardware.md §5): paging, identity and
// blocked domains, PASID support, ATS per device, require_direct through firmware regions,
// max_pasids, static or allocated blocked/identity domains, and failure injection for each
// callback. It programs its hardware (a stream table per instance) and owns that truth.
import { type Device, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE } from '../../base/device.js';
import { Module } from '../../base/module.js';
import { devIommuFwspecGet, devIommuPrivGet, devIommuPrivSet } from '../../core/dev-iommu.js';
import { genericDeviceGroup, genericSingleDeviceGroup, pciDeviceGroup } from '../../core/device-group.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_IDENTITY, IOMMU_DOMAIN_UNMANAGED, IOMMU_HWPT_ALLOC_PASID } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import type { IommuGroup } from '../../core/group.js';
import type { IommuDevice } from '../../core/iommu-device.js';
import type { DriverOracle, IommuDomainOps, IommuIotlbGather, IommuOps, MapPagesResult } from '../../core/ops.js';
import { IOMMU_CAP_CACHE_COHERENCY } from '../../core/ops.js';
import { iommuCore } from '../../core/globals.js';
import { iommuDriverGetDomainForDev } from '../../core/query.js';
import { iommuAllocResvRegion, type IommuResvRegion } from '../../core/resv.js';
import { hwAtcInvalidate } from '../../hw/endpoint.js';
import { IoPageTable, ioPgtableIovaToPhys, type Leaf } from '../../hw/io-pgtable.js';
import { HW_ABORT, HW_BYPASS, HW_NONE, type HwTranslation, hwTranslate } from '../../hw/translation.js';
import { pciDisableAts, pciEnableAts } from '../../pci/ats.js';
import { isPciDev, pciAtsSupported } from '../../pci/pci.js';
import {
  deref,
  ENODEV,
  ENOENT,
  ENOMEM,
  EOPNOTSUPP,
  type ErrPtr,
  type Gen,
  hwUpdate,
  hwWrite,
  KObject,
  kfree,
  kzalloc,
  lockdepAssertHeld,
  lockdepAssertNotHeld,
  shouldFail,
  Spinlock,
  spinLock,
  spinUnlock,
  WARN_ON,
} from '../../sync/index.js';
import { MockDev } from './device.js';
import { MockDomain, type MockDomainKind } from './domain.js';
import { MockIommu } from './iommu.js';
import type { MockCallback, MockFault, MockOptions } from './options.js';

/** iommu_group_mutex_assert(): attach_dev and set_dev_pasid run under the device's group mutex (I14) */
function iommuGroupMutexAssert(dev: Device): void {
  if (dev.iommuGroup !== null) lockdepAssertHeld(dev.iommuGroup.mutex);
}

/** MOCK_IO_PAGE_SIZE: one page size, so map/unmap calls match the user's ranges */
export const MOCK_IO_PAGE_SIZE = 4096;

/** the driver: its module, ops, static domains and instances; one per execution (built in setup) */
export class MockDriver extends KObject {
  readonly module = new Module('iommufd_mock');
  readonly ops: IommuOps;
  readonly instances: MockIommu[] = [];
  /** protects every mock domain's users (attach/detach vs. the invalidations of iotlb_sync) */
  readonly domainsLock = new Spinlock('mock_domains_lock', null);
  readonly blocked: MockDomain | null;
  readonly identity: MockDomain | null;
  /** calls seen per fault rule (failure injection) */
  private readonly faultCalls: number[];

  constructor(readonly options: MockOptions = {}) {
    super();
    this.faultCalls = (options.faults ?? []).map(() => 0);
    const blockedOps: IommuDomainOps = {
      attachDev: (d, dev, old) => this.attachDev(d as MockDomain, dev, old),
      setDevPasid: (d, dev, pasid, old) => this.blockedSetDevPasid(d as MockDomain, dev, pasid, old),
    };
    const identityOps: IommuDomainOps = { attachDev: (d, dev, old) => this.attachDev(d as MockDomain, dev, old) };
    this.blocked = (options.blockedDomain ?? 'static') === 'static' ? this.staticDomain('blocked', IOMMU_DOMAIN_BLOCKED, blockedOps) : null;
    this.identity = (options.identityDomain ?? 'static') === 'static' ? this.staticDomain('identity', IOMMU_DOMAIN_IDENTITY, identityOps) : null;
    const pagingOps: IommuDomainOps = {
      attachDev: (d, dev, old) => this.attachDev(d as MockDomain, dev, old),
      ...(options.pasid === false ? {} : { setDevPasid: this.pagingSetDevPasid }),
      mapPages: (d, iova, paddr, pgsize, pgcount, prot) => this.mapPages(d as MockDomain, iova, paddr, pgsize, pgcount, prot),
      unmapPages: (d, iova, pgsize, pgcount, gather) => this.unmapPages(d as MockDomain, iova, pgsize, pgcount, gather),
      iotlbSyncMap: (d, iova, size) => this.iotlbSyncMap(d as MockDomain, iova, size),
      iotlbSync: (d, gather) => this.iotlbSync(d as MockDomain, gather),
      iovaToPhys: (d, iova) => this.iovaToPhys(d as MockDomain, iova),
      free: (d) => this.domainFree(d as MockDomain),
    };
    const legacy = options.legacyDefaultDomain ?? 'none';
    const release = options.releaseDomain ?? 'none';
    this.ops = {
      name: 'mock',
      owner: this.module,
      capable: (_dev, cap) => cap === IOMMU_CAP_CACHE_COHERENCY,
      probeDevice: (dev) => this.probeDevice(dev),
      releaseDevice: (dev) => this.releaseDevice(dev),
      ...(options.probeFinalize === true ? { probeFinalize: (dev: Device) => this.probeFinalize(dev) } : {}),
      deviceGroup: (dev) => this.deviceGroup(dev),
      isAttachDeferred: (dev) => (options.deferredAttach ?? []).includes(dev.name),
      defDomainType: (dev) => {
        const t = options.defDomainType?.[dev.name];
        return t === 'identity' ? IOMMU_DOMAIN_IDENTITY : t === 'dma' ? IOMMU_DOMAIN_DMA : 0;
      },
      domainAllocPagingFlags: (dev, flags) => this.domainAllocPagingFlags(dev, flags),
      ...((options.identityDomain ?? 'static') === 'alloc' ? { domainAllocIdentity: (dev: Device) => this.domainAllocIdentity(dev) } : {}),
      getResvRegions: (dev, list) => this.getResvRegions(dev, list),
      identityDomain: this.identity,
      blockedDomain: this.blocked,
      releaseDomain: release === 'blocked' ? this.blocked : release === 'identity' ? this.identity : null,
      defaultDomain: legacy === 'identity' ? this.identity : legacy === 'blocked' ? this.blocked : null,
      defaultDomainOps: pagingOps,
      pgsizeBitmap: MOCK_IO_PAGE_SIZE,
      oracle: this.oracle,
    };
  }

  override get label(): string {
    return 'mock_driver';
  }

  private staticDomain(kind: MockDomainKind, type: number, ops: IommuDomainOps): MockDomain {
    const d = new MockDomain(kind, kind);
    d.type = type;
    d.ops = ops;
    return d;
  }

  /** a new instance with its hardware (created in setup; iommu_device_register() publishes it) */
  addInstance(name: string, node: MockIommu['node']): MockIommu {
    const iommu = new MockIommu(name, node, this.options.maxPasids ?? 0x100);
    this.instances.push(iommu);
    return iommu;
  }

  // ---- failure injection ----------------------------------------------------------------

  /** the error a matching fault rule injects into this call, or 0 */
  private injected(cb: MockCallback, dev: Device | null, domain: MockDomain | null): number {
    const rules = this.options.faults ?? [];
    for (let i = 0; i < rules.length; i++) {
      const r: MockFault = rules[i]!;
      if (r.callback !== cb) continue;
      if (r.dev !== undefined && dev?.name !== r.dev) continue;
      if (r.domain !== undefined && domain?.kind !== r.domain) continue;
      const n = ++this.faultCalls[i]!;
      if ((r.nth ?? 1) === 0 || n === (r.nth ?? 1)) return r.err ?? (cb === 'probe_device' ? -ENODEV : -ENOMEM);
    }
    return 0;
  }

  private injectedNull(dev: Device): boolean {
    return (this.options.faults ?? []).some((r) => r.callback === 'device_group' && r.returnNull === true && (r.dev === undefined || r.dev === dev.name));
  }

  // ---- probe / release -------------------------------------------------------------------

  private instanceFor(dev: Device): MockIommu | null {
    const fwspec = devIommuFwspecGet(dev);
    if (fwspec === null) return null;
    return this.instances.find((i) => i.fwnode === fwspec.iommuFwnode) ?? null;
  }

  /** mock_probe_device() */
  private *probeDevice(dev: Device): Gen<ErrPtr<IommuDevice>> {
    const iommu = this.instanceFor(dev);
    if (iommu === null) return -ENODEV;
    const err = this.injected('probe_device', dev, null);
    if (err !== 0) return err;
    const fwspec = devIommuFwspecGet(dev)!;
    const mdev = yield* kzalloc(() => new MockDev(dev, iommu, fwspec.ids.length > 0 ? [...fwspec.ids] : [0]));
    if (mdev === null) return -ENOMEM;
    for (const sid of mdev.sids) iommu.sidUsers.set(sid, (iommu.sidUsers.get(sid) ?? 0) + 1);
    devIommuPrivSet(dev, mdev);
    return iommu;
  }

  /** mock_probe_finalize(): may call back into the core, so no core lock may be held (I14) */
  private *probeFinalize(dev: Device): Gen {
    lockdepAssertNotHeld(iommuCore.iommuProbeDeviceLock);
    if (dev.iommuGroup !== null) lockdepAssertNotHeld(dev.iommuGroup.mutex);
  }

  /** mock_release_device(): stop using every domain, then free the per-device state */
  private *releaseDevice(dev: Device): Gen {
    const mdev = devIommuPrivGet<MockDev>(dev);
    // a requester ID another probed device shares (a DMA alias) stays as it is: release_device()
    // "detaches the domain but does not change a shared RID" (seed 003)
    const users = mdev.iommu.sidUsers;
    const own = mdev.sids.filter((sid) => (users.get(sid) ?? 0) <= 1);
    for (const sid of mdev.sids) users.set(sid, (users.get(sid) ?? 1) - 1);
    // without a release_domain the driver parks the RID itself (identity keeps RMRR alive)
    if (this.ops.releaseDomain === null) {
      const t = dev.iommu!.requireDirect ? HW_BYPASS : HW_ABORT;
      for (const sid of own) yield* hwWrite(mdev.iommu.hw.entry(sid), 'rid', t, 'ste_write');
      yield* this.disableAts(dev);
    }
    yield* this.moveUser(mdev.domain, null, mdev);
    mdev.domain = null;
    for (const [pasid, d] of [...mdev.pasids]) {
      for (const sid of own) yield* hwUpdate(mdev.iommu.hw.entry(sid), 'pasids', (e) => e.pasids.delete(pasid), 'pasid_entry_clear');
      yield* this.moveUser(d, null, mdev);
      mdev.pasids.delete(pasid);
    }
    dev.iommu!.priv = null;
    yield* kfree(mdev);
  }

  /** mock device_group: PCI rules, one group per device, or one per instance */
  private *deviceGroup(dev: Device): Gen<ErrPtr<IommuGroup> | null> {
    if (this.injectedNull(dev)) return null;
    const err = this.injected('device_group', dev, null);
    if (err !== 0) return err;
    const mode = this.options.deviceGroup ?? 'pci';
    if (mode === 'single') return yield* genericSingleDeviceGroup(dev);
    if (mode === 'pci' && isPciDev(dev)) return yield* pciDeviceGroup(dev);
    return yield* genericDeviceGroup(dev);
  }

  /** mock get_resv_regions(): the firmware's direct regions (a failed allocation drops one) */
  private *getResvRegions(dev: Device, list: IommuResvRegion[]): Gen {
    for (const r of dev.fw.resv) {
      if (r.type !== IOMMU_RESV_DIRECT && r.type !== IOMMU_RESV_DIRECT_RELAXABLE) continue;
      const region = yield* iommuAllocResvRegion(r.start, r.length, r.prot, r.type);
      if (region === null) return;
      list.push(region);
    }
  }

  // ---- domains ---------------------------------------------------------------------------

  /** mock_domain_alloc_paging_flags() */
  private *domainAllocPagingFlags(dev: Device, flags: number): Gen<ErrPtr<IommuDomain>> {
    if ((flags & ~IOMMU_HWPT_ALLOC_PASID) !== 0) return -EOPNOTSUPP;
    if ((flags & IOMMU_HWPT_ALLOC_PASID) !== 0 && this.options.pasid === false) return -EOPNOTSUPP;
    const err = this.injected('domain_alloc_paging', dev, null);
    if (err !== 0) return err;
    const mock = yield* kzalloc(() => new MockDomain('paging', 'paging'));
    if (mock === null) return -ENOMEM;
    const pt = yield* kzalloc(() => new IoPageTable(mock.label));
    if (pt === null) {
      yield* kfree(mock);
      return -ENOMEM;
    }
    mock.pt = pt;
    mock.pgsizeBitmap = MOCK_IO_PAGE_SIZE;
    mock.geometry.apertureEnd = 0x7fffffff;
    return mock;
  }

  /** mock_domain_alloc_identity(): a per-device identity domain */
  private *domainAllocIdentity(dev: Device): Gen<ErrPtr<IommuDomain>> {
    const err = this.injected('domain_alloc_identity', dev, null);
    if (err !== 0) return err;
    const d = yield* kzalloc(() => new MockDomain('identity', 'identity'));
    if (d === null) return -ENOMEM;
    d.ops = {
      attachDev: (dd, ddev, old) => this.attachDev(dd as MockDomain, ddev, old),
      free: (dd) => this.domainFree(dd as MockDomain),
    };
    return d;
  }

  /** mock_domain_free(): iommufd always unmaps what it mapped, so an UNMANAGED domain must be empty */
  private *domainFree(d: MockDomain): Gen {
    if (d.pt !== null) {
      WARN_ON(d.type === IOMMU_DOMAIN_UNMANAGED && !d.pt.empty, 'WARN_ON(!xa_empty(&mock->pfns))');
      yield* kfree(d.pt);
    }
    yield* kfree(d);
  }

  private translationOf(d: MockDomain): HwTranslation {
    if (d.kind === 'blocked') return HW_ABORT;
    if (d.kind === 'identity') return HW_BYPASS;
    const pt = deref(d.pt, 'mock->pt');
    if (pt.freed) deref(pt, 'mock->pt');
    return hwTranslate(pt);
  }

  /**
   * Move one attachment of mdev from `from` to `to` (either may be null) under the driver's
   * domain lock, which also covers the ATS invalidations of iotlb_sync. Touching a domain after
   * it was freed is a use-after-free.
   */
  private *moveUser(from: MockDomain | null, to: MockDomain | null, mdev: MockDev): Gen {
    if (from === to) return;
    yield* spinLock(this.domainsLock);
    if (from !== null) {
      const users = deref(from, 'mdev->domain').users;
      const n = (users.get(mdev) ?? 0) - 1;
      if (n <= 0) users.delete(mdev);
      else users.set(mdev, n);
    }
    if (to !== null) {
      const users = deref(to, 'domain').users;
      users.set(mdev, (users.get(mdev) ?? 0) + 1);
    }
    yield* spinUnlock(this.domainsLock);
  }

  private *enableAts(dev: Device): Gen {
    if (isPciDev(dev) && pciAtsSupported(dev) && !dev.atsEnabled) yield* pciEnableAts(dev);
  }

  private *disableAts(dev: Device): Gen {
    if (isPciDev(dev) && dev.atsEnabled) yield* pciDisableAts(dev);
  }

  /** mock attach_dev for every kind: program the RID, move the device between domains, ATS */
  private *attachDev(domain: MockDomain, dev: Device, _old: IommuDomain | null): Gen<number> {
    iommuGroupMutexAssert(dev);
    const d = deref(domain, 'domain');
    const mdev = devIommuPrivGet<MockDev | null>(dev);
    // release_device() freed the per-device state: refuse, as s390 did (seed 003, race 1)
    if (mdev === null) return -ENODEV;
    const err = this.injected('attach_dev', dev, d);
    if (err !== 0) return err;
    const t = this.translationOf(d);
    // ATS goes off before the RID leaves a translating domain
    if (t.kind !== 'translate') yield* this.disableAts(dev);
    for (const sid of mdev.sids) yield* hwWrite(mdev.iommu.hw.entry(sid), 'rid', t, 'ste_write');
    if (mdev.domain !== d) {
      yield* this.moveUser(mdev.domain, d, mdev);
      mdev.domain = d;
    }
    // and comes on once the new translation is installed
    if (t.kind === 'translate') yield* this.enableAts(dev);
    return 0;
  }

  private readonly pagingSetDevPasid = (d: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number> =>
    this.setDevPasid(d as MockDomain, dev, pasid, old);

  /** mock set_dev_pasid on a paging domain */
  private *setDevPasid(domain: MockDomain, dev: Device, pasid: number, _old: IommuDomain | null): Gen<number> {
    iommuGroupMutexAssert(dev);
    const d = deref(domain, 'domain');
    const mdev = devIommuPrivGet<MockDev>(dev);
    const err = this.injected('set_dev_pasid', dev, d);
    if (err !== 0) return err;
    const t = this.translationOf(d);
    for (const sid of mdev.sids) yield* hwUpdate(mdev.iommu.hw.entry(sid), 'pasids', (e) => e.pasids.set(pasid, t), 'pasid_entry_write');
    const prev = mdev.pasids.get(pasid) ?? null;
    if (prev !== d) {
      yield* this.moveUser(prev, d, mdev);
      mdev.pasids.set(pasid, d);
    }
    return 0;
  }

  /** the blocked domain's set_dev_pasid: remove the PASID */
  private *blockedSetDevPasid(domain: MockDomain, dev: Device, pasid: number, _old: IommuDomain | null): Gen<number> {
    iommuGroupMutexAssert(dev);
    deref(domain, 'domain');
    const mdev = devIommuPrivGet<MockDev>(dev);
    const err = this.injected('set_dev_pasid', dev, domain);
    if (err !== 0) return err;
    for (const sid of mdev.sids) yield* hwUpdate(mdev.iommu.hw.entry(sid), 'pasids', (e) => e.pasids.delete(pasid), 'pasid_entry_clear');
    const prev = mdev.pasids.get(pasid) ?? null;
    yield* this.moveUser(prev, null, mdev);
    mdev.pasids.delete(pasid);
    if (this.options.lastPasidRestoresRid === true && mdev.pasids.size === 0) {
      // the CD table has no user left: put the RID back on a plain identity/blocked entry
      const sidDomain = iommuDriverGetDomainForDev(dev);
      if (sidDomain !== null && (sidDomain.type === IOMMU_DOMAIN_IDENTITY || sidDomain.type === IOMMU_DOMAIN_BLOCKED)) {
        yield* sidDomain.ops!.attachDev!(sidDomain, dev, sidDomain);
      }
    }
    return 0;
  }

  // ---- map / unmap -------------------------------------------------------------------------

  /** mock_domain_map_pages(): WARN on an overlap; fail_iommufd makes it fail with -ENOENT */
  private *mapPages(
    domain: MockDomain,
    iova: number,
    paddr: number,
    pgsize: number,
    pgcount: number,
    prot: number,
  ): Gen<MapPagesResult> {
    const d = deref(domain, 'domain');
    const pt = deref(d.pt, 'mock->pt');
    if (yield* shouldFail('fail_iommufd')) return { ret: -ENOENT, mapped: 0 };
    const err = this.injected('map_pages', null, d);
    if (err !== 0) return { ret: err, mapped: 0 };
    const size = pgsize * pgcount;
    WARN_ON(pt.overlaps(iova, size), 'WARN_ON(old): mock_domain_map_pages() over a mapped IOVA');
    yield* hwUpdate(pt, 'leaves', (p) => {
      for (let i = 0; i < pgcount; i++) {
        const at = iova + i * pgsize;
        p.leaves.set(at, { iova: at, paddr: paddr + i * pgsize, size: pgsize, prot, start: i === 0, last: i === pgcount - 1 });
      }
    }, 'pte_write');
    return { ret: 0, mapped: size };
  }

  /** mock_domain_unmap_pages(): unmaps must match what was mapped (START/LAST) */
  private *unmapPages(domain: MockDomain, iova: number, pgsize: number, pgcount: number, gather: IommuIotlbGather): Gen<number> {
    const d = deref(domain, 'domain');
    const pt = deref(d.pt, 'mock->pt');
    const size = pgsize * pgcount;
    let first: Leaf | null = null;
    let last: Leaf | null = null;
    yield* hwUpdate(pt, 'leaves', (p) => {
      for (let a = iova; a < iova + size; a += pgsize) {
        const l = p.leaves.get(a);
        if (l === undefined) continue;
        first ??= l;
        last = l;
        p.leaves.delete(a);
      }
    }, 'pte_clear');
    WARN_ON(first !== null && !(first as Leaf).start, 'WARN_ON(ent && !(xa_to_value(ent) & MOCK_PFN_START_IOVA))');
    const lastLeaf = last as Leaf | null;
    const endsHere = lastLeaf !== null && lastLeaf.iova + pgsize === iova + size;
    WARN_ON(endsHere && !lastLeaf!.last, 'WARN_ON(ent && !(xa_to_value(ent) & MOCK_PFN_LAST_IOVA))');
    if (gather.start > iova) gather.start = iova;
    if (gather.end < iova + size - 1) gather.end = iova + size - 1;
    return size;
  }

  private *iotlbSyncMap(domain: MockDomain, _iova: number, _size: number): Gen<number> {
    return this.injected('iotlb_sync_map', null, domain);
  }

  /** the flush after unmap: IOTLB (nothing to model) and the ATC of every ATS user */
  private *iotlbSync(domain: MockDomain, _gather: IommuIotlbGather): Gen {
    const d = deref(domain, 'domain');
    yield* spinLock(this.domainsLock);
    for (const mdev of [...d.users.keys()]) if (mdev.dev.ep.atsEnabled) yield* hwAtcInvalidate(mdev.dev.ep);
    yield* spinUnlock(this.domainsLock);
  }

  private *iovaToPhys(domain: MockDomain, iova: number): Gen<number> {
    const d = deref(domain, 'domain');
    return ioPgtableIovaToPhys(deref(d.pt, 'mock->pt'), iova);
  }

  // ---- the checker's view of the hardware ------------------------------------------------------

  readonly oracle: DriverOracle = {
    installed: (dev, pasid) => {
      const unit = this.unitOf(dev);
      return unit === null ? HW_NONE : unit.hw.installed(dev.fw.ids[0] ?? 0, pasid);
    },
    installedPasids: (dev) => this.unitOf(dev)?.hw.installedPasids(dev.fw.ids[0] ?? 0) ?? new Map(),
    translationOf: (domain) => {
      const d = domain as MockDomain;
      if (d.kind !== 'paging') return this.translationOf(d);
      return d.pt === null ? HW_NONE : hwTranslate(d.pt);
    },
    units: () => this.instances.map((i) => i.hw),
  };

  private unitOf(dev: Device): MockIommu | null {
    return this.instances.find((i) => i.node === dev.fw.iommu) ?? null;
  }
}
