// The invariants of spec core.md §6 as checker oracles, each with its legitimate windows. They
// compare the core's bookkeeping (groups, pasid_array, owners) with the hardware truth the
// drivers programmed (read through the driver seam's decoders: the HwTruth the caller hands in).
// Called after every step, so a group is checked only at its stable points (its mutex free), as
// the spec defines them.
import type { Device } from '../base/device.js';
import { describeTranslation, type HwTranslation, sameTranslation } from '../hw/translation.js';
import { isPciDev, pciAtsSupported } from '../pci/pci.js';
import { XA_ZERO_ENTRY } from '../sync/index.js';
import type { IommuDomain } from './domain.js';
import { iommuCore } from './globals.js';
import type { IommuGroup } from './group.js';
import type { HwTruth } from './hw-truth.js';
import { pasidArrayEntryToDomain } from './pasid-entry.js';

function oracleOf(dev: Device, truth: HwTruth): HwTruth | null {
  const iommuDev = dev.iommu?.iommuDev ?? null;
  return iommuDev === null ? null : truth;
}

function name(d: IommuDomain | null): string {
  return d === null ? 'NULL' : d.label;
}

function stable(group: IommuGroup): boolean {
  return group.mutex.owner === null;
}

/** I5: a translation that walks freed page-table memory */
function freedTable(t: HwTranslation): boolean {
  return t.kind === 'translate' && t.table.freed;
}

/** I1, I2: membership back-pointers and uniqueness */
function checkMembership(groups: readonly IommuGroup[], devices: readonly Device[]): string | null {
  const seen = new Map<Device, IommuGroup>();
  for (const g of groups) {
    for (const gd of g.devices) {
      if (seen.has(gd.dev)) return `I2: ${gd.dev.label} is on the device lists of ${seen.get(gd.dev)!.label} and ${g.label}`;
      seen.set(gd.dev, g);
      if (stable(g) && gd.dev.iommuGroup !== g) {
        return `I1: ${gd.dev.label} is on ${g.label}->devices but dev->iommu_group is ${gd.dev.iommuGroup?.label ?? 'NULL'}`;
      }
    }
  }
  for (const d of devices) {
    const g = d.iommuGroup;
    // a device being probed points at its group before it is on the list (probe lock held); a
    // device inside iommu_deinit_device() is unlinked but still points at its group
    if (g === null || g.freed || !stable(g) || d.iommu?.iommuDev == null || d.ghostProbing || d.ghostDeinit) continue;
    if (!g.devices.some((gd) => gd.dev === d)) return `I1: ${d.label}->iommu_group is ${g.label} but it is not on its device list`;
  }
  return null;
}

/** I5: no freed domain referenced by a group, its pasid_array, or installed in hardware */
function checkNoUseAfterFree(groups: readonly IommuGroup[], truth: HwTruth): string | null {
  for (const unit of truth.units()) {
    for (const e of unit.all()) {
      if (freedTable(e.t)) {
        const where = e.pasid === null ? 'RID' : `PASID ${e.pasid}`;
        return `I5: ${unit.name} stream ${e.sid} ${where} still translates through freed ${e.t.kind === 'translate' ? e.t.table.label : ''}`;
      }
    }
  }
  for (const g of groups) {
    // iommu_deinit_device() frees the domains of an empty group before clearing the pointers
    if (!stable(g)) continue;
    for (const [field, d] of [
      ['domain', g.domain],
      ['default_domain', g.defaultDomain],
      ['blocking_domain', g.blockingDomain],
      ['resetting_domain', g.resettingDomain],
    ] as const) {
      if (d !== null && d.freed) return `I5: ${g.label}->${field} is freed ${d.label}`;
    }
    for (const [p, entry] of g.pasidArray.entries()) {
      const d = pasidArrayEntryToDomain(entry);
      if (d.freed) return `I5: ${g.label}->pasid_array[${p}] refers to freed ${d.label}`;
    }
  }
  return null;
}

/** the domains a group points at: its four pointers and its pasid_array entries, by field */
export function domainsOf(g: IommuGroup): Array<[string, IommuDomain]> {
  const out: Array<[string, IommuDomain]> = [];
  if (g.domain !== null) out.push(['domain', g.domain]);
  if (g.defaultDomain !== null) out.push(['default_domain', g.defaultDomain]);
  if (g.blockingDomain !== null) out.push(['blocking_domain', g.blockingDomain]);
  if (g.resettingDomain !== null) out.push(['resetting_domain', g.resettingDomain]);
  for (const [p, entry] of g.pasidArray.entries()) out.push([`pasid_array[${p}]`, pasidArrayEntryToDomain(entry)]);
  return out;
}

