// Paging domains (hardware.md §1.5, §1.6, §1.15): allocation finalised for the allocating
// device's SMMU (an io-pgtable of the stage's format, then an ASID from the global xarray or a
// VMID from the SMMU's IDA), map and unmap through the io-pgtable, the invalidations after an
// unmap (TLBI by range, then the ATCs, each with CMD_SYNC), flush_iotlb_all, and free (the
// io-pgtable's flush_all, its pages, then the tag, with no TLBI of its own).
import type { Device } from '../../base/device.js';
import { devIommuPrivGet } from '../../core/dev-iommu.js';
import { IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_PASID } from '../../core/domain-types.js';
import type { IommuDomain } from '../../core/domain.js';
import { iommuCore } from '../../core/globals.js';
import type { IommuIotlbGather, MapPagesResult } from '../../core/ops.js';
import { armLpaeS1, armLpaeS2, SZ_1G, SZ_2M, SZ_4K } from '../../hw/pgtable/format.js';
import { ptGatherInit } from '../../hw/pgtable/gather.js';
import { ptMap } from '../../hw/pgtable/map.js';
import { freeTablePages, ioPgtableAlloc, ioPgtableFree } from '../../hw/pgtable/pgtable.js';
import { ptUnmap } from '../../hw/pgtable/unmap.js';
import { ptIovaToPhys } from '../../hw/pgtable/walk.js';
import { deref, ENOMEM, ENOSPC, EOPNOTSUPP, type Gen, hwStep, kfree, kzalloc, mutexLock, mutexUnlock, spinLock, spinUnlock } from '../../sync/index.js';
import { ArmSmmuDomain } from './domain.js';
import type { ArmSmmuDevice } from './iommu.js';
import { armSmmuTlbInvContext, armSmmuTlbInvRangeDomain } from './invalidate.js';
import type { ArmSmmuMaster } from './master.js';

/** the io-pgtable's pgsize_bitmap with a 4K granule */
export const ARM_SMMU_PGSIZES = SZ_4K | SZ_2M | SZ_1G;

function toSmmuDomain(d: IommuDomain): ArmSmmuDomain {
  return deref(d as ArmSmmuDomain, 'domain');
}

/** arm_smmu_domain_finalise_s1(): an ASID from arm_smmu_asid_xa, under arm_smmu_asid_lock */
function* armSmmuDomainFinaliseS1(smmu: ArmSmmuDevice, d: ArmSmmuDomain): Gen<number> {
  const drv = smmu.drv;
  yield* mutexLock(drv.asidLock);
  let asid = 0;
  for (let a = 1; a < 2 ** smmu.asidBits; a++) {
    if (!drv.asids.has(a)) {
      asid = a;
      break;
    }
  }
  if (asid !== 0) drv.asids.add(asid);
  yield* mutexUnlock(drv.asidLock);
  if (asid === 0) return -ENOSPC;
  d.asid = asid;
  return 0;
}

/** arm_smmu_domain_finalise_s2(): a VMID from the SMMU's vmid_map (ida_alloc_range(1, 2^vmid_bits - 1)) */
function* armSmmuDomainFinaliseS2(smmu: ArmSmmuDevice, d: ArmSmmuDomain): Gen<number> {
  yield* spinLock(smmu.vmidLock);
  let vmid = 0;
  for (let v = 1; v < 2 ** smmu.vmidBits; v++) {
    if (!smmu.vmids.has(v)) {
      vmid = v;
      break;
    }
  }
  if (vmid !== 0) smmu.vmids.add(vmid);
  yield* spinUnlock(smmu.vmidLock);
  if (vmid === 0) return -ENOSPC;
  d.vmid = vmid;
  return 0;
}

/** arm_smmu_domain_finalise(): the io-pgtable, then the tag */
function* armSmmuDomainFinalise(d: ArmSmmuDomain, smmu: ArmSmmuDevice): Gen<number> {
  const fmt = d.stage === 'S1' ? armLpaeS1({ ias: smmu.hw.opts.ias }) : armLpaeS2({ ias: smmu.hw.opts.ias });
  const pt = yield* ioPgtableAlloc(smmu.hw.mem, fmt, d.label);
  if (pt === null) return -ENOMEM;
  d.pgtbl = pt;
  d.smmu = smmu;
  d.pgsizeBitmap = ARM_SMMU_PGSIZES;
  d.geometry.apertureEnd = 2 ** fmt.ias - 1;
  d.geometry.forceAperture = true;
  const ret = d.stage === 'S1' ? yield* armSmmuDomainFinaliseS1(smmu, d) : yield* armSmmuDomainFinaliseS2(smmu, d);
  if (ret !== 0) {
    yield* ioPgtableFree(pt);
    d.pgtbl = null;
    return ret;
  }
  return 0;
}

