// The arm-smmu-v3 driver (drivers/iommu/arm/arm-smmu-v3, hardware.md §1): one boot's state (its
// module statics: arm_smmu_asid_xa and arm_smmu_asid_lock, the static identity and blocked
// domains, the SMMUs probed) and its static iommu_ops / iommu_domain_ops tables. Callbacks are
// static functions in the files of this folder, one concept per file: probe.ts (SMMU and device
// probe, release, groups), paging.ts (domains, map/unmap, invalidation after unmap), attach.ts
// (RID attach: prepare/commit, identity, blocked), pasid.ts (set_dev_pasid, removal),
// entries.ts (STE/CD updates), invalidate.ts (TLBI/ATC_INV), test-dev.ts (seed 002's test_dev).
import { type Device, IOMMU_RESV_DIRECT, IOMMU_RESV_DIRECT_RELAXABLE } from '../../base/device.js';
import { Module } from '../../base/module.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_IDENTITY } from '../../core/domain-types.js';
import type { IommuDomainOps, IommuOps } from '../../core/ops.js';
import { IOMMU_CAP_CACHE_COHERENCY } from '../../core/ops.js';
import { iommuAllocResvRegion, type IommuResvRegion } from '../../core/resv.js';
import { type Gen, KObject, Mutex } from '../../sync/index.js';
import { armSmmuAttachDev, armSmmuAttachDevBlocked, armSmmuAttachDevIdentity } from './attach.js';
import { ArmSmmuDomain } from './domain.js';
import type { ArmSmmuDevice } from './iommu.js';
import type { SmmuKnobs } from './options.js';
import {
  ARM_SMMU_PGSIZES,
  armSmmuDomainAllocPagingFlags,
  armSmmuDomainFreePaging,
  armSmmuFlushIotlbAll,
  armSmmuIotlbSync,
  armSmmuIovaToPhys,
  armSmmuMapPages,
  armSmmuUnmapPages,
} from './paging.js';
import { armSmmuBlockingSetDevPasid, armSmmuS1SetDevPasid } from './pasid.js';
import { armSmmuDeviceGroup, armSmmuProbeDevice, armSmmuReleaseDevice } from './probe.js';
import { armSmmuDomainTestDev } from './test-dev.js';

/** the driver's state in one boot (its module statics) */
export class ArmSmmuDriver extends KObject {
  readonly module = new Module('arm_smmu_v3');
  readonly ops: IommuOps;
  readonly instances: ArmSmmuDevice[] = [];
  /** arm_smmu_asid_lock: ASID allocation and every STE/CD change of an attach */
  readonly asidLock = new Mutex('arm_smmu_asid_lock', this);
  /** arm_smmu_asid_xa: ASIDs in use, system-wide (across SMMUs), under asidLock */
  readonly asids = new Set<number>();
  /** arm_smmu_identity_domain, arm_smmu_blocked_domain */
  readonly identity: ArmSmmuDomain;
  readonly blocked: ArmSmmuDomain;

  constructor(readonly knobs: SmmuKnobs) {
    super();
    this.identity = new ArmSmmuDomain('identity', 'identity', this);
    this.identity.type = IOMMU_DOMAIN_IDENTITY;
    this.identity.ops = armSmmuIdentityOps;
    this.blocked = new ArmSmmuDomain('blocked', 'blocked', this);
    this.blocked.type = IOMMU_DOMAIN_BLOCKED;
    this.blocked.ops = armSmmuBlockedOps;
    this.ops = {
      name: 'arm-smmu-v3',
      owner: this.module,
      capable: armSmmuCapable,
      probeDevice: armSmmuProbeDevice,
      releaseDevice: armSmmuReleaseDevice,
      deviceGroup: armSmmuDeviceGroup,
      domainAllocPagingFlags: armSmmuDomainAllocPagingFlags,
      getResvRegions: armSmmuGetResvRegions,
      identityDomain: this.identity,
      blockedDomain: this.blocked,
      // the core parks a releasing device here (identity for one that requires direct mappings)
      releaseDomain: this.blocked,
      defaultDomain: null,
      defaultDomainOps: armSmmuPagingOps,
      pgsizeBitmap: ARM_SMMU_PGSIZES,
    };
  }

  override get label(): string {
    return 'arm_smmu_v3_driver';
  }
}

/** arm_smmu_capable(): a coherent SMMU */
function armSmmuCapable(_dev: Device, cap: number): boolean {
  return cap === IOMMU_CAP_CACHE_COHERENCY;
}

/** arm_smmu_get_resv_regions(): the firmware's direct regions (IORT RMRs, iommu_dma_get_resv_regions) */
function* armSmmuGetResvRegions(dev: Device, list: IommuResvRegion[]): Gen {
  for (const r of dev.fw.resv) {
    if (r.type !== IOMMU_RESV_DIRECT && r.type !== IOMMU_RESV_DIRECT_RELAXABLE) continue;
    const region = yield* iommuAllocResvRegion(r.start, r.length, r.prot, r.type);
    if (region === null) return;
    list.push(region);
  }
}

// ---- the static tables (frozen: world snapshots share them, as every boot shares the driver's text)

const armSmmuIdentityOps: IommuDomainOps = Object.freeze({ attachDev: armSmmuAttachDevIdentity });
const armSmmuBlockedOps: IommuDomainOps = Object.freeze({
  attachDev: armSmmuAttachDevBlocked,
  setDevPasid: armSmmuBlockingSetDevPasid,
});
const armSmmuPagingOps: IommuDomainOps = Object.freeze({
  testDev: armSmmuDomainTestDev,
  attachDev: armSmmuAttachDev,
  setDevPasid: armSmmuS1SetDevPasid,
  mapPages: armSmmuMapPages,
  unmapPages: armSmmuUnmapPages,
  iotlbSync: armSmmuIotlbSync,
  flushIotlbAll: armSmmuFlushIotlbAll,
  iovaToPhys: armSmmuIovaToPhys,
  free: armSmmuDomainFreePaging,
});
