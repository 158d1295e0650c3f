// The driver-boundary contracts (spec core.md §2.8-§2.9, hardware.md §0, §6 H14): what the core
// promises a driver each time it calls an iommu_ops / iommu_domain_ops callback, checked at the
// call site, so every driver (mock, smmuv3, vtd) is checked by the same code. Real drivers rely
// on these promises (arm-smmu-v3 and intel-iommu find the master / dev_pasid to tear down through
// `old`), so a core path that breaks one runs the driver on a wrong premise and is reported here
// even when the driver at hand (the mock) would not notice.
//
// Two halves:
// - the call sites: `driverAttachDev()` and friends, which the core calls instead of the op, each
//   announcing the call (`driverContract()`, sync/check.ts) before it makes it;
// - the table: `contractSite()`, which the checker (core/checks.ts) consults for each announced
//   call: what the contract reads (declared, so partial-order reduction sees it) and the check.
//
// What each contract reads beyond the caller's own locks is the device's hardware entries (the
// locations HwTruth.entryReads() names) or, for a domain free, every entry; a contract that only
// reads the callback's arguments and data the caller's locks protect reads nothing more.
import type { Device } from '../base/device.js';
import { describeTranslation, HW_ABORT, type HwTranslation, sameTranslation } from '../hw/translation.js';
import { configView, describeStale, staleReads, staleTranslations } from '../hw/check/stale.js';
import { atcOutsideAuthority, describeAtcOutside } from '../hw/check/authority.js';
import { frameReferences } from '../hw/check/tables.js';
import { smmuAtsProblem, vtdAtsProblem } from '../hw/check/ats.js';
import type { PhysMemory } from '../hw/memory/phys-memory.js';
import type { HwIommu } from '../hw/unit.js';
import { smmuTagProblems, staleTagOwners, vtdTagProblems } from '../hw/check/tags.js';
import { Smmuv3 } from '../hw/smmuv3/smmu.js';
import { VtdUnit } from '../hw/vtd/vtd.js';
import { type Access, access, type CheckSite, driverContract, driverContractSettled, type DriverCall, type Gen, lockHeldByMe, type ViolationKind } from '../sync/index.js';
import { iommuCore } from './globals.js';
import { IOMMU_NO_PASID } from './domain-types.js';
import type { IommuDomain } from './domain.js';
import type { HwTruth } from './hw-truth.js';
import type { IommuIotlbGather, MapPagesResult } from './ops.js';

// ---- the call sites ------------------------------------------------------------------------

/** domain->ops->attach_dev(domain, dev, old), its contract checked first */
export function* driverAttachDev(domain: IommuDomain, dev: Device, old: IommuDomain | null): Gen<number> {
  yield* driverContract('attach_dev', { domain, dev, old });
  const ret = yield* domain.ops!.attachDev!(domain, dev, old);
  if (ret === 0) yield* driverContractSettled('tags_installed', { dev, after: 'attach_dev' });
  if (ret === 0) yield* driverContractSettled('atc_authority', { dev, domain, pasid: null });
  return ret;
}

/** domain->ops->set_dev_pasid(domain, dev, pasid, old); on the blocked domain it is remove_dev_pasid */
export function* driverSetDevPasid(domain: IommuDomain, dev: Device, pasid: number, old: IommuDomain | null): Gen<number> {
  yield* driverContract('set_dev_pasid', { domain, dev, pasid, old });
  const ret = yield* domain.ops!.setDevPasid!(domain, dev, pasid, old);
  if (ret === 0) yield* driverContractSettled('tags_installed', { dev, after: 'set_dev_pasid', pasid });
  if (ret === 0) yield* driverContractSettled('atc_authority', { dev, domain, pasid });
  return ret;
}

/** domain->ops->map_pages() */
export function* driverMapPages(
  domain: IommuDomain,
  iova: number,
  paddr: number,
  pgsize: number,
  pgcount: number,
  prot: number,
): Gen<MapPagesResult> {
  yield* driverContract('map_pages', { domain, iova, paddr, pgsize, pgcount });
  return yield* domain.ops!.mapPages!(domain, iova, paddr, pgsize, pgcount, prot);
}

