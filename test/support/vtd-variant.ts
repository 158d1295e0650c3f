// A built-in IOMMU scenario on the intel-iommu driver: the same operations and expectation, its
// topology's instances switched to `driver: vtd` (and the mock's knobs dropped). Until the CLI's
// `--driver` override exists, tests reach VT-d variants of the built-ins through this.
import { iommuScenario, iommuSpecOf } from '../../src/scenarios/iommu/build.js';
import type { IommuScenarioSpec } from '../../src/scenarios/iommu/spec.js';
import type { Scenario } from '../../src/scenarios/scenario.js';

/** `spec` with every IOMMU instance driven by the VT-d driver */
export function vtdSpec(spec: IommuScenarioSpec, expect: IommuScenarioSpec['expect'] = spec.expect): IommuScenarioSpec {
  const rest = { ...spec.topology };
  delete (rest as { mock?: unknown }).mock;
  return { ...spec, topology: { ...rest, iommus: spec.topology.iommus.map((i) => ({ ...i, driver: 'vtd' })) }, expect };
}

/** the VT-d variant of a built-in IOMMU scenario */
export function vtdVariant(s: Scenario, expect?: IommuScenarioSpec['expect']): Scenario {
  const spec = iommuSpecOf(s);
  if (spec === undefined) throw new Error(`${s.name} is not an IOMMU scenario`);
  return iommuScenario(vtdSpec(spec, expect));
}
