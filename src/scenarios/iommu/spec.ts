// The scenario-construction API: a topology (IOMMU instances and their driver, PCI functions and
// bridges, platform devices) and threads made of operations. Operations are plain data (an op
// name and arguments) so that a YAML file can later describe the same thing.
import type { DefaultDomainTypeName } from '../../core/globals.js';
import type { PatchSetting } from '../../core/patches.js';
import type { MockOptions } from '../../drivers/mock/options.js';
import type { PciResetMethod } from '../../pci/pci.js';
import type { FaultPlan } from '../../rt/execution.js';
import type { Expectation } from '../scenario.js';

export interface IommuSpec {
  readonly name: string;
  /** registered in the prologue (default true); false leaves it to a `register` operation */
  readonly registered?: boolean;
}

export interface ResvSpec {
  readonly start: number;
  readonly length: number;
  /** DIRECT (the default) makes the device require_direct; RELAXABLE does not */
  readonly relaxable?: boolean;
}

interface DeviceCommon {
  readonly name: string;
  /** the IOMMU instance firmware puts it behind (default: the first); null: none */
  readonly iommu?: string | null;
  /** PASIDs the device supports (capability); 0 = none */
  readonly pasids?: number;
  /** firmware direct-mapped regions (RMRR / RMR) */
  readonly resv?: readonly ResvSpec[];
  /** on its bus at the start (default true); false leaves it to a `hotAdd` operation */
  readonly present?: boolean;
}

export interface PciFunctionSpec extends DeviceCommon {
  readonly bus: number;
  readonly slot: number;
  readonly fn?: number;
  /** a bridge: the bus number behind it, and how it forwards requester IDs */
  readonly bridge?: { readonly secondary: number; readonly kind?: 'pcie-port' | 'pcie-to-pci' };
  readonly multifunction?: boolean;
  /** ACS enabled (default: the PCI core's answer for the kind of function) */
  readonly acs?: boolean;
  readonly ats?: boolean;
  readonly untrusted?: boolean;
  /** quirk DMA aliases: other slot.fn on the same bus, as devfn numbers */
  readonly aliases?: readonly number[];
  /** reset capabilities: flr, af_flr, pm, acpi, device_specific (default: flr); bus and cxl_bus follow the topology */
  readonly reset?: readonly PciResetMethod[];
  /** the device-specific reset quirk resets by calling pcie_flr() (and ignores its result) */
  readonly quirkResetViaFlr?: boolean;
  /** the function is not ready in time after a reset: pci_dev_wait() gives up (-ENOTTY) */
  readonly resetTimeout?: boolean;
  /** the firmware's _RST method fails (acpi reset: -ENOTTY) */
  readonly acpiResetFails?: boolean;
  readonly cxl?: boolean;
}

export interface PlatformDeviceSpec extends DeviceCommon {
  /** stream IDs (default: one, assigned in order) */
  readonly sids?: readonly number[];
}

export interface Topology {
  readonly iommus: readonly IommuSpec[];
  /** the mock driver's knobs (blocked/identity domains, PASID, deferred attach, failures) */
  readonly mock?: MockOptions;
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
    | { readonly op: 'domainAlloc'; readonly dev: string; readonly domain: string; readonly pasid?: boolean; readonly iommufd?: boolean }
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
  readonly expect: Expectation;
  /** allocation fault injection the check runs with unless told otherwise */
  readonly faults?: FaultPlan;
}