/** domain->ops->unmap_pages() */
export function* driverUnmapPages(
  domain: IommuDomain,
  iova: number,
  pgsize: number,
  pgcount: number,
  gather: IommuIotlbGather,
): Gen<number> {
  yield* driverContract('unmap_pages', { domain, iova, pgsize, pgcount });
  return yield* domain.ops!.unmapPages!(domain, iova, pgsize, pgcount, gather);
}

/** domain->ops->free(): nothing may still translate through the domain */
export function* driverDomainFree(domain: IommuDomain): Gen {
  yield* driverContract('domain_free', { domain });
  yield* domain.ops!.free!(domain);
}

/**
 * iommu_unmap()'s iommu_iotlb_sync() returned: H2 over [start, last] (the gathered range). A step
 * of its own when a translation through the domain has caches to check, re-declared if what it
 * reads moved before it ran.
 */
export function* unmapSynced(domain: IommuDomain, start: number, last: number): Gen {
  if (start > last) return;
  yield* driverContractSettled('iotlb_sync', { domain, start, last });
}

/** ops->release_device() */
export function* driverReleaseDevice(release: (dev: Device) => Gen, dev: Device, releaseDomain: IommuDomain | null): Gen {
  yield* driverContract('release_device', { dev, releaseDomain });
  yield* release(dev);
  dev.ghostReleased = true;
}

// ---- the table ---------------------------------------------------------------------------

/** what the contracts read of the system: the hardware truth and where each device's entries are */
export interface ContractSystem {
  readonly truth: HwTruth;
  /** the locations deciding dev's translations (its RID and PASID entries) */
  entryReads(dev: Device): readonly Access[];
  /** every hardware entry of every device */
  readonly allEntries: readonly Access[];
  /** dev shares a hardware entry with another device (a DMA alias, a bridge's requester ID) */
  sharesEntries(dev: Device): boolean;
  /** every device of the program */
  readonly devices: readonly Device[];
}

interface Contract {
  /** what a broken promise is reported as (default driver-contract) */
  readonly kind?: ViolationKind;
  /** what the check reads besides the caller's locks */
  reads(sys: ContractSystem, a: Readonly<Record<string, unknown>>): readonly Access[];
  /** the first broken promise, in words, or null */
  check(sys: ContractSystem, a: Readonly<Record<string, unknown>>): string | null;
}