/** arm_smmu_domain_alloc_paging_flags(): S1 when the SMMU has it (always for PASID use), else S2 */
export function* armSmmuDomainAllocPagingFlags(dev: Device, flags: number): Gen<IommuDomain | number> {
  const master = (yield* devIommuPrivGet<ArmSmmuMaster>(dev));
  const smmu = master.smmu;
  if ((flags & ~(IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_ALLOC_NEST_PARENT)) !== 0) return -EOPNOTSUPP;
  const nestParent = (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) !== 0;
  // a nest parent is S2 (FEAT_NESTING), and no PASID user; PASID users are S1
  if (nestParent && ((flags & IOMMU_HWPT_ALLOC_PASID) !== 0 || !smmu.feat.transS2)) return -EOPNOTSUPP;
  if ((flags & IOMMU_HWPT_ALLOC_PASID) !== 0 && !smmu.feat.transS1) return -EOPNOTSUPP;
  const d = yield* kzalloc(() => new ArmSmmuDomain('paging', 'paging', smmu.drv));
  if (d === null) return -ENOMEM;
  d.stage = !nestParent && smmu.feat.transS1 ? 'S1' : 'S2';
  d.nestParent = nestParent;
  const ret = yield* armSmmuDomainFinalise(d, smmu);
  if (ret !== 0) {
    yield* kfree(d);
    return ret;
  }
  return d;
}

/** arm_smmu_domain_free_paging(): free_io_pgtable_ops() flushes the context and frees the tables; then the ASID/VMID */
export function* armSmmuDomainFreePaging(domain: IommuDomain): Gen {
  const d = toSmmuDomain(domain);
  const smmu = d.smmu!;
  if (d.pgtbl !== null) {
    // io_pgtable_tlb_flush_all()
    yield* armSmmuTlbInvContext(d);
    yield* ioPgtableFree(d.pgtbl);
  }
  if (d.stage === 'S1') {
    // SVA must not touch the CD while it goes
    yield* mutexLock(d.drv.asidLock);
    d.drv.asids.delete(d.asid);
    yield* mutexUnlock(d.drv.asidLock);
  } else {
    yield* spinLock(smmu.vmidLock);
    smmu.vmids.delete(d.vmid);
    yield* spinUnlock(smmu.vmidLock);
  }
  yield* kfree(d);
}

/** free the table pages an io-pgtable operation detached, after a TLBI that covers walks (tlb_flush_walk) */
function* flushWalkAndFree(d: ArmSmmuDomain, iova: number, size: number, freelist: readonly number[]): Gen {
  if (freelist.length === 0) return;
  yield* armSmmuTlbInvRangeDomain(d, iova, size, false);
  yield* freeTablePages(d.smmu!.hw.mem, freelist);
}

/** arm_smmu_map_pages(): io-pgtable-arm's map (-EEXIST with a WARN on an occupied slot) */
export function* armSmmuMapPages(
  domain: IommuDomain,
  iova: number,
  paddr: number,
  pgsize: number,
  pgcount: number,
  prot: number,
): Gen<MapPagesResult> {
  const d = toSmmuDomain(domain);
  const pt = deref(d.pgtbl, 'smmu_domain->pgtbl_ops');
  const r = yield* ptMap(pt, iova, paddr, pgsize, pgcount, prot, true);
  yield* flushWalkAndFree(d, iova, pgsize * pgcount, r.freelist);
  return { ret: r.ret, mapped: r.mapped };
}

/** arm_smmu_unmap_pages(): the leaves go; tables emptied are flushed (walks) and freed inside, as io-pgtable-arm does */
export function* armSmmuUnmapPages(
  domain: IommuDomain,
  iova: number,
  pgsize: number,
  pgcount: number,
  gather: IommuIotlbGather,
): Gen<number> {
  const d = toSmmuDomain(domain);
  const pt = deref(d.pgtbl, 'smmu_domain->pgtbl_ops');
  const g = ptGatherInit();
  const unmapped = yield* ptUnmap(pt, iova, pgsize, pgcount, g, true);
  yield* flushWalkAndFree(d, iova, pgsize * pgcount, g.freelist);
  // arm_smmu_tlb_inv_page_nosync(): iommu_iotlb_gather_add_page()
  if (g.start <= g.end) {
    if (g.start < gather.start) gather.start = g.start;
    if (g.end > gather.end) gather.end = g.end;
    gather.pgsize = g.pgsize;
  }
  return unmapped;
}

/** arm_smmu_iotlb_sync(): TLBI over the gathered range (leaf), then the ATCs */
export function* armSmmuIotlbSync(domain: IommuDomain, gather: IommuIotlbGather): Gen {
  const d = toSmmuDomain(domain);
  if (gather.start > gather.end) return;
  // patch mockNoIotlbInvalidate: a driver that forgets its TLBI (and so the ATC_INV after it)
  if (iommuCore.patches.mockNoIotlbInvalidate) return;
  yield* armSmmuTlbInvRangeDomain(d, gather.start, gather.end - gather.start + 1, true);
}

/** arm_smmu_flush_iotlb_all() */
export function* armSmmuFlushIotlbAll(domain: IommuDomain): Gen {
  yield* armSmmuTlbInvContext(toSmmuDomain(domain));
}

/** arm_smmu_iova_to_phys(): a lockless walk of the io-pgtable */
export function* armSmmuIovaToPhys(domain: IommuDomain, iova: number): Gen<number> {
  const d = toSmmuDomain(domain);
  const pt = deref(d.pgtbl, 'smmu_domain->pgtbl_ops');
  yield* hwStep(pt.rootPage, null, 'read', 'arm_smmu_iova_to_phys');
  const pa = ptIovaToPhys(pt.mem, pt.fmt, pt.root, iova);
  return pa;
}
