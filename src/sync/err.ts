// ERR_PTR / IS_ERR / PTR_ERR (include/linux/err.h): a function returns either an object or a
// negative errno, as the kernel does with error pointers.

/** a pointer or an error: `T` on success, a negative errno on failure */
export type ErrPtr<T> = T | number;

/** IS_ERR(ptr) */
export function IS_ERR<T>(p: ErrPtr<T>): p is number {
  return typeof p === 'number';
}

/** PTR_ERR(ptr) */
export function PTR_ERR(p: number): number {
  return p;
}

/** IS_ERR_OR_NULL(ptr) */
export function IS_ERR_OR_NULL<T>(p: ErrPtr<T> | null | undefined): p is number | null | undefined {
  return p === null || p === undefined || typeof p === 'number';
}
