// Return codes by name, as a kernel developer writes them: "-EBUSY" for -16. The names are the
// ones the model knows (sync/errno.ts), read back through errname() so the two cannot disagree,
// and DMA_MAPPING_ERROR, the result of a failed `dmaMap` (no errno: sync/errno.ts).
import { DMA_MAPPING_ERROR_RESULT, errname } from '../../sync/index.js';

/** the largest errno the model could name (EPROBE_DEFER is 517) */
const maxErrno = 4095;

const byName: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (let n = 1; n <= maxErrno; n++) {
    const name = errname(-n);
    if (!/^-\d+$/.test(name)) m.set(name, -n);
  }
  m.set(errname(DMA_MAPPING_ERROR_RESULT), DMA_MAPPING_ERROR_RESULT);
  return m;
})();

/** "-EPERM", "-ENOENT", ...: every name an expectation may use */
export const errnoNames: readonly string[] = [...byName.keys()];

/** -16 for "-EBUSY"; undefined for a name the model does not know */
export function errnoNamed(name: string): number | undefined {
  return byName.get(name);
}
