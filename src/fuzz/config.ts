// What a fuzz campaign generates and how hard it searches each program: the weighted choice
// table of operation kinds, the topology features' probabilities, the program shape, and the
// search budget per program. The defaults are here; a config file (config-file.ts) changes any
// part of them.
import type { PatchSetting } from '../core/patches.js';
import { driverNames } from '../drivers/registry.js';
import type { OpName } from '../scenarios/iommu/spec.js';

/** the operations a generated program uses (signal and wait are added by finalize.ts) */
export const fuzzOpKinds = [
  'register', 'unregister', 'hotAdd', 'remove', 'bind', 'unbind', 'claim', 'releaseOwner', 'domainAlloc',
  'domainFree', 'attach', 'detach', 'replace', 'pasidAttach', 'pasidReplace', 'pasidDetach', 'map', 'unmap',
  'dmaMap', 'dmaUnmap', 'dma', 'reset', 'resetMethod', 'setType', 'prepareMsi', 'resvRegions',
] as const satisfies readonly OpName[];
export type FuzzOpKind = (typeof fuzzOpKinds)[number];

/** topology features: the probability that a generated machine, device or bridge has each */
export interface TopologyWeights {
  /** IOMMU instances: at most this many (at least 1) */
  readonly maxIommus: number;
  /** PCI endpoints (functions that are not bridges): at most this many (at least 1) */
  readonly maxPci: number;
  /** platform devices: at most this many */
  readonly maxPlatform: number;
  /** an IOMMU left to a `register` operation */
  readonly unregisteredIommu: number;
  /** a PCI function behind a bridge (one is made when needed) */
  readonly behindBridge: number;
  /** a bridge is a PCIe-to-PCI bridge (takes over requester IDs) rather than a PCIe port */
  readonly pcieToPci: number;
  /** a bridge (or a multifunction function) has ACS set explicitly (true or false) */
  readonly acs: number;
  /** a new endpoint is another function of the previous multifunction slot */
  readonly multifunction: number;
  /** a quirk DMA alias */
  readonly alias: number;
  readonly ats: number;
  readonly pasid: number;
  readonly untrusted: number;
  /** firmware direct-mapped region (RMRR / RMR) */
  readonly resv: number;
  /** reset methods besides FLR (each) */
  readonly resetMethod: number;
  /** the device-specific quirk resets through pcie_flr() */
  readonly quirkResetViaFlr: number;
  readonly cxl: number;
  /** not present at boot: a `hotAdd` operation adds it */
  readonly hotplug: number;
  /**
   * a hot-plugged function carries a quirk DMA alias (instead of `alias`), most often the
   * requester ID of a function already there: a hot-add during that function's reset (F11)
   */
  readonly hotplugAlias?: number;
  /** firmware puts the device behind no IOMMU */
  readonly noIommu: number;
  /** the kernel command line sets the default domain type */
  readonly defaultDomainType: number;
  /** each driver knob (e.g. the mock's blockedDomain, deviceGroup...) is set */
  readonly knob: number;
  /** a driver callback is made to fail (a driver knob, rare) */
  readonly driverFault: number;
  /**
   * the driver re-attaches the RID's domain when a device's last PASID goes, asking the core
   * which it is (what SMMUv3's arm_smmu_blocking_set_dev_pasid() does; the mock's
   * lastPasidRestoresRid knob)
   */
  readonly lastPasidRestoresRid: number;
  /**
   * with that knob drawn, the kernel command line makes the default domain identity (the
   * driver re-attaches the RID's domain only when it is identity or blocked: F10)
   */
  readonly lastPasidIdentity?: number;
  /**
   * a DMA-API driver bound to an ATS function with PASIDs, alone in its group, binds an SVA
   * PASID at probe (half as often when the swarm left out `pasidAttach`): F10
   */
  readonly svaAtBind?: number;
  /** such a function's home thread starts by binding a DMA-API driver that binds an SVA PASID (F10) */
  readonly svaDriver?: number;
  /**
   * a reset is added (to another thread) of a present ATS function that a hot-added function
   * shares a slot or a DMA alias with (half as often when the swarm left out `reset`): F11
   */
  readonly hotAddReset?: number;
  /** an owner's or a driver's attach of a domain is followed by an iommufd `map` into it (F15) */
  readonly mapAfterAttach?: number;
  /**
   * an iommufd `map` into a domain a device of the thread is attached to is followed by its
   * `unmap` (both while attached: the unmap's IOTLB and ATC invalidation reach the device)
   */
  readonly unmapAfterMap?: number;
  /**
   * an `unmap` of a domain an ATS function is attached to gets a reset of that function in
   * another thread (a thread of its own in a one-thread program; half as often when the swarm
   * left out `reset`): F15 on arm-smmu-v3
   */
  readonly unmapReset?: number;
  /**
   * the mock's `deferredAttach` knob (attach deferred to the first DMA map, as for kdump) on an
   * ATS function with a DMA-API driver; besides `knob`, which draws it on any device: F21
   */
  readonly deferredAttach?: number;
  /** such a device's home thread starts by binding a DMA-API driver that maps a buffer (F21) */
  readonly deferredDriver?: number;
  /**
   * a deferred device's first DMA map gets a reset of the device in another thread (a thread of
   * its own in a one-thread program; half as often when the swarm left out `reset`): F21
   */
  readonly deferredMapReset?: number;
}