/** the callbacks and their contracts: one row per callback */
const contracts: Readonly<Record<string, Contract>> = {
  // attach_dev(domain, dev, old): group->mutex held (iommu_group_mutex_assert); neither domain
  // freed; `old` is what the hardware applies to dev's RID right now (drivers tear `old` down:
  // arm_smmu_attach_prepare() removes the master from old's list, intel-iommu's
  // device_block_translation() from old's device list). old NULL: the RID is blocked, bypass or
  // never programmed (what release_device() or firmware leave).
  attach_dev: {
    reads: (sys, a) => entriesUnlessOrdered(sys, a.dev as Device),
    check(sys, a) {
      const dev = a.dev as Device;
      const domain = a.domain as IommuDomain;
      const old = a.old as IommuDomain | null;
      const m = groupMutexHeld(dev, 'attach_dev') ?? live(domain, 'attach_dev', 'domain') ?? live(old, 'attach_dev', 'old');
      if (m !== null) return m;
      // after a failed MUST_SUCCEED switch or revert (the core WARNed) its belief is known wrong
      if (dev.iommuGroup!.ghostNofailFailed) return null;
      return oldMatches(sys, dev, null, old, 'attach_dev');
    },
  },
  // set_dev_pasid(domain, dev, pasid, old): group->mutex held; a real PASID below max_pasids;
  // `old` is what the hardware has for that PASID (NULL: no PASID entry). On the blocked domain
  // it is remove_dev_pasid(), whose precondition is that something is attached (old non-NULL).
  set_dev_pasid: {
    reads: (sys, a) => entriesUnlessOrdered(sys, a.dev as Device),
    check(sys, a) {
      const dev = a.dev as Device;
      const domain = a.domain as IommuDomain;
      const old = a.old as IommuDomain | null;
      const pasid = a.pasid as number;
      const m = groupMutexHeld(dev, 'set_dev_pasid') ?? live(domain, 'set_dev_pasid', 'domain') ?? live(old, 'set_dev_pasid', 'old');
      if (m !== null) return m;
      if (pasid === IOMMU_NO_PASID) return `set_dev_pasid(${dev.label}) with IOMMU_NO_PASID`;
      const max = dev.iommu?.maxPasids ?? 0;
      if (pasid >= max) return `set_dev_pasid(${dev.label}, pasid ${pasid}) beyond max_pasids ${max}`;
      const removing = domain === blockedDomainOf(dev);
      if (removing && old === null) return `remove_dev_pasid(${dev.label}, pasid ${pasid}) with nothing attached (old NULL)`;
      // a PASID whose rollback failed (the core WARNed) is in no known state until set again
      if (dev.iommuGroup!.ghostPasidRevertFailed.has(pasid)) return null;
      return oldMatches(sys, dev, pasid, old, removing ? 'remove_dev_pasid' : 'set_dev_pasid');
    },
  },
  // iommu_driver_get_domain_for_dev(dev) from inside a callback (group->mutex held): drivers
  // act on the answer as on the domain the RID is attached to (arm_smmu_blocking_set_dev_pasid()
  // re-attaches it when it is blocked or identity), so it must be what the hardware has for the
  // RID. Checked in the querying step: every writer of dev's entries holds the group mutex, which
  // the caller holds.
  get_domain_for_dev: {
    reads: () => [],
    check(sys, a) {
      const dev = a.dev as Device;
      const answer = a.answer as IommuDomain | null;
      if (answer === null || dev.iommuGroup?.ghostNofailFailed === true || sys.sharesEntries(dev)) return null;
      const now = sys.truth.installed(dev, null);
      if (now.kind === 'none' || sameTranslation(now, sys.truth.translationOf(answer))) return null;
      return `iommu_driver_get_domain_for_dev(${dev.label}) answered ${answer.label} but the hardware has its RID on ${describeTranslation(now)}`;
    },
  },
  // map_pages / unmap_pages: a live paging domain, a page size the domain supports, IOVA and
  // (for map) the physical address aligned to it, at least one page, inside the aperture
  map_pages: {
    reads: () => [],
    check: (_sys, a) => pageArgs(a, 'map_pages', true),
  },
  unmap_pages: {
    reads: () => [],
    check: (_sys, a) => pageArgs(a, 'unmap_pages', false),
  },
  // domain free: no RID or PASID entry of any device translates through it any more
  domain_free: {
    reads: (sys) => sys.allEntries,
    check(sys, a) {
      const domain = a.domain as IommuDomain;
      if (domain.freed) return `ops->free(${domain.label}) of a freed domain`;
      const t = sys.truth.translationOf(domain);
      if (t.kind !== 'translate' && t.kind !== 'nested') return null;
      for (const unit of sys.truth.units()) {
        for (const e of unit.all()) {
          if (sameTranslation(e.t, t)) {
            return `ops->free(${domain.label}) while ${unit.name} stream 0x${e.sid.toString(16)} ${e.pasid === null ? 'RID' : `PASID ${e.pasid}`} still translates through it`;
          }
        }
      }
      return null;
    },
  },
  // H5/H6 (hardware.md §6): attach_dev or set_dev_pasid returned 0, so the driver has written and
  // synced the entry carrying the domain's tag (ASID/VMID, DID): no tag walks two different
  // tables (system-wide for SMMUv3 ASIDs, per unit for VMIDs and DIDs), the reserved tags are
  // where they may be, and the TLB holds nothing a previous owner of a tag installed now left.
  // H7: the driver invalidated the configuration it wrote and waited for the fence before it
  // reported the attach done, so what a DMA of dev's RID (and of the PASID set) would use from
  // the configuration caches is what memory holds (configView()). H9/H10: with ATS enabled on
  // dev, its STE has EATS=TRANS and translates / its context entry allows device-TLB requests.
  // Reads every entry, each unit's TLB and configuration caches, dev's ATS enable.
  // Units with tags of their own only (SMMUv3, VT-d).
  tags_installed: {
    kind: 'invariant',
    reads: (sys, a) => tagReads(sys, a.dev as Device),
    check(sys, a) {
      const hw = hwUnits(sys);
      if (hw.length === 0) return null;
      const out = [
        ...smmuTagProblems(hw.filter((u): u is Smmuv3 => u instanceof Smmuv3)),
        ...vtdTagProblems(hw.filter((u): u is VtdUnit => u instanceof VtdUnit)),
        ...hw.flatMap((u) => staleTagOwners(u)),
        ...attachedConfigProblems(sys, a.dev as Device, a.pasid as number | undefined),
      ];
      return out.length === 0 ? null : `${out.join('; ')} (after ${a.after as string}(${(a.dev as Device).label}) returned 0)`;
    },
  },
  // H2 (hardware.md §6): iommu_unmap()'s iotlb_sync returned, so the driver's invalidations of
  // the unmapped range and their fences (arm-smmu-v3's TLBI + CMD_SYNC then ATC_INV + CMD_SYNC,
  // intel-iommu's cache-tag flush and wait descriptor) are done: no IOTLB, walk cache, config
  // cache or ATC entry of a device attached to the domain may still translate the range other
  // than the tables do. Checked where the spec states it (after the return) rather than inside
  // the fence's step: a driver that forgets its invalidation issues no fence at all. Units with
  // caches of their own only (SMMUv3, VT-d); the mock's IOTLB has its own H2 (checks.ts).
  iotlb_sync: {
    kind: 'stale-translation',
    reads: (sys, a) => staleSites(sys, a, true).reads,
    check(sys, a) {
      const out: string[] = [];
      const [start, last] = [a.start as number, a.last as number];
      for (const s of staleSites(sys, a, false).sites) {
        const hits = staleTranslations(s.unit, s.dev.ep, s.sid, s.pasid, start, last, STALE_MAX_PAGES);
        for (const h of hits) out.push(describeStale(s.unit, s.sid, s.pasid, h));
      }
      if (out.length === 0) return null;
      const d = a.domain as IommuDomain;
      return `H2: iommu_unmap(${d.label}, IOVA 0x${(a.start as number).toString(16)}-0x${(a.last as number).toString(16)}) synced its IOTLB but ${out.join('; ')}`;
    },
  },
  // H1's ATC half (hardware.md §6 H1, H8): attach_dev (the reset hooks' blocking too) or
  // set_dev_pasid / remove_dev_pasid returned 0, so the driver's entry change, its configuration
  // invalidation, its ATC invalidation and their fences are done: every translation dev's ATC
  // holds for that RID (pasid null) or PASID comes from a table in authority(D) as installed in
  // memory now, or reaches only pages such a table maps (hw/check/authority.ts
  // `atcOutsideAuthority()`). An entry filled through the old domain and left by a skipped,
  // early or unfenced ATC invalidation fails. Reported as dma-isolation: it is H1's "after a
  // detach/replace returns, no DMA from D reaches a page mapped only in the old domain" (the next
  // DMA hitting the entry lands there with nothing else to stop it), not H2's unmap. Reads dev's
  // ATC and entries (and, when an entry needs the page-set test, the frames of D's tables); none
  // for a function without ATS.
  atc_authority: {
    kind: 'dma-isolation',
    reads: (sys, a) => atcAuthoritySite(sys, a)?.reads ?? [],
    check(sys, a) {
      const site = atcAuthoritySite(sys, a);
      if (site === null || site.problems.length === 0) return null;
      const dev = a.dev as Device;
      const pasid = a.pasid as number | null;
      const domain = a.domain as IommuDomain;
      const call =
        pasid === null
          ? `attach_dev(${domain.label}, ${dev.label})`
          : `${domain === blockedDomainOf(dev) ? 'remove_dev_pasid' : 'set_dev_pasid'}(${domain.label}, ${dev.label}, pasid ${pasid})`;
      return `H1: ${call} returned 0 but ${site.problems.join('; ')}`;
    },
  },
  // H4 (hardware.md §6): a page of an IO page table goes back to the allocator (hw/pgtable's
  // freeTablePages(), where the drivers free table pages after their walk-covering invalidation):
  // no unit on that memory may still reach it, from an installed entry through the tables, from
  // a walk-cache entry or from a cached configuration (frameReferences(), hw/check/tables.ts). A
  // walk cache still holding it is the missing or late invalidation H4 is about; the next walk
  // through it reads whatever the page's next owner writes. Reads every entry, the table pages
  // reachable from them and each unit's caches; reported as `invariant`, not fatal, as H5/H6.
  table_free: {
    kind: 'invariant',
    reads: (sys, a) => tableFreeReads(sys, a.mem as PhysMemory),
    check(sys, a) {
      const units = hwUnits(sys).filter((u) => u.mem === a.mem);
      const out: string[] = [];
      for (const pfn of a.pfns as readonly number[]) {
        const refs = frameReferences(units, pfn);
        if (refs.length > 0) out.push(`page-table frame 0x${pfn.toString(16)} freed while ${refs.join('; ')} still point${refs.length === 1 ? 's' : ''} at it`);
      }
      return out.length === 0 ? null : `H4: ${out.join('; ')}`;
    },
  },
  // release_device(dev): group->mutex held by the caller (iommu_deinit_device()); with a
  // release_domain the core attached it first (unless the attach was deferred and never made),
  // so the driver finds the RID on it
  release_device: {
    // without a release domain there is nothing to compare: no read, no step
    reads: (sys, a) => (a.releaseDomain === null ? [] : entriesUnlessOrdered(sys, a.dev as Device)),
    check(sys, a) {
      const dev = a.dev as Device;
      const rd = a.releaseDomain as IommuDomain | null;
      if (rd === null || dev.iommu?.attachDeferred === true || sys.sharesEntries(dev)) return null;
      const now = sys.truth.installed(dev, null);
      if (now.kind === 'none' || sameTranslation(now, sys.truth.translationOf(rd))) return null;
      return `release_device(${dev.label}) with its RID on ${describeTranslation(now)}, not on the release domain ${rd.label}`;
    },
  },
};