/** I1 both ways for one group at a stable point, and no member listed twice (I2 within it) */
export function checkGroupMembership(g: IommuGroup, devices: readonly Device[]): string | null {
  const members = new Set<Device>();
  for (const gd of g.devices) {
    if (members.has(gd.dev)) return `I2: ${gd.dev.label} is on ${g.label}->devices twice`;
    members.add(gd.dev);
    if (gd.dev.iommuGroup !== g) {
      return `I1: ${gd.dev.label} is on ${g.label}->devices but dev->iommu_group is ${gd.dev.iommuGroup?.label ?? 'NULL'}`;
    }
  }
  for (const d of devices) {
    if (d.iommuGroup !== g || members.has(d) || d.iommu?.iommuDev == null || d.ghostProbing || d.ghostDeinit) continue;
    return `I1: ${d.label}->iommu_group is ${g.label} but it is not on its device list`;
  }
  return null;
}

/** do two devices share a stream/requester ID of one IOMMU (a DMA alias, a PCIe-to-PCI bridge)? */
function sharesRequesterId(a: Device, b: Device): boolean {
  const fa = a.iommu?.fwspec ?? null;
  const fb = b.iommu?.fwspec ?? null;
  if (fa === null || fb === null || fa.iommuFwnode !== fb.iommuFwnode) return false;
  return fa.ids.some((id) => fb.ids.includes(id));
}

/** I3, I4, I6, I7, I8, I13 for one group at a stable point (for one member only if `only` is given) */
export function checkGroup(g: IommuGroup, truth: HwTruth, only: Device | null = null): string | null {
  // I6: ownership accounting
  if (g.owner !== null && g.ownerCnt < 1) return `I6: ${g.label} has an owner with owner_cnt ${g.ownerCnt}`;
  // I4: domain pointer range (a dying group, with no members left, has had its domains freed)
  if (g.owner !== null && g.blockingDomain === null && g.devices.length > 0) return `I4: ${g.label} is owned but has no blocking_domain`;
  if (g.defaultDomain !== null && g.domain === null) return `I3: ${g.label} has a default_domain but no domain`;
  // I4: no domain without a default domain (setup_default_domain()'s failure paths leave both)
  if (g.defaultDomain === null && g.domain !== null) return `I4: ${g.label} has domain ${name(g.domain)} but no default_domain`;
  // I7: a reservation exists only while the attaching thread holds the mutex
  for (const [p, v] of g.pasidArray.slots) if (v === XA_ZERO_ENTRY) return `I7: ${g.label}->pasid_array[${p}] is reserved at a stable point`;
  // the reset window covers the function passed to prepare, not the rest of its group
  const resetDev = g.resettingDomain !== null ? g.ghostResetDev : null;
  for (const gd of g.devices) {
    const dev = gd.dev;
    if (only !== null && dev !== only) continue;
    const oracle = oracleOf(dev, truth);
    const param = dev.iommu;
    if (oracle === null || param === null) continue;
    // the reset function, a member that shares a requester ID with it (a DMA alias: parking the
    // reset function's IDs parks that member's too), and (patch resetHotAddBlocked) a member
    // parked on the blocking domain until done
    const aliasOfReset = resetDev !== null && sharesRequesterId(dev, resetDev);
    const resetting = dev === resetDev || aliasOfReset || (g.resettingDomain !== null && g.ghostParked.has(dev));
    const rid = oracle.installed(dev, null);
    const onBlocking = g.blockingDomain !== null && sameTranslation(rid, oracle.translationOf(g.blockingDomain));
    // I13: a deferred device was never programmed, and its group is on the default domain
    if (param.attachDeferred) {
      if (g.domain !== null && g.domain !== g.defaultDomain) return `I13: deferred ${dev.label} but ${g.label}->domain is ${name(g.domain)}`;
      // (spec §6: "never programmed by the core": a device probed again after the driver's
      // release_device() parked its RID, e.g. a failed probe's unwind, keeps what the driver wrote)
      const parkedByRelease = dev.ghostReleased && (rid.kind === 'abort' || rid.kind === 'bypass');
      if (rid.kind !== 'none' && !parkedByRelease) return `I13: deferred ${dev.label} is programmed (${describeTranslation(rid)})`;
    }
    // I8: a device needing direct mappings is never blocked (MUST_SUCCEED fallback, the reset
    // function excepted)
    if (param.requireDirect && onBlocking && !g.ghostNofailFailed && !resetting) {
      return `I8: ${dev.label} requires direct mappings but is on ${g.label}'s blocking domain`;
    }
    if (g.ghostNofailFailed) continue;
    // I3: every member is on group->domain (deferred members and the reset window excepted)
    if (g.domain !== null && !(param.attachDeferred && g.domain === g.defaultDomain) && !(resetting && onBlocking)) {
      const want = oracle.translationOf(g.domain);
      if (!sameTranslation(rid, want)) {
        return `I3: ${dev.label} RID is ${describeTranslation(rid)} but ${g.label}->domain is ${name(g.domain)} (${describeTranslation(want)})`;
      }
    }
    // I7: every visible PASID entry is programmed on every PASID-capable member, and nothing else
    if (param.maxPasids > 0 && !resetting) {
      const hw = oracle.installedPasids(dev);
      const visible = g.pasidArray.entries(1);
      for (const [p, entry] of visible) {
        // after a failed rollback (WARN) the members disagree until the PASID is set again
        if (g.ghostPasidRevertFailed.has(p)) continue;
        const want = oracle.translationOf(pasidArrayEntryToDomain(entry));
        const have = hw.get(p);
        if (have === undefined || !sameTranslation(have, want)) {
          return `I7: ${dev.label} PASID ${p} is ${have === undefined ? 'not present' : describeTranslation(have)} but ${g.label}->pasid_array[${p}] is ${name(pasidArrayEntryToDomain(entry))}`;
        }
      }
      for (const p of hw.keys()) {
        if (g.ghostPasidRevertFailed.has(p)) continue;
        if (!visible.some(([q]) => q === p)) return `I7: ${dev.label} PASID ${p} is programmed but ${g.label}->pasid_array[${p}] is empty`;
      }
    }
  }
  return null;
}

