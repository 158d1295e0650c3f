// From a scenario description to a runnable Scenario: setup builds the world, the prologue runs
// alone first, then the scenario threads; teardown runs the epilogue and the automatic
// cleanup; the §6 invariants are checked at their points (core/checks.ts); the final check
// wants the driver's module reference back to zero.
import { iommuChecker, iommuContractChecker } from '../../core/checks.js';
import { iommuCoreSwitch } from '../../core/globals.js';
import { iommuInvariants } from '../../core/invariants.js';
import { type Patches, patchDiff, patchesText, patchSettingsOf, patchSettingsText, resolvePatches, samePatches, withPatches } from '../../core/patches.js';
import { current } from '../../rt/current.js';
import type { Program } from '../../rt/execution.js';
import { armPausePoint, complete, errname, faultsInjected, type Gen, scenarioAssert } from '../../sync/index.js';
import type { Scenario } from '../scenario.js';
import { variantName } from '../variants.js';
import { cleanupWorld } from './cleanup.js';
import { specWithDriver } from './driver-override.js';
import { opBegins, opEnds } from './op-log.js';
import { runOp } from './ops.js';
import type { Expect, IommuScenarioSpec, Op } from './spec.js';
import { nameObjects, opText } from './trace-names.js';
import { pathText, validateSpec } from './validate.js';
import { buildWorld, declareNames, eventNamed, type IommuWorld } from './world.js';

function expected(e: Expect): readonly number[] {
  return typeof e === 'number' ? [e] : e;
}

function describeOpShort(op: Op): string {
  const args = Object.entries(op)
    .filter(([k]) => k !== 'op' && k !== 'expect')
    .map(([k, v]) => `${k}=${String(v)}`);
  return `${op.op}(${args.join(', ')})`;
}

/**
 * Run `ops` in order. Every operation has an expectation: its `expect`, or by default success (0).
 * One that gives a code its expectation does not list is an assertion failure (an unexpected
 * failure is reported, not a silent end of the thread) and ends the list, like a test body
 * returning at its first error; when a fault was injected in this execution any outcome is
 * legitimate and the list just ends. Events the rest of the list would signal are signalled on
 * the way out.
 */
export function* runOps(w: IommuWorld, ops: readonly Op[]): Gen<number[]> {
  const results: number[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (current.tracing) current.traceNote(`${opText(op)} begins`);
    const span = opBegins(op);
    const ret = yield* runOp(w, op);
    opEnds(span);
    if (current.tracing) current.traceNote(`${opText(op)} returned ${errname(ret)}`);
    results.push(ret);
    const want = op.expect === undefined ? defaultExpect : expected(op.expect);
    if (!want.includes(ret)) {
      if (faultsInjected() === 0) {
        const why = op.expect === undefined ? 'expected 0 (an operation without `expect` must succeed)' : `expected ${want.map(errname).join(' or ')}`;
        scenarioAssert(false, `${describeOpShort(op)} returned ${errname(ret)}, ${why}`);
      }
      for (const rest of ops.slice(i + 1)) if (rest.op === 'signal') yield* complete(eventNamed(w, rest.event));
      break;
    }
  }
  return results;
}

/** what an operation without `expect` must return */
const defaultExpect: readonly number[] = [0];

/** the threads of a program: the spec's, or a test's own bodies over the same world */
export type ThreadsOf = (w: IommuWorld) => ReadonlyArray<{ readonly name: string; readonly body: () => Gen<unknown> }>;

/**
 * How the §6 invariants are checked: at the points where they must hold, each with what it
 * reads (core/checks.ts; the default), or as one predicate over the whole state after every step
 * (core/invariants.ts; no two steps commute with it, so it is kept to cross-check the first).
 */
export type InvariantMode = 'at-points' | 'every-step';

