// The mock IOMMU driver (the kernel selftests' mock, spec hardware.md §5): paging, identity and
// blocked domains, PASID support, ATS per device, require_direct through firmware regions,
// max_pasids, static or allocated blocked/identity domains, and failure injection for each
// callback. It programs its hardware (the Machine's stream table of each instance).
//
// Like a kernel driver, its callbacks are static functions in static tables (`static const
// struct iommu_ops`); they reach the driver's state through what they are handed: the device's
// private data (dev_iommu_priv_get), the domain (to_mock_domain), the instance behind a firmware
// node (dev_get_drvdata). One boot's driver state is a MockDriver (its module statics).
import { type Device, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE } from '../../base/device.js';
import { Module } from '../../base/module.js';
import { devIommuFwspecGet, devIommuPrivGet, devIommuPrivSet } from '../../core/dev-iommu.js';
import type { IommuFwspec } from '../../core/fwspec.js';
import { genericDeviceGroup, genericSingleDeviceGroup, pciDeviceGroup } from '../../core/device-group.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_IDENTITY, IOMMU_DOMAIN_UNMANAGED, IOMMU_HWPT_ALLOC_PASID } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import type { IommuGroup } from '../../core/group.js';
import type { IommuDevice } from '../../core/iommu-device.js';
import type { IommuDomainOps, IommuIotlbGather, IommuOps, MapPagesResult } from '../../core/ops.js';
import { IOMMU_CAP_CACHE_COHERENCY } from '../../core/ops.js';
import { iommuCore } from '../../core/globals.js';
import { iommuDriverGetDomainForDev } from '../../core/query.js';
import { iommuAllocResvRegion, type IommuResvRegion } from '../../core/resv.js';
import { hwAtcInvalidate } from '../../hw/endpoint.js';
import { IoPageTable, ioPgtableIovaToPhys, ioPgtableTag, type Leaf } from '../../hw/io-pgtable.js';
import { HW_ABORT, HW_BYPASS, type HwTranslation, hwTranslate } from '../../hw/translation.js';
import { pciDisableAts, pciEnableAts } from '../../pci/ats.js';
import { isPciDev, pciAtsSupported } from '../../pci/pci.js';
import {
  asOracle,
  atomicUpdate,
  readOnceDeref,
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
  readOnce,
  shouldFail,
  Spinlock,
  spinLock,
  spinUnlock,
  WARN_ON,
  writeOnce,
} from '../../sync/index.js';
import { MockDev } from './device.js';
import { MockDomain, type MockDomainKind } from './domain.js';
import { MockIommu } from './iommu.js';
import type { MockCallback, MockFault, MockOptions } from './options.js';

/** iommu_group_mutex_assert(): attach_dev and set_dev_pasid run under the device's group mutex (I14) */
function iommuGroupMutexAssert(dev: Device): void {
  // a lockdep assertion: a check, not one of the model's accesses (the yield rule's checker)
  const group = asOracle(() => dev.iommuGroup);
  if (group !== null) lockdepAssertHeld(group.mutex);
}

/** MOCK_IO_PAGE_SIZE: one page size, so map/unmap calls match the user's ranges */
export const MOCK_IO_PAGE_SIZE = 4096;

/** the driver's state in one boot (its module statics): module, ops, static domains, instances */
export class MockDriver extends KObject {
  readonly module = new Module('iommu_mock');
  readonly ops: IommuOps;
  readonly instances: MockIommu[] = [];
  /** mock_domains_lock: protects every mock domain's users (attach/detach vs. the invalidations of iotlb_sync) */
  readonly domainsLock = new Spinlock('mock_domains_lock', null);
  readonly blocked: MockDomain | null;
  readonly identity: MockDomain | null;
  /** calls seen per fault rule (failure injection) */
  readonly faultCalls: number[];