/** the check of one announced driver call, or null when the callback has no contract */
export function contractSite(sys: ContractSystem, call: DriverCall): CheckSite | null {
  const c = contracts[call.callback];
  if (c === undefined) return null;
  const a = call.args;
  return { reads: c.reads(sys, a), run: () => c.check(sys, a), kind: c.kind ?? 'driver-contract', fatal: false };
}

/**
 * What `atc_authority` reads and finds for (a.dev, a.pasid): null when dev is not behind a unit
 * with caches of its own or has no ATS (its ATC is never filled).
 */
function atcAuthoritySite(
  sys: ContractSystem,
  a: Readonly<Record<string, unknown>>,
): { reads: Access[]; problems: string[] } | null {
  const dev = a.dev as Device;
  if (!dev.ep.atsCapable) return null;
  const path = sys.truth.dmaPath?.(dev) ?? null;
  if (path === null || !('transact' in path.unit)) return null;
  const unit = path.unit as HwIommu;
  // ATS disabled: the function sends every DMA untranslated and uses nothing its ATC holds (the
  // drivers flush the ATC before they enable ATS again; a reset clears it)
  if (!dev.ep.atsEnabled) return { reads: [access(dev.ep, 'atsEnabled')], problems: [] };
  const reads: Access[] = [access(dev.ep, 'atsEnabled'), access(dev.ep, 'atc'), ...entriesUnlessOrdered(sys, dev)];
  const r = atcOutsideAuthority(unit, dev.ep, path.sid, a.pasid as number | null, reads);
  return { reads, problems: r.outside.map((o) => describeAtcOutside(unit, dev.ep, path.sid, o, r.auth)) };
}

