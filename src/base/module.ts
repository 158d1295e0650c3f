// struct module reference counting [B]: try_module_get()/module_put() on the IOMMU driver's
// module pin it while a device uses its ops. The model checks the count returns to zero.
import { KObject, WARN_ON } from '../sync/index.js';

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
export function tryModuleGet(m: Module | null): boolean {
  if (m !== null) m.refcnt++;
  return true;
}

/** module_put() */
export function modulePut(m: Module | null): void {
  if (m === null) return;
  if (WARN_ON(m.refcnt <= 0, `module_put(${m.name}): refcount underflow`)) return;
  m.refcnt--;
}
