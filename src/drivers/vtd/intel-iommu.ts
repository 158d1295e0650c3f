// The intel-iommu driver (drivers/iommu/intel/, hardware.md §2) in scalable mode: its per-boot
// state (module statics: the module, iommu_ops, the static identity and blocking domains, the
// DMAR units it probed), its unit probe (root table, translation on), paging domain allocation
// and free, and the static callback tables. Callbacks reach the boot's state through what they
// are handed, as in the kernel (dev_iommu_priv_get, to_dmar_domain, the unit behind a fwnode).
import type { FwNode } from '../../base/device.js';
import { Module } from '../../base/module.js';
import { IOMMU_DOMAIN_BLOCKED, IOMMU_DOMAIN_IDENTITY, IOMMU_HWPT_ALLOC_PASID } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import type { IommuDomainOps, IommuOps } from '../../core/ops.js';
import { SZ_1G, SZ_2M, SZ_4K } from '../../hw/pgtable/format.js';
import { ioPgtableAlloc, ioPgtableFree } from '../../hw/pgtable/pgtable.js';
import { ctxTableAllocNow, ctxWriteNow, pasidDirAllocNow, pasidTableAllocLeafNow, rootTableInitNow } from '../../hw/vtd/tables.js';
import { SM_CTX_ZERO } from '../../hw/vtd/entries.js';
import { flFormat, slFormat } from '../../hw/vtd/translate.js';
import type { VtdUnit } from '../../hw/vtd/vtd.js';
import { deref, ENOMEM, EOPNOTSUPP, type ErrPtr, type Gen, KObject, kfree, kzalloc, readOnce, WARN_ON } from '../../sync/index.js';
import {
  blockingDomainAttachDev,
  blockingDomainSetDevPasid,
  identityDomainAttachDev,
  identityDomainSetDevPasid,
  intelIommuAttachDevice,
  intelIommuSetDevPasid,
} from './attach.js';
import { deviceInfo } from './device.js';
import { DmarDomain, type DmarDomainKind, toDmarDomain } from './domain.js';
import { IntelIommu } from './iommu.js';
import { intelFlushIotlbAll, intelIommuIotlbSyncMap, intelIommuIovaToPhys, intelIommuMapPages, intelIommuTlbSync, intelIommuUnmapPages } from './map.js';
import type { VtdOptions } from './options.js';
import {
  intelIommuCapable,
  intelIommuDeviceGroup,
  intelIommuGetResvRegions,
  intelIommuProbeDevice,
  intelIommuProbeFinalize,
  intelIommuReleaseDevice,
} from './probe.js';

/** the driver's state in one boot (its module statics) */
export class VtdDriver extends KObject {
  readonly module = new Module('intel_iommu');
  readonly ops: IommuOps;
  readonly instances: IntelIommu[] = [];
  /** the static identity_domain and blocking_domain */
  readonly identity: DmarDomain;
  readonly blocked: DmarDomain;

  constructor(readonly options: VtdOptions = {}) {
    super();
    this.identity = staticDomain(this, 'identity', IOMMU_DOMAIN_IDENTITY, identityOps);
    this.blocked = staticDomain(this, 'blocked', IOMMU_DOMAIN_BLOCKED, blockingOps);
    this.ops = {
      name: 'intel-iommu',
      owner: this.module,
      capable: intelIommuCapable,
      probeDevice: intelIommuProbeDevice,
      releaseDevice: intelIommuReleaseDevice,
      probeFinalize: intelIommuProbeFinalize,
      deviceGroup: intelIommuDeviceGroup,
      domainAllocPagingFlags: intelIommuDomainAllocPagingFlags,
      getResvRegions: intelIommuGetResvRegions,
      identityDomain: this.identity,
      blockedDomain: this.blocked,
      // .release_domain = &blocking_domain
      releaseDomain: this.blocked,
      defaultDomain: null,
      defaultDomainOps: fsPagingOps,
      pgsizeBitmap: SZ_4K | SZ_2M | SZ_1G,
    };
  }

  override get label(): string {
    return 'intel_iommu_driver';
  }
}

function staticDomain(drv: VtdDriver, kind: DmarDomainKind, type: number, ops: IommuDomainOps): DmarDomain {
  const d = new DmarDomain(kind, kind, drv);
  d.type = type;
  d.ops = ops;
  return d;
}

/**
 * The driver's probe of one DMAR unit (setup, before any DMA): the root table in scalable mode,
 * a context table and a PASID directory (with its first leaf, PASIDs 0-63) for every source-id
 * the Machine wired to the unit, then translation on. Linux allocates context tables when the
 * first device of a bus probes and a PASID directory per device at its probe; doing both here
 * fixes where each source-id's entries live for the whole boot, so the checker can name them
 * (VtdUnit.entryReads reads the directory from the not-present context entry written here).
 */
