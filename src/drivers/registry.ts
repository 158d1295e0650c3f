// Every IOMMU driver of the model, by the name a topology's `driver:` uses. A new driver is one
// more entry here (see docs/ARCHITECTURE.md, "Adding a driver").
import type { IommuDriver } from './driver.js';
import { mockIommuDriver } from './mock/entry.js';
import { smmuv3IommuDriver } from './smmuv3/entry.js';
import { vtdIommuDriver } from './vtd/entry.js';

export const iommuDrivers: readonly IommuDriver[] = [mockIommuDriver, smmuv3IommuDriver as IommuDriver, vtdIommuDriver];

export const driverNames = iommuDrivers.map((d) => d.name) as [string, ...string[]];

/** the driver a topology names (default: the first, the mock) */
export function iommuDriverNamed(name: string | undefined): IommuDriver {
  const d = name === undefined ? iommuDrivers[0] : iommuDrivers.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no IOMMU driver "${name}" (known: ${driverNames.join(', ')})`);
  return d;
}