export function iommuProgram(spec: IommuScenarioSpec, threadsOf?: ThreadsOf, invariants: InvariantMode = 'at-points'): Program<IommuWorld> {
  return {
    setup() {
      const w = buildWorld(spec);
      declareNames(w, [...(spec.prologue ?? []), ...spec.threads.flatMap((t) => t.ops), ...(spec.epilogue ?? [])]);
      for (const p of spec.topology.pausePoints ?? []) armPausePoint(p, eventNamed(w, p), eventNamed(w, `${p}:resume`));
      return w;
    },
    *prologue(w) {
      const ops = [
        ...spec.topology.iommus.filter((i) => i.registered !== false).map((i): Op => ({ op: 'register', iommu: i.name, expect: 0 })),
        ...(spec.prologue ?? []),
      ];
      // an operation of the prologue that does not give what it expects is reported like any other
      yield* runOps(w, ops);
    },
    threads: (w) => threadsOf?.(w) ?? spec.threads.map((t) => ({ name: t.name, body: () => runOps(w, t.ops) })),
    *teardown(w) {
      yield* runOps(w, spec.epilogue ?? []);
      yield* cleanupWorld(w);
    },
    ...(invariants === 'every-step'
      ? {
          invariant: (w: IommuWorld) => iommuInvariants(w.deviceList, w.truth),
          // the driver contracts are checked at their call sites in both modes
          checker: (w: IommuWorld) => iommuContractChecker(w.deviceList, w.truth),
        }
      : { checker: (w: IommuWorld) => iommuChecker(w.deviceList, w.truth) }),
    // the booted world is a plain object graph: built once, copied per execution
    snapshot: true,
    activate: (w) => iommuCoreSwitch(w.kernel.ended ? null : w.kernel.core),
    names: nameObjects,
    final(w) {
      for (const drv of w.kernel.drivers.values()) {
        if (drv.module.refcnt !== 0) return `module ${drv.module.name} still has ${drv.module.refcnt} reference(s)`;
      }
      return null;
    },
  };
}

const specs = new WeakMap<Scenario, IommuScenarioSpec>();

/** the description an IOMMU scenario was built from (to build variants of it, e.g. in tests) */
export function iommuSpecOf(s: Scenario): IommuScenarioSpec | undefined {
  return specs.get(s);
}

export function iommuScenario(spec: IommuScenarioSpec): Scenario {
  // a scenario file reports these with their line (scenarios/file/); a built-in is a programming error
  const issues = validateSpec(spec);
  if (issues.length > 0) throw new Error(`scenario ${spec.name}: ${issues.map((i) => `${pathText(i.path)}: ${i.message}`).join('; ')}`);
  const own = withPatches(spec.patches ?? []);
  const declared = (spec.variants ?? []).map((v) => ({
    patches: resolvePatches({ ...own, ...patchSettingsOf(v.patches) }),
    expect: v.expect,
    expectByDriver: v.expectByDriver,
  }));
  // the scenario in one setting, on one driver (null: as its topology says): named by what
  // differs from its own (NAME@DRIVER,SETTINGS, scenarios/variants.ts), expecting what that
  // setting declares, else what it expects on that driver
  const inSetting = (patches: Patches, driver: string | null): Scenario => {
    const diff = patchSettingsText(patchDiff(own, patches));
    const onDriver = driver === null ? spec : specWithDriver(spec, driver);
    const v = declared.find((d) => samePatches(d.patches, patches));
    const expect = v === undefined ? onDriver.expect : ((driver === null ? undefined : v.expectByDriver?.[driver]) ?? v.expect);
    const name = variantName(spec.name, driver, diff);
    const inIt: IommuScenarioSpec = { ...onDriver, name, patches: [patches], expect };
    const s: Scenario = {
      name,
      summary: spec.summary,
      description: spec.description,
      expect,
      program: iommuProgram(inIt),
      ...(spec.faults === undefined ? {} : { faults: spec.faults }),
      patches: patchesText(patches),
      withPatches: (settings) => inSetting(resolvePatches({ ...patches, ...settings }), driver),
      withDriver: (d) => inSetting(patches, d),
    };
    specs.set(s, inIt);
    return s;
  };
  const base = inSetting(own, null);
  const s: Scenario = { ...base, variants: declared.map((d) => inSetting(d.patches, null)) };
  specs.set(s, specs.get(base)!);
  return s;
}
