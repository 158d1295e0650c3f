// A topology override: the same scenario with every IOMMU driven by another driver (and its
// hardware kind), for `--driver` on the command line and NAME@DRIVER names. Not a copy of the
// scenario: its operations and patches are the original's, its expectation the original's
// unless `expectByDriver` says otherwise for that driver. iommuScenario() names the result
// (NAME@DRIVER[,SETTINGS], scenarios/variants.ts) and builds it on demand (Scenario.withDriver).
import { iommuDriverNamed } from '../../drivers/registry.js';
import type { IommuScenarioSpec } from './spec.js';

/** `spec` with every IOMMU on `driver` and the expectation it has there (the name unchanged) */
export function specWithDriver(spec: IommuScenarioSpec, driver: string): IommuScenarioSpec {
  iommuDriverNamed(driver);
  return {
    ...spec,
    expect: spec.expectByDriver?.[driver] ?? spec.expect,
    topology: { ...spec.topology, iommus: spec.topology.iommus.map((i) => ({ ...i, driver })) },
  };
}
