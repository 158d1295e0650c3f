// Domain type bits and types (include/linux/iommu.h, spec core.md §2.6).
export const __IOMMU_DOMAIN_PAGING = 1 << 0;
export const __IOMMU_DOMAIN_DMA_API = 1 << 1;
export const __IOMMU_DOMAIN_PT = 1 << 2;
export const __IOMMU_DOMAIN_DMA_FQ = 1 << 3;
export const __IOMMU_DOMAIN_SVA = 1 << 4;
export const __IOMMU_DOMAIN_PLATFORM = 1 << 5;
export const __IOMMU_DOMAIN_NESTED = 1 << 6;

export const IOMMU_DOMAIN_BLOCKED = 0;
export const IOMMU_DOMAIN_IDENTITY = __IOMMU_DOMAIN_PT;
export const IOMMU_DOMAIN_UNMANAGED = __IOMMU_DOMAIN_PAGING;
export const IOMMU_DOMAIN_DMA = __IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API;
export const IOMMU_DOMAIN_DMA_FQ = __IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API | __IOMMU_DOMAIN_DMA_FQ;
export const IOMMU_DOMAIN_SVA = __IOMMU_DOMAIN_SVA;
export const IOMMU_DOMAIN_PLATFORM = __IOMMU_DOMAIN_PLATFORM;
export const IOMMU_DOMAIN_NESTED = __IOMMU_DOMAIN_NESTED;

/** enum iommu_domain_cookie_type */
export const IOMMU_COOKIE_NONE = 0;
export const IOMMU_COOKIE_DMA_IOVA = 1;
export const IOMMU_COOKIE_DMA_MSI = 2;
export const IOMMU_COOKIE_FAULT_HANDLER = 3;
export const IOMMU_COOKIE_SVA = 4;
export const IOMMU_COOKIE_IOMMUFD = 5;

/** IOMMU_HWPT_ALLOC_NEST_PARENT: iommufd's stage-2 parent for nesting (SMMUv3: an S2 domain) */
export const IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0;
/** IOMMU_HWPT_ALLOC_PASID */
export const IOMMU_HWPT_ALLOC_PASID = 1 << 1;

/** IOMMU_NO_PASID, IOMMU_PASID_INVALID */
export const IOMMU_NO_PASID = 0;
export const IOMMU_PASID_INVALID = -1;

/** IOMMU_SET_DOMAIN_MUST_SUCCEED */
export const IOMMU_SET_DOMAIN_MUST_SUCCEED = 1 << 0;

export function domainTypeName(type: number): string {
  switch (type) {
    case IOMMU_DOMAIN_BLOCKED:
      return 'BLOCKED';
    case IOMMU_DOMAIN_IDENTITY:
      return 'IDENTITY';
    case IOMMU_DOMAIN_UNMANAGED:
      return 'UNMANAGED';
    case IOMMU_DOMAIN_DMA:
      return 'DMA';
    case IOMMU_DOMAIN_DMA_FQ:
      return 'DMA_FQ';
    case IOMMU_DOMAIN_SVA:
      return 'SVA';
    case IOMMU_DOMAIN_NESTED:
      return 'NESTED';
    case IOMMU_DOMAIN_PLATFORM:
      return 'PLATFORM';
    default:
      return `type ${type}`;
  }
}