/** the units with caches and tags of their own (SMMUv3, VT-d) */
function hwUnits(sys: ContractSystem): HwIommu[] {
  return sys.truth.units().filter((u): u is HwIommu => 'transact' in u);
}

/**
 * what the checks after an attach read: every device's entries (and what they lead to), every
 * unit's TLB and configuration caches, the attached device's ATS enable
 */
function tagReads(sys: ContractSystem, dev: Device): readonly Access[] {
  const hw = hwUnits(sys);
  if (hw.length === 0) return [];
  const reads: Access[] = [...sys.allEntries];
  for (const u of hw) {
    if (u instanceof Smmuv3) reads.push(access(u.tlb), access(u.cfg));
    else if (u instanceof VtdUnit) reads.push(access(u.tlb), access(u.ctxCache), access(u.pasidCache));
  }
  reads.push(access(dev.ep, 'atsEnabled'));
  return reads;
}

/**
 * H7 and H9/H10 for a device an attach_dev (pasid undefined) or set_dev_pasid just returned 0 on:
 * its RID's (and that PASID's) configuration as a DMA would use it equals memory; with ATS
 * enabled, its entry lets translated traffic in.
 */
function attachedConfigProblems(sys: ContractSystem, dev: Device, pasid: number | undefined): string[] {
  const path = sys.truth.dmaPath?.(dev) ?? null;
  if (path === null || !(path.unit instanceof Smmuv3 || path.unit instanceof VtdUnit)) return [];
  const unit = path.unit;
  const out: string[] = [];
  for (const p of pasid === undefined ? [null] : [pasid]) {
    const v = configView(unit, path.sid, p);
    if (!v.stale) continue;
    const where = `${unit.name} sid 0x${path.sid.toString(16)}${p === null ? ' RID' : ` PASID ${p}`}`;
    out.push(`H7: ${where}: a DMA would use ${describeTranslation(v.effective)} from the configuration cache, memory holds ${describeTranslation(v.installed)}`);
  }
  const ats = unit instanceof Smmuv3 ? smmuAtsProblem(unit, path.sid, dev.ep) : vtdAtsProblem(unit, path.sid, dev.ep);
  if (ats !== null) out.push(ats);
  return out;
}

