// Reserved regions (struct iommu_resv_region): the per-device list a driver reports, and the
// merged per-group list iommu_get_group_resv_regions() builds (spec core.md §4.13), which VFIO,
// iommufd and the group's sysfs reserved_regions file read.
import type { Device } from '../base/device.js';
import { ENOMEM, type Gen, KObject, kfree, kzalloc, mutexLock, mutexUnlock } from '../sync/index.js';
import { devHasIommu, devIommuOps } from './dev-iommu.js';
import type { IommuGroup } from './group.js';

export class IommuResvRegion extends KObject {
  constructor(
    readonly start: number,
    /** grows when iommu_insert_resv_region() merges an overlapping region into this one */
    public length: number,
    readonly prot: number,
    readonly type: number,
  ) {
    super();
  }
}

/** iommu_alloc_resv_region(): NULL on allocation failure */
export function* iommuAllocResvRegion(start: number, length: number, prot: number, type: number): Gen<IommuResvRegion | null> {
  return yield* kzalloc(() => new IommuResvRegion(start, length, prot, type));
}

/** iommu_put_resv_regions(): free every region of the list (the generic helper drivers use) */
export function* iommuPutResvRegions(list: IommuResvRegion[]): Gen {
  for (const r of list.splice(0)) yield* kfree(r);
}

/** iommu_get_resv_regions(): the driver's regions for dev, appended to list */
export function* iommuGetResvRegions(dev: Device, list: IommuResvRegion[]): Gen {
  const ops = (yield* devIommuOps(dev));
  if (ops.getResvRegions !== undefined) yield* ops.getResvRegions(dev, list);
}

/**
 * iommu_insert_resv_region(): insert a copy of `region` sorted by start (then type), then merge
 * the overlapping or adjacent regions of its type; regions of other types are left as they are
 */
export function* iommuInsertResvRegion(region: IommuResvRegion, regions: IommuResvRegion[]): Gen<number> {
  const nr = yield* iommuAllocResvRegion(region.start, region.length, region.prot, region.type);
  if (nr === null) return -ENOMEM;
  let at = regions.findIndex((it) => nr.start < it.start || (nr.start === it.start && nr.type <= it.type));
  if (at < 0) at = regions.length;
  regions.splice(at, 0, nr);
  // the kernel's walk with a stack: each region of the new type merges into the last kept one
  const stack: IommuResvRegion[] = [];
  for (const it of regions.splice(0)) {
    const top = it.type === region.type ? lastOfType(stack, it.type) : undefined;
    if (top === undefined || it.start > top.start + top.length) {
      stack.push(it);
      continue;
    }
    const end = Math.max(top.start + top.length, it.start + it.length);
    top.length = end - top.start;
    yield* kfree(it);
  }
  regions.push(...stack);
  return 0;
}

function lastOfType(stack: readonly IommuResvRegion[], type: number): IommuResvRegion | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.type === type) return stack[i];
  return undefined;
}

/** iommu_insert_device_resv_regions() */
function* iommuInsertDeviceResvRegions(devRegions: readonly IommuResvRegion[], group: IommuResvRegion[]): Gen<number> {
  for (const entry of devRegions) {
    const ret = yield* iommuInsertResvRegion(entry, group);
    if (ret !== 0) return ret;
  }
  return 0;
}

/**
 * iommu_get_group_resv_regions(): under group->mutex, merge the regions of every member, stopping
 * at the first member without an IOMMU driver (a fake group's sysfs file lands here too)
 */
export function* iommuGetGroupResvRegions(group: IommuGroup, head: IommuResvRegion[]): Gen<number> {
  let ret = 0;
  yield* mutexLock(group.mutex);
  for (const gd of group.devices) {
    if (!(yield* devHasIommu(gd.dev))) break;
    const devRegions: IommuResvRegion[] = [];
    yield* iommuGetResvRegions(gd.dev, devRegions);
    ret = yield* iommuInsertDeviceResvRegions(devRegions, head);
    yield* iommuPutResvRegions(devRegions);
    if (ret !== 0) break;
  }
  yield* mutexUnlock(group.mutex);
  return ret;
}

/** iommu_group_show_resv_regions(): the sysfs read; the list is freed after printing, errors are not reported */
export function* iommuGroupShowResvRegions(group: IommuGroup): Gen<readonly string[]> {
  const regions: IommuResvRegion[] = [];
  yield* iommuGetGroupResvRegions(group, regions);
  const lines = regions.map((r) => `0x${r.start.toString(16).padStart(16, '0')} 0x${(r.start + r.length - 1).toString(16).padStart(16, '0')} ${resvTypeName(r.type)}`);
  yield* iommuPutResvRegions(regions);
  return lines;
}

/** iommu_group_resv_type_string[] */
function resvTypeName(type: number): string {
  return ['direct', 'direct-relaxable', 'reserved', 'msi', 'msi'][type] ?? 'unknown';
}
