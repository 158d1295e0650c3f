// struct module reference counting [B]: try_module_get()/module_put() on the IOMMU driver's
// module pin it while a device uses its ops. The model checks the count returns to zero. The
// count is an atomic (module->refcnt): each get or put is one atomic step, as probes and
// releases of different devices run concurrently.
import { atomicUpdate, type Gen, KObject, WARN_ON } from '../sync/index.js';

export class Module extends KObject {
  refcnt = 0;
  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `module:${this.name}`;
  }
}

/** try_module_get(): NULL (built-in) always succeeds */
export function* tryModuleGet(m: Module | null): Gen<boolean> {
  if (m !== null) yield* atomicUpdate(m, 'refcnt', (n) => n + 1);
  return true;
}

/** module_put() */
export function* modulePut(m: Module | null): Gen {
  if (m === null) return;
  const old = yield* atomicUpdate(m, 'refcnt', (n) => (n <= 0 ? n : n - 1));
  WARN_ON(old <= 0, `module_put(${m.name}): refcount underflow`);
}
