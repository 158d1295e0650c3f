// Test support for the IOMMU model: run a scenario description once, with a test's own thread
// bodies over the same world, and read back the world, the results and the violations.
import { runOnce } from '../../src/explorer/run-once.js';
import type { Execution, FaultPlan } from '../../src/rt/execution.js';
import type { ViolationKind } from '../../src/rt/violation.js';
import { iommuProgram, runOps } from '../../src/scenarios/iommu/build.js';
import { runOp } from '../../src/scenarios/iommu/ops.js';
import type { IommuScenarioSpec, Op, Topology } from '../../src/scenarios/iommu/spec.js';
import type { IommuWorld } from '../../src/scenarios/iommu/world.js';
import type { Gen } from '../../src/sync/index.js';
import type { MockDriver } from '../../src/drivers/mock/mock.js';

export interface Run {
  readonly exec: Execution;
  readonly world: IommuWorld;
  /** what each test thread returned */
  readonly results: readonly unknown[];
}

export interface RunOptions {
  readonly faults?: FaultPlan;
  readonly warnFails?: boolean;
  readonly choices?: readonly number[];
}

/** run `spec` once (its own threads, or `bodies`), serial unless choices say otherwise */
export function run(
  spec: IommuScenarioSpec,
  bodies?: ReadonlyArray<(w: IommuWorld) => Gen<unknown>>,
  opts: RunOptions = {},
): Run {
  let world: IommuWorld | null = null;
  const base = iommuProgram(
    spec,
    bodies === undefined ? undefined : (w) => bodies.map((b, i) => ({ name: `t${i}`, body: () => b(w) })),
  );
  const program = {
    ...base,
    setup() {
      world = base.setup();
      return world;
    },
  };
  const exec = runOnce(program, opts.choices ?? [], {
    faults: opts.faults ?? { mode: 'none' },
    warnFails: opts.warnFails ?? true,
    trace: false,
    strict: false,
  });
  const first = exec.threads.findIndex((t) => t.name !== 'prologue');
  const results = exec.threads.slice(first).filter((t) => t.name !== 'teardown').map((t) => t.result);
  return { exec, world: world!, results };
}

/** the sorted kinds of the violations (and, with warnFails off, the warnings) of a run */
export function kinds(r: Run): ViolationKind[] {
  return [...r.exec.violations, ...r.exec.warnings].map((v) => v.kind).sort();
}

/** a spec with one thread of `ops` over `topology` */
export function spec(topology: Topology, ops: readonly Op[] = [], extra: Partial<IommuScenarioSpec> = {}): IommuScenarioSpec {
  return { name: 'test', summary: '', description: '', topology, threads: [{ name: 't0', ops }], expect: { pass: true }, ...extra };
}

/** one operation from a test body */
export function* op(w: IommuWorld, o: Op): Gen<number> {
  return yield* runOp(w, o);
}

export { runOps };

/** one IOMMU and PCI functions on bus 0 (slot n = function n unless given) */
export function pciTopology(fns: Topology['pci'], extra: Partial<Topology> = {}): Topology {
  return { iommus: [{ name: 'smmu0' }], pci: fns, defaultDomainType: 'dma', ...extra };
}

/** the mock driver's state in the running kernel of `w` (its module, ops, static domains) */
export function mockDriver(w: IommuWorld): MockDriver {
  return w.kernel.drivers.get('mock') as MockDriver;
}
