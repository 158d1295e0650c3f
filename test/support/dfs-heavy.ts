// Built-ins whose plain DFS runs far more interleavings than a test can afford: issue 10's seed
// scenarios over the corrected PCI reset model (more than 100,000 interleavings each, some never
// finishing in minutes; iommu-reset-pasid-detach 3,062) and iommu-reset-vs-detach (85,474).
// DPOR searches each of them in at most 252 executions. The cross-checks that re-run every
// built-in under DFS (DPOR soundness, bounded DPOR, checks at their points, workers) skip them;
// `iommulab check` meets every built-in's expectation with DPOR (test/dpor-cli.test.ts), and
// `npm run bench -- --reduction` compares DPOR with DFS on them (iommu-reset-vs-detach: more than
// 500,000 interleavings since the yield-rule events of branch yields).
import { onHardwareModel } from '../../src/scenarios/registry.js';
import type { Scenario } from '../../src/scenarios/scenario.js';

export const dfsHeavy: ReadonlySet<string> = new Set([
  'iommu-reset-vs-detach',
  'iommu-reset-vs-deferred-map',
  'iommu-reset-vs-hotadd',
  'iommu-reset-vs-hotadd-alias',
  'iommu-reset-method-vs-reset',
  'iommu-reset-pasid-detach',
  'iommu-release-order',
  'iommu-register-vs-bind', // F13: more than 75,000 interleavings in 60 s under DFS, 69 with DPOR
]);

// Built-ins DFS can search (350 to 12,000 interleavings each) but that cost a second or more per
// fault mode, bound or worker count in a loop over every built-in, about 25 s of the suite in all.
// One test compares DPOR with DFS on each of them exhaustively, kinds and thread results
// (test/iommu-check-points.test.ts, "at least 10 times fewer executions"); the loops over every
// built-in leave them out, so the suite stays near two minutes (`npm run bench -- --reduction`
// compares DPOR with DFS on them too).
export const dfsCostly: ReadonlySet<string> = new Set([
  'iommu-group-attach-detach',
  'iommu-hotadd-into-group',
  'iommu-reset-vs-attach',
  'iommu-reset-method-live',
]);

/**
 * The few built-ins the DFS cross-checks run in npm test (npm run test:heavy: every one DFS can
 * search): the smallest that between them show every kind the examples and the IOMMU model
 * report (assertion, lockdep and deadlock, use-after-free, null-deref, leak, sleep-in-atomic, warn,
 * invariant, dma-isolation and stale-translation), a pass, and a fail_nth sweep.
 */
export const dfsCrossCheckFew: readonly string[] = [
  'lost-update', 'mutex-counter', 'abba-deadlock', 'reader-free-uaf', 'unchecked-alloc', 'leak-on-error', 'sleep-in-spinlock',
  'iommu-lifecycle-fail-nth', 'iommu-unmap-no-tlbi', 'iommu-reset-nested', 'iommu-claim-between-phases',
];

/**
 * the scenarios of `list` a DFS cross-check over every built-in can afford: not the heavy and
 * costly ones above, nor those on a hardware-model driver (arm-smmu-v3, intel-iommu: tens of
 * steps per attach, no end under DFS; onHardwareModel)
 */
export function dfsAffordable(list: readonly Scenario[]): Scenario[] {
  return list.filter((s) => !dfsHeavy.has(s.name) && !dfsCostly.has(s.name) && !onHardwareModel(s));
}