  constructor(readonly options: MockOptions = {}) {
    super();
    this.faultCalls = (options.faults ?? []).map(() => 0);
    this.blocked = (options.blockedDomain ?? 'static') === 'static' ? staticDomain(this, 'blocked', IOMMU_DOMAIN_BLOCKED, mockBlockedOps) : null;
    this.identity = (options.identityDomain ?? 'static') === 'static' ? staticDomain(this, 'identity', IOMMU_DOMAIN_IDENTITY, mockIdentityOps) : null;
    const legacy = options.legacyDefaultDomain ?? 'none';
    const release = options.releaseDomain ?? 'none';
    // the knobs choose which callbacks the table has, as a driver's Kconfig and hardware features do
    this.ops = {
      name: 'mock',
      owner: this.module,
      capable: mockCapable,
      probeDevice: mockProbeDevice,
      releaseDevice: mockReleaseDevice,
      ...(options.probeFinalize === true ? { probeFinalize: mockProbeFinalize } : {}),
      // the driver's own knobs, not found again through dev->iommu->iommu_dev (which the probe
      // running them is publishing, and a removal may be freeing: F3)
      deviceGroup: mockDeviceGroup.bind(null, this),
      isAttachDeferred: mockIsAttachDeferred.bind(null, this),
      defDomainType: mockDefDomainType.bind(null, this),
      domainAllocPagingFlags: mockDomainAllocPagingFlags,
      ...((options.identityDomain ?? 'static') === 'alloc' ? { domainAllocIdentity: mockDomainAllocIdentity } : {}),
      getResvRegions: mockGetResvRegions,
      identityDomain: this.identity,
      blockedDomain: this.blocked,
      releaseDomain: release === 'blocked' ? this.blocked : release === 'identity' ? this.identity : null,
      defaultDomain: legacy === 'identity' ? this.identity : legacy === 'blocked' ? this.blocked : null,
      defaultDomainOps: options.pasid === false ? mockPagingOpsNoPasid : mockPagingOps,
      pgsizeBitmap: MOCK_IO_PAGE_SIZE,
    };
  }

  override get label(): string {
    return 'mock_driver';
  }
}

function staticDomain(drv: MockDriver, kind: MockDomainKind, type: number, ops: IommuDomainOps): MockDomain {
  const d = new MockDomain(kind, kind, drv);
  d.type = type;
  d.ops = ops;
  return d;
}

/** the driver's probe of one of its hardware units (setup): its iommu_device, found again through the firmware node */
export function mockProbeUnit(drv: MockDriver, unit: MockIommu['hw'], node: MockIommu['node']): MockIommu {
  const iommu = new MockIommu(unit.name, node, drv.options.maxPasids ?? 0x100, drv, unit);
  node.drvdata = iommu;
  drv.instances.push(iommu);
  return iommu;
}

/** to_mock_domain() */
function toMockDomain(d: IommuDomain): MockDomain {
  return d as MockDomain;
}

// ---- failure injection ----------------------------------------------------------------

/** the error a matching fault rule injects into this call, or 0 */
function mockInjected(drv: MockDriver, cb: MockCallback, dev: Device | null, domain: MockDomain | null): number {
  const rules = drv.options.faults ?? [];
  for (let i = 0; i < rules.length; i++) {
    const r: MockFault = rules[i]!;
    if (r.callback !== cb) continue;
    if (r.dev !== undefined && dev?.name !== r.dev) continue;
    if (r.domain !== undefined && domain?.kind !== r.domain) continue;
    const n = ++drv.faultCalls[i]!;
    if ((r.nth ?? 1) === 0 || n === (r.nth ?? 1)) return r.err ?? (cb === 'probe_device' ? -ENODEV : -ENOMEM);
  }
  return 0;
}

/**
 * The error this call fails with: a fault rule that matches it, else, for a callback listed in
 * `failAsChoice`, the fault plan's decision at a fault point of its own
 */
function* mockFails(
  drv: MockDriver,
  cb: MockCallback,
  dev: Device | null,
  domain: MockDomain | null,
  mayFail = true,
): Gen<number> {
  const err = mockInjected(drv, cb, dev, domain);
  if (err !== 0) return err;
  if (!mayFail || drv.options.failAsChoice?.includes(cb) !== true || (domain !== null && domain.kind !== 'paging')) return 0;
  return (yield* shouldFail(`mock ${cb}`)) ? (cb === 'probe_device' ? -ENODEV : -ENOMEM) : 0;
}

function mockInjectedNull(drv: MockDriver, dev: Device): boolean {
  return (drv.options.faults ?? []).some((r) => r.callback === 'device_group' && r.returnNull === true && (r.dev === undefined || r.dev === dev.name));
}

