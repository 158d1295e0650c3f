// struct iommu_resv_region and the helpers that allocate and free a reserved-region list.
import { type Gen, KObject, kfree, kzalloc } from '../sync/index.js';

export class IommuResvRegion extends KObject {
  constructor(
    readonly start: number,
    readonly length: number,
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