/**
 * What H4 at a table free reads: every device's entries, the table pages reachable from what is
 * installed (their pointers), and each unit's TLB (walk caches) and configuration caches, of the
 * units on `mem`. Empty when no unit with caches is on it (the mock's tables).
 */
function tableFreeReads(sys: ContractSystem, mem: PhysMemory): readonly Access[] {
  const units = hwUnits(sys).filter((u) => u.mem === mem);
  if (units.length === 0) return [];
  const reads: Access[] = [...sys.allEntries];
  const pages = new Set<number>();
  for (const u of units) {
    if (u instanceof Smmuv3) reads.push(access(u.tlb), access(u.cfg));
    else if (u instanceof VtdUnit) reads.push(access(u.tlb), access(u.ctxCache), access(u.pasidCache));
    for (const r of u.reachableTableFrames()) {
      if (pages.has(r.pfn)) continue;
      pages.add(r.pfn);
      reads.push(access(mem.page(r.pfn)));
    }
  }
  return reads;
}

/** does a TLB of a unit with caches, or the ATC of a function behind one, hold a leaf over [start, last]? Notes what it read. */
function cachesHold(sys: ContractSystem, start: number, last: number, reads: Access[]): boolean {
  const over = (l: { iova: number; size: number }): boolean => l.iova <= last && l.iova + l.size - 1 >= start;
  let held = false;
  for (const u of hwUnits(sys)) {
    if (u instanceof Smmuv3 || u instanceof VtdUnit) reads.push(access(u.tlb));
    if (!held && u.cachedLeaves().some((h) => over(h.leaf))) held = true;
  }
  for (const dev of sys.devices) {
    const path = sys.truth.dmaPath!(dev);
    if (path === null || !('transact' in path.unit)) continue;
    reads.push(access(dev.ep, 'atc'));
    if (!held && dev.ep.atc.all().some((e) => over(e.leaf))) held = true;
  }
  return held;
}

