// __ffs / __fls / GENMASK / IS_ALIGNED. Model addresses and sizes stay below 2^31, so 32-bit
// JS bit operations are exact (a simplification listed in docs/ARCHITECTURE.md).

/** __ffs(x): index of the lowest set bit (x != 0) */
export function ffs(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** __fls(x): index of the highest set bit (x != 0) */
export function fls(x: number): number {
  return 31 - Math.clz32(x);
}

/** BIT(n) */
export function bit(n: number): number {
  return 2 ** n;
}

/** GENMASK(h, 0) */
export function genmask(h: number): number {
  return h >= 30 ? 0x7fffffff : (1 << (h + 1)) - 1;
}

/** IS_ALIGNED(x, a) for a power of two a */
export function isAligned(x: number, a: number): boolean {
  return (x & (a - 1)) === 0;
}
