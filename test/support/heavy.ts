// `npm test` runs the cross-checks that repeat one assertion over every built-in (every driver,
// every fault mode, DFS beside DPOR) on a representative few; `npm run test:heavy`
// (IOMMULAB_TEST_HEAVY=1, also run by .ci/run) runs them over all. The few are named where they
// are chosen, with why they stand for the rest.
export const heavyRun = process.env.IOMMULAB_TEST_HEAVY === '1';

/** every item in the heavy run, else those `few` names (each must be one of the items: a renamed one fails here) */
export function representative<T extends { readonly name: string }>(all: readonly T[], few: readonly string[]): T[] {
  if (heavyRun) return [...all];
  const missing = few.filter((n) => !all.some((x) => x.name === n));
  if (missing.length > 0) throw new Error(`representative: not among the items: ${missing.join(', ')}`);
  return all.filter((x) => few.includes(x.name));
}

/**
 * The core built-ins npm test runs on the driver (npm run test:heavy: every one): the cheapest
 * that between them reach each driver entry the core calls (probe and release, attach, replace,
 * detach, map and unmap with their invalidations, PCI reset prepare and done, PASID set and
 * remove, group moves by hot-add and removal), passes and violations. The costly ones (fail_nth
 * sweeps, DPOR searches of hundreds of executions on a hardware model: 40 CPU s for both drivers)
 * run in the heavy run and in `iommulab check --driver D`.
 */
export const driverFew: readonly string[] = [
  'iommu-lifecycle', 'iommu-hotadd-into-group', 'iommu-reset-vs-attach', 'iommu-unmap-vs-dma', 'iommu-unmap-no-tlbi',
  'iommu-reset-nested', 'iommu-reset-vs-deferred-map', 'iommu-reset-pasid-identity', 'iommu-reset-pasid-query',
  'iommu-async-probe-vs-register', 'iommu-async-probe-unfixed', 'iommu-release-last-member', 'iommu-remove-between-phases',
  'iommu-claim-between-phases', 'iommu-pasid-replace-same-handle',
];

/**
 * The known-list entries (src/fuzz/known.ts) whose replay npm test runs: the first entry of each
 * finding, a finding being the note's first word (`F3`, `F24`, `F-BRANCH-1`, `Alias`, ...);
 * `npm run test:heavy` replays every entry. By this rule a new finding's first entry lands in
 * npm test and further symptoms or entry points of a finding already listed land in test:heavy,
 * so the list can grow without npm test growing with it.
 */
export function knownSample<T extends { readonly note: string }>(all: readonly T[]): T[] {
  if (heavyRun) return [...all];
  const seen = new Set<string>();
  return all.filter((k) => {
    const finding = /^[^\s:(,]+/.exec(k.note)?.[0] ?? k.note;
    if (seen.has(finding)) return false;
    seen.add(finding);
    return true;
  });
}

/** every item in the heavy run, else every `k`-th by position (the first, the k+1-th, ...): a sample by a fixed rule */
export function sampled<T>(all: readonly T[], k: number): T[] {
  return heavyRun ? [...all] : all.filter((_, i) => i % k === 0);
}