/** pages of an unmapped range H2 probes (a larger unmap is checked on its first ones) */
const STALE_MAX_PAGES = 64;

interface StaleSite {
  readonly dev: Device;
  readonly unit: HwIommu;
  readonly sid: number;
  readonly pasid: number | null;
}

/**
 * The (device, PASID) translations through `a.domain` on a unit with caches of its own, and what
 * checking them reads: every such device's entries (which say whether it is attached) and, per
 * translation, what staleTranslations() reads (staleReads()).
 */
function staleSites(
  sys: ContractSystem,
  a: Readonly<Record<string, unknown>>,
  withReads: boolean,
): { sites: StaleSite[]; reads: Access[] } {
  const sites: StaleSite[] = [];
  const reads: Access[] = [];
  const domain = a.domain as IommuDomain;
  if (sys.truth.dmaPath === undefined) return { sites, reads };
  // nothing to be stale when no TLB or ATC holds a leaf over the range: then that is all the
  // check reads (the common case; it keeps the step off the entries and configuration caches)
  if (!cachesHold(sys, a.start as number, a.last as number, reads)) return { sites, reads: withReads ? reads : [] };
  let want: HwTranslation | null = null;
  for (const dev of sys.devices) {
    const path = sys.truth.dmaPath(dev);
    if (path === null || !('transact' in path.unit)) continue;
    const unit = path.unit as HwIommu;
    if (withReads) for (const r of sys.entryReads(dev)) reads.push(r);
    want ??= sys.truth.translationOf(domain);
    const on: (number | null)[] = [];
    if (sameTranslation(sys.truth.installed(dev, null), want)) on.push(null);
    for (const [pasid, t] of sys.truth.installedPasids(dev)) if (sameTranslation(t, want)) on.push(pasid);
    for (const pasid of on) {
      sites.push({ dev, unit, sid: path.sid, pasid });
      if (withReads) staleReads(unit, dev.ep, path.sid, pasid, a.start as number, a.last as number, reads, STALE_MAX_PAGES);
    }
  }
  return { sites, reads };
}

/** the callbacks that have a contract (docs, tests) */
export const contractCallbacks: readonly string[] = Object.keys(contracts);

/**
 * What a contract on dev's hardware entries must declare. Every write of a device's entries is
 * made by a driver callback the core calls with the device's group mutex held (attach_dev,
 * set_dev_pasid, release_device, the reset hooks), so a caller holding that mutex reads them as
 * data its lock protects (rt/check.ts, kind 1) and needs no step of its own. The historical
 * release orders (patch releaseOrder=old or reversal2022) and the unwind of a failed probe call
 * release_device without it: then, and for a caller without the mutex, the entries are declared.
 */
function entriesUnlessOrdered(sys: ContractSystem, dev: Device): readonly Access[] {
  // the historical orders also clear dev->iommu_group outside the mutex (v5.19's
  // iommu_group_remove_device()): then the pointer is a read of the contract as well, and the
  // contract always takes its step (whether it needs one must not hang on an unyielded read)
  if (iommuCore.patches.releaseOrder !== 'final') return [access(dev, 'iommuGroup'), ...sys.entryReads(dev)];
  const g = dev.iommuGroup;
  if (g !== null && lockHeldByMe(g.mutex)) return [];
  return sys.entryReads(dev);
}

// ---- the promises --------------------------------------------------------------------------

