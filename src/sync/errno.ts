// Errno values as the kernel has them; model functions return them negated, like the kernel.
export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EXDEV = 18;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOTTY = 25;
export const EOVERFLOW = 75;
export const EOPNOTSUPP = 95;
export const EADDRINUSE = 98;
export const ETIMEDOUT = 110;
export const EPROBE_DEFER = 517;

const names: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [ENXIO]: 'ENXIO',
  [E2BIG]: 'E2BIG',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [EXDEV]: 'EXDEV',
  [ENODEV]: 'ENODEV',
  [EINVAL]: 'EINVAL',
  [ENOSPC]: 'ENOSPC',
  [ERANGE]: 'ERANGE',
  [ENOTTY]: 'ENOTTY',
  [EOVERFLOW]: 'EOVERFLOW',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [EADDRINUSE]: 'EADDRINUSE',
  [ETIMEDOUT]: 'ETIMEDOUT',
  [EPROBE_DEFER]: 'EPROBE_DEFER',
};

/**
 * Not an errno: what a scenario's `dmaMap` gives when dma_map_page() returns DMA_MAPPING_ERROR.
 * The DMA API hands its caller no errno (a deferred attach refused with -EBUSY, an IOVA or a
 * page-table allocation that failed all come back as DMA_MAPPING_ERROR; dma_mapping_error() turns
 * any of them into -ENOMEM for the driver). One past MAX_ERRNO, so it is no errno.
 */
export const DMA_MAPPING_ERROR_RESULT = -4096;

/** "-EBUSY" for -16, "0" for 0: how a kernel developer reads a return code. */
export function errname(ret: number): string {
  if (ret >= 0) return String(ret);
  if (ret === DMA_MAPPING_ERROR_RESULT) return 'DMA_MAPPING_ERROR';
  return `-${names[-ret] ?? String(-ret)}`;
}