/** the same in a callback another thread's probe may race (dev->iommu read with READ_ONCE) */
function* mockDriverOfRacy(dev: Device): Gen<MockDriver> {
  const r = yield* readOnceDeref(dev, 'iommu', 'iommuDev');
  deref(r.ptr, 'dev->iommu');
  return (deref(r.value, 'dev->iommu->iommu_dev') as MockIommu).drv;
}

// ---- probe / release -------------------------------------------------------------------

/** mock_capable() */
function mockCapable(_dev: Device, cap: number): boolean {
  return cap === IOMMU_CAP_CACHE_COHERENCY;
}

/** the instance named by a fwspec (driver_find_device_by_fwnode): one this driver probed and registered */
function mockInstanceFor(fwspec: IommuFwspec | null): MockIommu | null {
  if (fwspec === null) return null;
  const node = fwspec.iommuFwnode;
  const iommu = node?.drvdata;
  return iommu instanceof MockIommu && iommu.fwnode === node ? iommu : null;
}

/** mock_probe_device() */
function* mockProbeDevice(dev: Device): Gen<ErrPtr<IommuDevice>> {
  // dev_iommu_fwspec_get() once, like arm_smmu_probe_device()
  const fwspec = yield* devIommuFwspecGet(dev);
  const iommu = mockInstanceFor(fwspec);
  if (iommu === null) return -ENODEV;
  const err = yield* mockFails(iommu.drv, 'probe_device', dev, null);
  if (err !== 0) return err;
  const mdev = yield* kzalloc(() => new MockDev(dev, iommu, fwspec!.ids.length > 0 ? [...fwspec!.ids] : [0]));
  if (mdev === null) return -ENOMEM;
  // the stream IDs' users: one step, as arm_smmu_insert_master() under streams_mutex (a removal's
  // release_device updates them under the group mutex, not the probe lock)
  yield* atomicUpdate(iommu, 'sidUsers', (users) => {
    for (const sid of mdev.sids) users.set(sid, (users.get(sid) ?? 0) + 1);
    return users;
  });
  yield* devIommuPrivSet(dev, mdev);
  return iommu;
}

/** mock_probe_finalize(): may call back into the core, so no core lock may be held (I14) */
function* mockProbeFinalize(dev: Device): Gen {
  lockdepAssertNotHeld(iommuCore.iommuProbeDeviceLock);
  if (dev.iommuGroup !== null) lockdepAssertNotHeld(dev.iommuGroup.mutex);
}

/**
 * The per-device state and the RID's domain in it are written by attach_dev and release_device,
 * both under the group mutex, except in the historical release orders (patch releaseOrder), where
 * release_device() runs without it and races an attach (seed 003, race 1): there they are yielded
 * accesses (the yield rule), so the search sees both orders; in the final order plain ones.
 */
function releaseRacesAttach(): boolean {
  return iommuCore.patches.releaseOrder !== 'final';
}

function* mockPrivOf(dev: Device): Gen<MockDev | null> {
  // dev_iommu_priv_get(): READ_ONCEs (the historical release orders race it with release_device())
  return yield* devIommuPrivGet<MockDev | null>(dev);
}

function* mockRidDomain(mdev: MockDev): Gen<MockDomain | null> {
  return releaseRacesAttach() ? yield* readOnce(mdev, 'domain') : mdev.domain;
}

function* mockSetRidDomain(mdev: MockDev, d: MockDomain | null): Gen {
  if (releaseRacesAttach()) yield* writeOnce(mdev, 'domain', d);
  else mdev.domain = d;
}