export interface ProgramShape {
  /** concurrent threads: at least 1, at most this many */
  readonly maxThreads: number;
  /** operations a thread draws (prerequisites come on top) */
  readonly maxOpsPerThread: number;
  /** swarm testing: each operation kind with a weight is in a program's subset with this probability */
  readonly swarm: number;
  /** a thread's leading operations go to the prologue (run alone before the threads) */
  readonly prologue: number;
  /** a thread ends by undoing what it did (detach, release, free, unbind) */
  readonly closeOut: number;
}

/** how each program is searched: executions per strategy, all seeded from the program */
export interface SearchBudget {
  readonly random: number;
  readonly pct: number;
  /** PCT bug depths, used in turn */
  readonly pctDepths: readonly number[];
  /** DFS with each of these preemption bounds, each capped at `dfsExecutions` */
  readonly dfsBounds: readonly number[];
  readonly dfsExecutions: number;
  /**
   * the DFS cap is `dfsExecutions` times this for a program whose random walks or PCT runs had a
   * thread asleep (msleep(): a PCI reset's wait) at a choice point: switching away from a
   * sleeping thread is no preemption, so such a program has more executions within each bound,
   * and a race with the sleeper (the reset's whole prepare inside another thread's window, that
   * thread resuming while the function is in reset: F15) sits at an early preemption point, which
   * a depth-first search reaches last. Absent: 1
   */
  readonly dfsSleepFactor?: number;
  /** with --faults choice: random executions where an allocation may fail */
  readonly faultChoice: number;
  /** probability that an allocation offered a failure fails (choice mode) */
  readonly failRate: number;
  /** with --faults nth: executions per fail_nth point, and points at most */
  readonly nthExecutions: number;
  readonly nthPoints: number;
  /** steps after which an execution is a livelock */
  readonly maxSteps: number;
  /**
   * with --faults: the share of programs that also get the fault searches (drawn per program
   * from the seed), so one run covers fault-free and fault programs at a modest cost
   */
  readonly faultShare: number;
}

export interface TriageBudget {
  /** executions to look for the signature in one candidate program */
  readonly executions: number;
  /** candidate programs tried while minimizing one signature */
  readonly candidates: number;
  /** executions one signature's minimization may run in all (then the smallest program so far is kept) */
  readonly maxExecutions?: number;
  /**
   * time limit of the `iommulab check` runs that confirm a reproducer (seconds): a safety net
   * only, the checks are bounded by executions (so what they find does not depend on the load)
   */
  readonly checkSeconds: number;
  /**
   * witnesses kept (and triaged) per signature, one per distinct cause (cause.ts: the
   * operations other threads had in flight, a fault injected); 1 keeps the first witness only
   */
  readonly causes?: number;
  /**
   * the triage order (triage-order.ts: shortest expected job first): a queued job's expected
   * cost counts 1 / (1 + age / ageing), its age in programs committed since it was first seen,
   * so nothing waits for ever behind cheaper new ones
   */
  readonly ageing?: number;
  /** the factor on a job whose signature and cause a triaged reproducer already shows */
  readonly shown?: number;
  /** the factor on a job whose head (kind, reporting function, entry; and cause) a triage took */
  readonly repeat?: number;
  /** the factor on a further cause (a signature's first witness of a second, third, ... cause) */
  readonly furtherCause?: number;
  /**
   * the last share of a `--time-limit` run in which triage may take every worker (the rest of
   * the run: half of them): what is seen that late has no time to be triaged anyway
   */
  readonly tail?: number;
}