function groupMutexHeld(dev: Device, cb: string): string | null {
  const g = dev.iommuGroup;
  if (g === null) return `${cb}(${dev.label}) for a device with no group`;
  return lockHeldByMe(g.mutex) ? null : `${cb}(${dev.label}) without ${g.label}->mutex held`;
}

function live(d: IommuDomain | null, cb: string, what: string): string | null {
  return d !== null && d.freed ? `${cb}: ${what} ${d.label} is freed` : null;
}

function blockedDomainOf(dev: Device): IommuDomain | null {
  // the ops table is static: reading it is reading the driver's text
  return dev.iommu?.iommuDev == null ? null : dev.iommu.iommuDev.ops.blockedDomain;
}

/** `old` names what the hardware applies to dev's RID (pasid null) or PASID right now */
function oldMatches(sys: ContractSystem, dev: Device, pasid: number | null, old: IommuDomain | null, cb: string): string | null {
  // an entry another device shares (a DMA alias, a bridge's requester ID) shows whichever
  // device's attachment wrote it last, while `old` is this device's in the core's bookkeeping
  // (spec core.md §2.9): the hardware cannot say which attachment is this device's
  if (sys.sharesEntries(dev)) return null;
  const where = pasid === null ? `${dev.label} RID` : `${dev.label} PASID ${pasid}`;
  let now: HwTranslation;
  if (pasid === null) {
    now = sys.truth.installed(dev, null);
    // never programmed (firmware's state, a deferred attach): the core's belief is all there is
    if (now.kind === 'none') return null;
    // the same for a deferred device probed again after the driver's release_device() parked its
    // RID (a failed probe's unwind): the park is the driver's, not an attachment of the core's (I13)
    if (dev.iommu?.attachDeferred === true && dev.ghostReleased && (now.kind === 'abort' || now.kind === 'bypass')) return null;
    if (old === null) {
      return now.kind === 'abort' || now.kind === 'bypass' ? null : `${cb}: old is NULL but the hardware has ${where} on ${describeTranslation(now)}`;
    }
  } else {
    // no PASID entry is what attaching the blocked domain to a PASID leaves: the same as abort
    now = sys.truth.installedPasids(dev).get(pasid) ?? HW_ABORT;
    if (old === null) return now.kind === 'abort' ? null : `${cb}: old is NULL but the hardware has ${where} on ${describeTranslation(now)}`;
  }
  const want = sys.truth.translationOf(old);
  if (sameTranslation(now, want)) return null;
  return `${cb}: old is ${old.label} (${describeTranslation(want)}) but the hardware has ${where} on ${describeTranslation(now)}`;
}

function pageArgs(a: Readonly<Record<string, unknown>>, cb: string, withPaddr: boolean): string | null {
  const d = a.domain as IommuDomain;
  const iova = a.iova as number;
  const pgsize = a.pgsize as number;
  const pgcount = a.pgcount as number;
  if (d.freed) return `${cb}(${d.label}) of a freed domain`;
  if (pgsize <= 0 || (pgsize & (pgsize - 1)) !== 0 || (d.pgsizeBitmap & pgsize) === 0) {
    return `${cb}(${d.label}): page size 0x${pgsize.toString(16)} not in pgsize_bitmap 0x${d.pgsizeBitmap.toString(16)}`;
  }
  if (pgcount < 1) return `${cb}(${d.label}): pgcount ${pgcount}`;
  if (iova % pgsize !== 0) return `${cb}(${d.label}): IOVA 0x${iova.toString(16)} not aligned to 0x${pgsize.toString(16)}`;
  if (withPaddr && (a.paddr as number) % pgsize !== 0) return `${cb}(${d.label}): paddr 0x${(a.paddr as number).toString(16)} not aligned to 0x${pgsize.toString(16)}`;
  const last = iova + pgsize * pgcount - 1;
  if (d.geometry.forceAperture && (iova < d.geometry.apertureStart || last > d.geometry.apertureEnd)) {
    return `${cb}(${d.label}): [0x${iova.toString(16)}, 0x${last.toString(16)}] outside the aperture`;
  }
  return null;
}