/** mock_release_device(): stop using every domain, then free the per-device state */
function* mockReleaseDevice(dev: Device): Gen {
  // dev_iommu_priv_get(): READ_ONCEs; dev->iommu is read once here (a registration's probe in
  // another thread publishes it under the probe lock, which a removal does not hold, F3)
  const r = yield* readOnceDeref(dev, 'iommu', 'priv');
  const param = deref(r.ptr, 'dev->iommu');
  const mdev = r.value as MockDev;
  const drv = mdev.iommu.drv;
  // a requester ID another probed device shares (a DMA alias) stays as it is: release_device()
  // "detaches the domain but does not change a shared RID" (seed 003). One step, as
  // arm_smmu_remove_master() under streams_mutex.
  let own: number[] = [];
  yield* atomicUpdate(mdev.iommu, 'sidUsers', (users) => {
    own = mdev.sids.filter((sid) => (users.get(sid) ?? 0) <= 1);
    for (const sid of mdev.sids) users.set(sid, (users.get(sid) ?? 1) - 1);
    return users;
  });
  // without a release_domain the driver parks the RID itself (identity keeps RMRR alive)
  if (drv.ops.releaseDomain === null) {
    const t = param.requireDirect ? HW_BYPASS : HW_ABORT;
    for (const sid of own) yield* hwWrite(mdev.iommu.hw.entry(sid), 'rid', t, 'ste_write');
    yield* mockDisableAts(dev);
  }
  yield* mockMoveUser(drv, yield* mockRidDomain(mdev), null, mdev);
  yield* mockSetRidDomain(mdev, null);
  for (const [pasid, d] of [...mdev.pasids]) {
    for (const sid of own) yield* hwUpdate(mdev.iommu.hw.entry(sid), 'pasids', (e) => e.pasids.delete(pasid), 'pasid_entry_clear');
    yield* mockMoveUser(drv, d, null, mdev);
    mdev.pasids.delete(pasid);
  }
  // WRITE_ONCE in every release order: the probe's dev_iommu_priv_set() is under the probe lock
  yield* writeOnce(param, 'priv', null);
  yield* kfree(mdev);
}

/** mock device_group: PCI rules, one group per device, or one per instance */
function* mockDeviceGroup(drv: MockDriver, dev: Device): Gen<ErrPtr<IommuGroup> | null> {
  if (mockInjectedNull(drv, dev)) return null;
  const err = yield* mockFails(drv, 'device_group', dev, null);
  if (err !== 0) return err;
  const mode = drv.options.deviceGroup ?? 'pci';
  if (mode === 'single') return yield* genericSingleDeviceGroup(dev);
  if (mode === 'pci' && isPciDev(dev)) return yield* pciDeviceGroup(dev);
  return yield* genericDeviceGroup(dev);
}

/** mock is_attach_deferred() */
function mockIsAttachDeferred(drv: MockDriver, dev: Device): boolean {
  return (drv.options.deferredAttach ?? []).includes(dev.name);
}

/** mock def_domain_type() */
function mockDefDomainType(drv: MockDriver, dev: Device): number {
  const t = drv.options.defDomainType?.[dev.name];
  return t === 'identity' ? IOMMU_DOMAIN_IDENTITY : t === 'dma' ? IOMMU_DOMAIN_DMA : 0;
}

/** mock get_resv_regions(): the firmware's direct regions (a failed allocation drops one) */
function* mockGetResvRegions(dev: Device, list: IommuResvRegion[]): Gen {
  for (const r of dev.fw.resv) {
    if (r.type !== IOMMU_RESV_DIRECT && r.type !== IOMMU_RESV_DIRECT_RELAXABLE) continue;
    const region = yield* iommuAllocResvRegion(r.start, r.length, r.prot, r.type);
    if (region === null) return;
    list.push(region);
  }
}

// ---- domains ---------------------------------------------------------------------------

