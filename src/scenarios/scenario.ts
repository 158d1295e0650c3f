// A built-in scenario: a program for the runtime plus what it is expected to do.
import type { PatchSettings } from '../core/patches.js';
import type { FaultPlan, Program } from '../rt/execution.js';
import type { ViolationKind } from '../rt/violation.js';

export type Expectation = { readonly pass: true } | { readonly violations: readonly ViolationKind[] };

/** where a scenario read from a file comes from: workers and checkpoints find it again by these */
export interface ScenarioOrigin {
  /** absolute path */
  readonly file: string;
  /** of the file's bytes when it was read */
  readonly sha256: string;
}

export interface Scenario {
  readonly name: string;
  /** one line for listings */
  readonly summary: string;
  /** what it shows and why it matters */
  readonly description: string;
  readonly expect: Expectation;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each scenario has its own world type
  readonly program: Program<any>;
  /** fault injection the check runs it with unless told otherwise */
  readonly faults?: FaultPlan;
  /** a scenario file's (scenarios/file/); built-ins have none */
  readonly origin?: ScenarioOrigin;
  /** IOMMU scenarios: every patch toggle's value in this run, as text (`check --json` reports it) */
  readonly patches?: Readonly<Record<string, string>>;
  /**
   * IOMMU scenarios: the same scenario with `settings` over its own toggles, named
   * NAME@SETTINGS; it expects what the declared variant of that setting expects, if there is one,
   * else what this scenario expects (scenarios/variants.ts)
   */
  readonly withPatches?: (settings: PatchSettings) => Scenario;
  /**
   * IOMMU scenarios: the same scenario, in the same settings, with every IOMMU of its topology on
   * `driver` (`--driver`), named NAME@DRIVER[,SETTINGS] (scenarios/variants.ts)
   */
  readonly withDriver?: (driver: string) => Scenario;
  /** the toggle settings it declares it is checked in besides its own, as scenarios */
  readonly variants?: readonly Scenario[];
}

export function describeExpectation(e: Expectation): string {
  return 'pass' in e ? 'pass' : `violation: ${e.violations.join(', ')}`;
}