export function vtdProbeUnit(drv: VtdDriver, unit: VtdUnit, node: FwNode): IntelIommu {
  const iommu = new IntelIommu(unit.name, node, drv.instances.length, drv, unit);
  iommu.maxPasids = unit.caps.pasid ? (drv.options.maxPasids ?? 0x100) : 0;
  if (unit.rootTable === null) rootTableInitNow(unit, true);
  for (const sid of [...unit.ports.keys()].sort((a, b) => a - b)) {
    ctxTableAllocNow(unit, sid);
    const tag = `${unit.name} pasid table of sid 0x${sid.toString(16)}`;
    const t = pasidDirAllocNow(unit.mem, Math.max(1, iommu.maxPasids), tag);
    pasidTableAllocLeafNow(unit.mem, t.dir, 0, tag);
    ctxWriteNow(unit, sid, [{ ...SM_CTX_ZERO[0], pdts: t.pdts, pasiddirptr: t.dir }, SM_CTX_ZERO[1]]);
    iommu.sidTables.set(sid, t);
  }
  unit.te = true;
  node.drvdata = iommu;
  drv.instances.push(iommu);
  return iommu;
}

/**
 * intel_iommu_domain_alloc_paging_flags(): first-level tables when the unit has them (and the
 * knob allows), else second level; the format's page sizes from the unit's caps
 */
function* intelIommuDomainAllocPagingFlags(dev: Parameters<NonNullable<IommuOps['domainAllocPagingFlags']>>[0], flags: number, userData: unknown): Gen<ErrPtr<IommuDomain>> {
  if (userData !== null && userData !== undefined) return -EOPNOTSUPP;
  if ((flags & ~IOMMU_HWPT_ALLOC_PASID) !== 0) return -EOPNOTSUPP;
  const info = yield* deviceInfo(dev);
  const iommu = info.iommu;
  const unit = iommu.hw;
  const firstLevel = unit.sm && unit.caps.flts && iommu.drv.options.firstLevel !== false;
  if (!firstLevel && !unit.caps.slts) return -EOPNOTSUPP;
  const d = yield* kzalloc(() => new DmarDomain('paging', 'paging', iommu.drv));
  if (d === null) return -ENOMEM;
  const fmt = firstLevel ? flFormat(unit, 4) : slFormat(unit, 4);
  const pt = yield* ioPgtableAlloc(unit.mem, fmt, d.label);
  if (pt === null) {
    yield* kfree(d);
    return -ENOMEM;
  }
  d.useFirstLevel = firstLevel;
  d.pt = pt;
  d.pgsizeBitmap = fmt.pgsizeBitmap;
  d.geometry.apertureEnd = 2 ** fmt.ias - 1;
  d.ops = firstLevel ? fsPagingOps : ssPagingOps;
  return d;
}

/** intel_iommu_domain_free(): refused (WARN, leaked) while devices are still attached */
function* intelIommuDomainFree(domain: IommuDomain): Gen {
  const d = deref(toDmarDomain(domain), 'domain');
  // list_empty() is a READ_ONCE of the head: no lock
  if (WARN_ON((yield* readOnce(d, 'devices')).length > 0, 'WARN_ON(!list_empty(&dmar_domain->devices))')) return;
  if (d.pt !== null) yield* ioPgtableFree(d.pt);
  yield* kfree(d);
}

// ---- the static tables (frozen: world snapshots share them, as every boot shares the text)

const identityOps: IommuDomainOps = Object.freeze({ attachDev: identityDomainAttachDev, setDevPasid: identityDomainSetDevPasid });
const blockingOps: IommuDomainOps = Object.freeze({ attachDev: blockingDomainAttachDev, setDevPasid: blockingDomainSetDevPasid });
/** intel_fs_paging_domain_ops */
const fsPagingOps: IommuDomainOps = Object.freeze({
  attachDev: intelIommuAttachDevice,
  setDevPasid: intelIommuSetDevPasid,
  mapPages: intelIommuMapPages,
  unmapPages: intelIommuUnmapPages,
  iotlbSyncMap: intelIommuIotlbSyncMap,
  iotlbSync: intelIommuTlbSync,
  flushIotlbAll: intelFlushIotlbAll,
  iovaToPhys: intelIommuIovaToPhys,
  free: intelIommuDomainFree,
});
/** intel_ss_paging_domain_ops: the same callbacks (they branch on use_first_level) */
const ssPagingOps: IommuDomainOps = Object.freeze({ ...fsPagingOps });