/** mock_domain_alloc_paging_flags() */
function* mockDomainAllocPagingFlags(dev: Device, flags: number): Gen<ErrPtr<IommuDomain>> {
  const drv = yield* mockDriverOfRacy(dev);
  if ((flags & ~IOMMU_HWPT_ALLOC_PASID) !== 0) return -EOPNOTSUPP;
  if ((flags & IOMMU_HWPT_ALLOC_PASID) !== 0 && drv.options.pasid === false) return -EOPNOTSUPP;
  const err = yield* mockFails(drv, 'domain_alloc_paging', dev, null);
  if (err !== 0) return err;
  const mock = yield* kzalloc(() => new MockDomain('paging', 'paging', drv));
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
function* mockDomainAllocIdentity(dev: Device): Gen<ErrPtr<IommuDomain>> {
  const drv = yield* mockDriverOfRacy(dev);
  const err = yield* mockFails(drv, 'domain_alloc_identity', dev, null);
  if (err !== 0) return err;
  const d = yield* kzalloc(() => new MockDomain('identity', 'identity', drv));
  if (d === null) return -ENOMEM;
  d.ops = mockIdentityAllocOps;
  return d;
}

/** mock_domain_free(): iommufd always unmaps what it mapped, so an UNMANAGED domain must be empty */
function* mockDomainFree(domain: IommuDomain): Gen {
  const d = toMockDomain(domain);
  if (d.pt !== null) {
    WARN_ON(d.type === IOMMU_DOMAIN_UNMANAGED && !d.pt.empty, 'WARN_ON(!xa_empty(&mock->pfns))');
    yield* kfree(d.pt);
  }
  yield* kfree(d);
}

/** the translation attaching `d` programs */
export function mockTranslationOf(d: MockDomain): HwTranslation {
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
function* mockMoveUser(drv: MockDriver, from: MockDomain | null, to: MockDomain | null, mdev: MockDev): Gen {
  if (from === to) return;
  yield* spinLock(drv.domainsLock);
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
  yield* spinUnlock(drv.domainsLock);
}

/**
 * pdev->ats_enabled: the software state the driver keys its ATC invalidations on (like
 * master->ats_enabled), not the function's register, which a reset clears behind its back
 */
function mockAtsEnabled(dev: Device): boolean {
  return isPciDev(dev) && dev.atsEnabled;
}

function* mockEnableAts(dev: Device): Gen {
  if (isPciDev(dev) && pciAtsSupported(dev) && !dev.atsEnabled) yield* pciEnableAts(dev);
}

function* mockDisableAts(dev: Device): Gen {
  if (isPciDev(dev) && dev.atsEnabled) yield* pciDisableAts(dev);
}

/**
 * mock attach_dev for every kind: program the RID, move the device from `old` to the new domain
 * (as arm-smmu-v3 and intel-iommu find the attachment to tear down through `old`), ATS. Like
 * arm-smmu-v3, a blocked or identity RID keeps ATS while PASIDs are in use (the STE stays a
 * CD-table STE with EATS), and drops it otherwise.
 */
function* mockAttachDev(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = deref(toMockDomain(domain), 'domain');
  const mdev = yield* mockPrivOf(dev);
  // release_device() freed the per-device state: refuse, as s390 did (seed 003, race 1)
  if (mdev === null) return -ENODEV;
  // a domain the device had before is accepted again and the default domain never fails: the
  // core relies on both (its rollbacks, its MUST_SUCCEED switches, WARN at probe), so only a
  // first attach of another domain is offered to fail
  // (the mock's failure-injection policy, not a kernel access: dev->iommu_group of a member is stable
  // while its group mutex is held)
  const firstTime = !mdev.hadRid.has(d) && d !== asOracle(() => dev.iommuGroup)?.defaultDomain;
  const err = yield* mockFails(d.drv, 'attach_dev', dev, d, firstTime);
  if (err !== 0) return err;
  mdev.hadRid.add(d);
  const t = mockTranslationOf(d);
  // ATS goes off before the RID leaves a translating domain, unless PASIDs still use it (an
  // arm-smmu-v3-like STE, knob lastPasidRestoresRid)
  const pasidsKeepAts = d.drv.options.lastPasidRestoresRid === true && mdev.pasids.size > 0;
  if (t.kind !== 'translate' && !pasidsKeepAts) yield* mockDisableAts(dev);
  for (const sid of mdev.sids) yield* hwWrite(mdev.iommu.hw.entry(sid), 'rid', t, 'ste_write');
  // the attachment to tear down is the one `old` names (the core's word for what the RID is on)
  const from = old === null ? null : toMockDomain(old);
  if (from !== d) yield* mockMoveUser(d.drv, from, d, mdev);
  yield* mockSetRidDomain(mdev, d);
  // and comes on once the new translation is installed
  if (t.kind === 'translate') yield* mockEnableAts(dev);
  return 0;
}

/** mock set_dev_pasid on a paging domain */
function* mockSetDevPasid(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = deref(toMockDomain(domain), 'domain');
  const mdev = (yield* devIommuPrivGet<MockDev>(dev));
  const err = yield* mockFails(d.drv, 'set_dev_pasid', dev, d);
  if (err !== 0) return err;
  const t = mockTranslationOf(d);
  // like arm_smmu_set_pasid(): which domain the RID is on decides the STE the PASID table hangs
  // off (a CD-table STE whose S1DSS follows a blocked or identity RID); the mock's STE has one shape
  iommuDriverGetDomainForDev(dev);
  for (const sid of mdev.sids) yield* hwUpdate(mdev.iommu.hw.entry(sid), 'pasids', (e) => e.pasids.set(pasid, t), 'pasid_entry_write');
  // a replaced PASID's translations may sit in the ATC: invalidate them (arm_smmu_atc_inv_master)
  if (old !== null && mockAtsEnabled(dev)) yield* hwAtcInvalidate(dev.ep);
  // the attachment replaced is the one `old` names; the blocked domain holds no users
  const from = old === null || toMockDomain(old).kind === 'blocked' ? null : toMockDomain(old);
  if (from !== d) yield* mockMoveUser(d.drv, from, d, mdev);
  mdev.pasids.set(pasid, d);
  // PASID traffic may use ATS: the STE becomes a CD-table STE with EATS (arm-smmu-v3-like, knob
  // lastPasidRestoresRid; the plain mock's ATS follows the RID's domain)
  if (d.drv.options.lastPasidRestoresRid === true) yield* mockEnableAts(dev);
  return 0;
}

/**
 * The blocked domain's set_dev_pasid: remove the PASID (arm_smmu_blocking_set_dev_pasid()):
 * clear the entry, invalidate the function's ATC for it, drop `old`'s attachment; when the last
 * PASID goes, ask the core which domain the RID is on (iommu_driver_get_domain_for_dev()) and,
 * if it is blocked or identity, re-attach it so the STE drops the CD table and ATS.
 */
function* mockBlockedSetDevPasid(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number> {
  iommuGroupMutexAssert(dev);
  const d = toMockDomain(domain);
  deref(d, 'domain');
  const mdev = (yield* devIommuPrivGet<MockDev>(dev));
  const err = yield* mockFails(d.drv, 'set_dev_pasid', dev, d);
  if (err !== 0) return err;
  for (const sid of mdev.sids) yield* hwUpdate(mdev.iommu.hw.entry(sid), 'pasids', (e) => e.pasids.delete(pasid), 'pasid_entry_clear');
  if (mockAtsEnabled(dev)) yield* hwAtcInvalidate(dev.ep);
  yield* mockMoveUser(d.drv, old === null ? null : toMockDomain(old), null, mdev);
  mdev.pasids.delete(pasid);
  if (mdev.pasids.size === 0) {
    // the CD table has no user left: arm-smmu-v3 asks which domain the RID is on and, when it is
    // identity or blocked, re-attaches it so the STE drops the CD table and ATS (knob
    // lastPasidRestoresRid; without it the mock's STE has one shape and only asks)
    const sidDomain = iommuDriverGetDomainForDev(dev);
    if (
      d.drv.options.lastPasidRestoresRid === true &&
      sidDomain !== null &&
      (sidDomain.type === IOMMU_DOMAIN_IDENTITY || sidDomain.type === IOMMU_DOMAIN_BLOCKED)
    ) {
      yield* mockAttachDev(sidDomain, dev, sidDomain);
    }
  }
  return 0;
}

// ---- map / unmap -------------------------------------------------------------------------

/** mock_domain_map_pages(): WARN on an overlap; fail_iommufd makes it fail with -ENOENT */
function* mockMapPages(
  domain: IommuDomain,
  iova: number,
  paddr: number,
  pgsize: number,
  pgcount: number,
  prot: number,
): Gen<MapPagesResult> {
  const d = deref(toMockDomain(domain), 'domain');
  const pt = deref(d.pt, 'mock->pt');
  if (yield* shouldFail('fail_iommufd')) return { ret: -ENOENT, mapped: 0 };
  const err = yield* mockFails(d.drv, 'map_pages', null, d);
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
function* mockUnmapPages(
  domain: IommuDomain,
  iova: number,
  pgsize: number,
  pgcount: number,
  gather: IommuIotlbGather,
): Gen<number> {
  const d = deref(toMockDomain(domain), 'domain');
  const pt = deref(d.pt, 'mock->pt');
  const size = pgsize * pgcount;
  let first: Leaf | null = null;
  let last: Leaf | null = null;
  // the PTE clear opens the grace window the invalidation in iotlb_sync closes (the whole table:
  // its leaves and its unflushed mark)
  yield* hwUpdate(pt, null, (p) => {
    for (let a = iova; a < iova + size; a += pgsize) {
      const l = p.leaves.get(a);
      if (l === undefined) continue;
      first ??= l;
      last = l;
      p.leaves.delete(a);
    }
    if (first !== null) p.unflushed = [...p.unflushed, [iova, iova + size - 1] as const];
  }, 'pte_clear');
  WARN_ON(first !== null && !(first as Leaf).start, 'WARN_ON(ent && !(xa_to_value(ent) & MOCK_PFN_START_IOVA))');
  const lastLeaf = last as Leaf | null;
  const endsHere = lastLeaf !== null && lastLeaf.iova + pgsize === iova + size;
  WARN_ON(endsHere && !lastLeaf!.last, 'WARN_ON(ent && !(xa_to_value(ent) & MOCK_PFN_LAST_IOVA))');
  if (gather.start > iova) gather.start = iova;
  if (gather.end < iova + size - 1) gather.end = iova + size - 1;
  return size;
}

/** mock iotlb_sync_map() */
function* mockIotlbSyncMap(domain: IommuDomain, _iova: number, _size: number): Gen<number> {
  const d = toMockDomain(domain);
  return yield* mockFails(d.drv, 'iotlb_sync_map', null, d);
}

/**
 * mock iotlb_sync(): the flush after unmap: the gathered range in the IOTLB of every instance,
 * completed at once (the invalidation and its fence, one step, which ends the unmap's grace
 * window: `unflushed`, which every DMA through the table reads), then the ATC of every ATS user.
 * The patch toggle `mockNoIotlbInvalidate` leaves the IOTLB out (a driver that forgets its TLBI).
 * Whether a user has ATS on is the driver's flag (SMMUv3's master->ats_enabled, here
 * pdev->ats_enabled), set at attach under the group mutex and read here under the domain lock
 * only: a lockless read.
 */
function* mockIotlbSync(domain: IommuDomain, gather: IommuIotlbGather): Gen {
  const d = deref(toMockDomain(domain), 'domain');
  const pt = deref(d.pt, 'mock->pt');
  if (gather.start <= gather.end) {
    const skip = iommuCore.patches.mockNoIotlbInvalidate;
    const tag = ioPgtableTag(pt);
    yield* hwUpdate(pt, 'unflushed', (p) => {
      if (!skip) for (const inst of d.drv.instances) inst.hw.tlb.invalidateRange(tag, gather.start, gather.end, false);
      // this unmap's window closes; another unmap's, still gathering or syncing, stays open
      p.unflushed = p.unflushed.filter(([first, last]) => first < gather.start || last > gather.end);
    }, skip ? 'cmd_sync' : 'tlbi_range+cmd_sync');
  }
  yield* spinLock(d.drv.domainsLock);
  for (const mdev of [...d.users.keys()]) {
    const dev = mdev.dev;
    if (isPciDev(dev) && (yield* readOnce(dev, 'atsEnabled'))) yield* hwAtcInvalidate(dev.ep);
  }
  yield* spinUnlock(d.drv.domainsLock);
}

/** mock iova_to_phys() */
function* mockIovaToPhys(domain: IommuDomain, iova: number): Gen<number> {
  const d = deref(toMockDomain(domain), 'domain');
  return ioPgtableIovaToPhys(deref(d.pt, 'mock->pt'), iova);
}

// ---- the static tables -------------------------------------------------------------------
// Frozen: a world snapshot (rt/clone.ts) shares them, as every boot shares a driver's text.

const mockBlockedOps: IommuDomainOps = Object.freeze({ attachDev: mockAttachDev, setDevPasid: mockBlockedSetDevPasid });
const mockIdentityOps: IommuDomainOps = Object.freeze({ attachDev: mockAttachDev });
const mockIdentityAllocOps: IommuDomainOps = Object.freeze({ attachDev: mockAttachDev, free: mockDomainFree });
const mockPagingOps: IommuDomainOps = Object.freeze({
  attachDev: mockAttachDev,
  setDevPasid: mockSetDevPasid,
  mapPages: mockMapPages,
  unmapPages: mockUnmapPages,
  iotlbSyncMap: mockIotlbSyncMap,
  iotlbSync: mockIotlbSync,
  iovaToPhys: mockIovaToPhys,
  free: mockDomainFree,
});
/** without PASID support (the `pasid: false` knob): no set_dev_pasid */
const mockPagingOpsNoPasid: IommuDomainOps = Object.freeze({
  attachDev: mockAttachDev,
  mapPages: mockMapPages,
  unmapPages: mockUnmapPages,
  iotlbSyncMap: mockIotlbSyncMap,
  iotlbSync: mockIotlbSync,
  iovaToPhys: mockIovaToPhys,
  free: mockDomainFree,
});