export interface FuzzConfig {
  /** operation kinds and their weights (0: never drawn; prerequisites are still added) */
  readonly ops: Readonly<Record<FuzzOpKind, number>>;
  /** IOMMU drivers (from the driver registry) and their weights */
  readonly drivers: Readonly<Record<string, number>>;
  readonly topology: TopologyWeights;
  readonly program: ProgramShape;
  readonly search: SearchBudget;
  readonly triage: TriageBudget;
  /** a fresh program instead of a mutated corpus entry, once the corpus has entries */
  readonly fresh: number;
  /** programs generated from one corpus snapshot (results never depend on the worker count) */
  readonly batch: number;
  /** coverage signal: V8 block coverage of the model plus operation outcomes, or outcomes only */
  readonly coverage: 'blocks' | 'outcomes';
  /** patch toggles every program runs with (none: the v7.0 baseline) */
  readonly patches: readonly PatchSetting[];
}

export const defaultFuzzConfig: FuzzConfig = {
  ops: {
    register: 3, unregister: 1, hotAdd: 3, remove: 4, bind: 6, unbind: 3, claim: 5, releaseOwner: 4,
    domainAlloc: 5, domainFree: 5, attach: 8, detach: 6, replace: 3, pasidAttach: 5, pasidReplace: 2,
    pasidDetach: 4, map: 4, unmap: 3, dmaMap: 4, dmaUnmap: 3, dma: 4, reset: 6, resetMethod: 4, setType: 3, prepareMsi: 2,
    resvRegions: 1,
  },
  // every driver of the registry (the mock now; SMMUv3 and VT-d once they are registered)
  drivers: Object.fromEntries(driverNames.map((d) => [d, 1])),
  topology: {
    maxIommus: 2, maxPci: 4, maxPlatform: 1, unregisteredIommu: 0.25, behindBridge: 0.3, pcieToPci: 0.3, acs: 0.3,
    multifunction: 0.35, alias: 0.2, ats: 0.6, pasid: 0.5, untrusted: 0.1, resv: 0.1, resetMethod: 0.2,
    quirkResetViaFlr: 0.3, cxl: 0.1, hotplug: 0.25, hotplugAlias: 0.5, noIommu: 0.05, defaultDomainType: 0.7, knob: 0.1,
    driverFault: 0.03,
    lastPasidRestoresRid: 0.4, lastPasidIdentity: 0.5, svaAtBind: 0.5, svaDriver: 0.5,
    hotAddReset: 0.8, mapAfterAttach: 0.6, unmapAfterMap: 0.8, unmapReset: 0.8,
    deferredAttach: 0.2, deferredDriver: 0.5, deferredMapReset: 0.8,
  },
  program: { maxThreads: 3, maxOpsPerThread: 5, swarm: 0.6, prologue: 0.35, closeOut: 0.6 },
  search: {
    random: 120, pct: 120, pctDepths: [2, 3], dfsBounds: [1], dfsExecutions: 60, dfsSleepFactor: 5,
    faultChoice: 120, failRate: 0.05, nthExecutions: 1, nthPoints: 80, maxSteps: 20_000, faultShare: 0.4,
  },
  triage: {
    executions: 200, candidates: 100, maxExecutions: 6000, checkSeconds: 60, causes: 4,
    ageing: 100, shown: 8, repeat: 2, furtherCause: 2, tail: 0.25,
  },
  fresh: 0.5,
  batch: 8,
  // block coverage costs about 2.5x per execution (TurboFan off, counters): measured side by
  // side on one seed it found the built-in findings about twice as late as outcome coverage
  coverage: 'outcomes',
  patches: [],
};