/** I9: a function in reset is blocked (RID, PASIDs, ATS); no ATS invalidation reaches it */
function checkReset(devices: readonly Device[], truth: HwTruth): string | null {
  for (const dev of devices) {
    const ep = dev.ep;
    if (ep.atcInvTimeouts > 0) return `I9: an ATS invalidation was sent to ${dev.label} while it was in reset (timed out)`;
    if (!ep.inReset || iommuCore.patches.noResetIommuHooks) continue;
    if (!isPciDev(dev) || !pciAtsSupported(dev)) continue;
    const g = dev.iommuGroup;
    const oracle = oracleOf(dev, truth);
    if (g === null || oracle === null) continue;
    const rid = oracle.installed(dev, null);
    // blocked: on the group's blocking domain, or (no blocking domain yet: a reset that raced the
    // probe, F12) aborting as the driver's probe left the entry (arm-smmu-v3's abort STEs)
    const blocked = g.blockingDomain === null ? rid.kind === 'abort' : sameTranslation(rid, oracle.translationOf(g.blockingDomain));
    if (!blocked) {
      return `I9: ${dev.label} is in reset but its RID is ${describeTranslation(rid)}`;
    }
    if (oracle.installedPasids(dev).size > 0) return `I9: ${dev.label} is in reset with PASIDs installed`;
    if (ep.atsEnabled) return `I9: ${dev.label} is in reset with ATS enabled`;
  }
  return null;
}

/** I11: a bound DMA-API driver never sees dev->dma_iommu change under it */
function checkBoundDma(devices: readonly Device[]): string | null {
  for (const dev of devices) {
    if (dev.ghostBoundDmaIommu !== null && dev.dmaIommu !== dev.ghostBoundDmaIommu) {
      return `I11: dev->dma_iommu of ${dev.label} changed from ${dev.ghostBoundDmaIommu} to ${dev.dmaIommu} while its driver was bound`;
    }
  }
  return null;
}

/** every §6 invariant over the devices of a scenario; the first broken one, or null */
export function iommuInvariants(devices: readonly Device[], truth: HwTruth): string | null {
  const groups = [...iommuCore.ghostGroups].filter((g) => !g.freed);
  const r =
    checkMembership(groups, devices) ??
    checkNoUseAfterFree(groups, truth) ??
    checkReset(devices, truth) ??
    checkBoundDma(devices);
  if (r !== null) return r;
  for (const g of groups) {
    if (!stable(g)) continue;
    const m = checkGroup(g, truth);
    if (m !== null) return m;
  }
  return null;
}
