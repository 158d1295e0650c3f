// The scenario-construction API: a topology (IOMMU instances and their driver, PCI functions and
// bridges, platform devices; the hardware part is the Machine's description, machine/topology.ts)
// and threads made of operations. Operations are plain data (an op name and arguments) so that a
// YAML file can later describe the same thing.
import type { DefaultDomainTypeName } from '../../core/globals.js';
import type { PatchSetting } from '../../core/patches.js';
import type { MockOptions } from '../../drivers/mock/options.js';
import type { SmmuKnobs } from '../../drivers/smmuv3/options.js';
import type { VtdOptions } from '../../drivers/vtd/options.js';
import type { PciFunctionSpec, PciResetMethod, PlatformDeviceSpec } from '../../machine/topology.js';
import type { FaultPlan } from '../../rt/execution.js';
import type { Expectation } from '../scenario.js';

export type { PciFunctionSpec, PlatformDeviceSpec, ResvSpec } from '../../machine/topology.js';

export interface IommuSpec {
  readonly name: string;
  /** the driver that drives it (drivers/registry.ts; default: mock) */
  readonly driver?: string;
  /** registered in the prologue (default true); false leaves it to a `register` operation */
  readonly registered?: boolean;
}

export interface Topology {
  readonly iommus: readonly IommuSpec[];
  /** the mock driver's knobs (blocked/identity domains, PASID, deferred attach, failures) */
  readonly mock?: MockOptions;
  /** the arm-smmu-v3 driver's knobs (stages, ATS, SSID/ASID/VMID sizes) */
  readonly smmuv3?: SmmuKnobs;
  /** the intel-iommu driver's knobs (first- or second-level paging domains, max_pasids) */
  readonly vtd?: VtdOptions;
  readonly pci?: readonly PciFunctionSpec[];
  readonly platform?: readonly PlatformDeviceSpec[];
  readonly defaultDomainType?: DefaultDomainTypeName;
  /**
   * Pause points to arm (a race reproducer): a thread reaching NAME signals event NAME and waits
   * for event NAME:resume. Unarmed points do nothing.
   */
  readonly pausePoints?: readonly string[];
}

/** an expected return code, or a set of acceptable ones */
export type Expect = number | readonly number[];

interface OpBase {
  /** the return code(s) this operation must give; without it, an error ends the thread */
  readonly expect?: Expect;
}

export type Op = OpBase &
  (
    | { readonly op: 'register'; readonly iommu: string }
    | { readonly op: 'unregister'; readonly iommu: string }
    | { readonly op: 'hotAdd'; readonly dev: string }
    | { readonly op: 'remove'; readonly dev: string }
    | { readonly op: 'bind'; readonly dev: string; readonly driverManagedDma?: boolean }
    | { readonly op: 'unbind'; readonly dev: string }
    | { readonly op: 'claim'; readonly dev: string; readonly owner: string; readonly group?: boolean }
    | { readonly op: 'releaseOwner'; readonly dev: string; readonly group?: boolean }
    | { readonly op: 'domainAlloc'; readonly dev: string; readonly domain: string; readonly pasid?: boolean; readonly iommufd?: boolean; readonly nestParent?: boolean }
    | { readonly op: 'domainFree'; readonly domain: string }
    | { readonly op: 'attach'; readonly dev: string; readonly domain: string; readonly api?: AttachApi; readonly handle?: string }
    | { readonly op: 'detach'; readonly dev: string; readonly domain?: string; readonly api?: AttachApi }
    | { readonly op: 'replace'; readonly dev: string; readonly domain: string; readonly handle: string }
    | { readonly op: 'pasidAttach'; readonly dev: string; readonly domain: string; readonly pasid: number; readonly handle?: string }
    | { readonly op: 'pasidReplace'; readonly dev: string; readonly domain: string; readonly pasid: number; readonly handle: string }
    | { readonly op: 'pasidDetach'; readonly dev: string; readonly domain: string; readonly pasid: number }
    | { readonly op: 'map'; readonly domain: string; readonly iova: number; readonly paddr: number; readonly size: number }
    | { readonly op: 'unmap'; readonly domain: string; readonly iova: number; readonly size: number }
    | { readonly op: 'dmaMap'; readonly dev: string; readonly paddr: number; readonly size?: number; readonly as: string }
    | { readonly op: 'dmaUnmap'; readonly dev: string; readonly handle: string }
    | { readonly op: 'dma'; readonly dev: string; readonly handle?: string; readonly iova?: number; readonly pasid?: number }
    | { readonly op: 'reset'; readonly dev: string; readonly method?: PciResetMethod | 'default' }
    | { readonly op: 'resetMethod'; readonly dev: string; readonly methods: readonly PciResetMethod[] | 'default' }
    | { readonly op: 'setType'; readonly dev: string; readonly type: 'identity' | 'DMA' | 'DMA-FQ' | 'auto' }
    | { readonly op: 'prepareMsi'; readonly dev: string; readonly doorbell: number }
    | { readonly op: 'resvRegions'; readonly dev: string }
    | { readonly op: 'signal'; readonly event: string }
    | { readonly op: 'wait'; readonly event: string }
  );

/** which API an attach uses: iommu_attach_device (default), iommu_attach_group, or the group handle */
export type AttachApi = 'device' | 'group' | 'handle';

export type OpName = Op['op'];

export interface ThreadSpec {
  readonly name: string;
  readonly ops: readonly Op[];
}

export interface VariantSpec {
  readonly patches: readonly PatchSetting[];
  readonly expect: Expectation;
  /** on another driver (NAME@DRIVER,SETTINGS), where the outcome differs: as expectByDriver below */
  readonly expectByDriver?: Readonly<Record<string, Expectation>>;
}

export interface IommuScenarioSpec {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly topology: Topology;
  /** patch toggles to run with: an off/on toggle's name (on), or `{ name: value }`; none: the v7.0 baseline */
  readonly patches?: readonly PatchSetting[];
  /**
   * Other toggle settings the scenario is checked in, each with what it must find there: `check`
   * runs the scenario in its own setting and in each of these (applied over its own `patches`).
   * A variant is named NAME@SETTINGS (e.g. `iommu-release-order@releaseOrder=old`).
   */
  readonly variants?: readonly VariantSpec[];
  /** run alone before the threads start (e.g. bind a driver, claim ownership) */
  readonly prologue?: readonly Op[];
  readonly threads: readonly ThreadSpec[];
  /** run alone after the threads, before the automatic cleanup */
  readonly epilogue?: readonly Op[];
  /**
   * Where the device doing DMA that `--driver smmuv3|vtd` adds goes (scenarios/iommu/driver-override.ts):
   * its own thread (the default), or, for a scenario a free DMA thread makes too costly to explore,
   * a DMA at a chosen point: in thread `thread`, after its operation number `after` (0-based), or
   * in the epilogue (alone, after every thread: the state the threads left).
   */
  readonly overrideDma?: { readonly thread: string; readonly after: number } | 'epilogue';
  readonly expect: Expectation;
  /**
   * Where the outcome depends on the driver (a `--driver` override, NAME@DRIVER): the expectation
   * on that driver, with the reason in docs/FINDINGS.md ("Built-ins on other drivers").
   */
  readonly expectByDriver?: Readonly<Record<string, Expectation>>;
  /** allocation fault injection the check runs with unless told otherwise */
  readonly faults?: FaultPlan;
}
