// A topology override: the same scenario with every IOMMU driven by another driver (and its
// hardware kind), for `--driver` on the command line. Not a copy of the scenario: its operations,
// patches and expectation are the original's; its name says the driver (NAME@DRIVER), so workers,
// replay keys and checkpoints find the variant again by name.
import { iommuDriverNamed } from '../../drivers/registry.js';
import type { Scenario } from '../scenario.js';
import { iommuScenario, iommuSpecOf } from './build.js';
import type { IommuScenarioSpec } from './spec.js';

/** the separator of NAME@DRIVER */
export const DRIVER_SEPARATOR = '@';

export function specWithDriver(spec: IommuScenarioSpec, driver: string): IommuScenarioSpec {
  iommuDriverNamed(driver);
  return {
    ...spec,
    name: `${spec.name}${DRIVER_SEPARATOR}${driver}`,
    expect: spec.expectByDriver?.[driver] ?? spec.expect,
    topology: { ...spec.topology, iommus: spec.topology.iommus.map((i) => ({ ...i, driver })) },
  };
}

const variants = new Map<string, Scenario>();

/** `s` with every IOMMU on `driver`; undefined for a scenario that is not an IOMMU one */
export function scenarioWithDriver(s: Scenario, driver: string): Scenario | undefined {
  const spec = iommuSpecOf(s);
  if (spec === undefined) return undefined;
  const key = `${s.name}${DRIVER_SEPARATOR}${driver}`;
  let v = variants.get(key);
  if (v === undefined) {
    v = iommuScenario(specWithDriver(spec, driver));
    variants.set(key, v);
  }
  return v;
}
