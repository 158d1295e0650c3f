// What the smmuv3 and vtd built-in suites check of the device doing DMA that `--driver` adds
// (scenarios/iommu/driver-override.ts): that it is there (its own thread, or at the chosen point),
// and that the isolation oracle checks it (a driver invalidation toggled off makes its second DMA
// land on the page the unmap gave back to its user).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkScenario } from '../../src/check/check.js';
import { iommuScenario, iommuSpecOf } from '../../src/scenarios/iommu/build.js';
import { DMA_THREAD } from '../../src/scenarios/iommu/driver-override.js';
import type { IommuScenarioSpec } from '../../src/scenarios/iommu/spec.js';
import { findScenario } from '../../src/scenarios/registry.js';

/** iommufd unmaps a page of the domain its function is attached to; nothing in it does DMA */
const unmapOnly: IommuScenarioSpec = {
  name: 'override-dma-unmap',
  summary: 'an unmap with no DMA of its own',
  description: 'The device doing DMA is the one --driver adds.',
  topology: { iommus: [{ name: 'iommu0' }], pci: [{ name: 'ep0', bus: 0, slot: 2 }] },
  prologue: [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'D' },
    { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x200000, size: 0x1000 },
    { op: 'attach', dev: 'ep0', domain: 'D', api: 'group' },
  ],
  threads: [{ name: 'user', ops: [{ op: 'unmap', domain: 'D', iova: 0x10000, size: 0x1000 }] }],
  expect: { pass: true },
};

export function overrideDmaTests(driver: 'smmuv3' | 'vtd'): void {
  it(`the override adds a device doing DMA on ${driver}: a thread of its own, or at the point the scenario chose; none on the mock or where the scenario has one`, () => {
    const own = iommuSpecOf(findScenario(`iommu-release-unlocked@${driver}`)!)!;
    assert.deepEqual(own.threads.find((t) => t.name === DMA_THREAD)?.ops.map((o) => o.op), ['dma']);
    const chosen = iommuSpecOf(findScenario(`iommu-reset-vs-hotadd@${driver}`)!)!;
    assert.equal(chosen.threads.find((t) => t.name === DMA_THREAD), undefined);
    assert.deepEqual(chosen.threads.find((t) => t.name === 'reset')!.ops.map((o) => o.op), ['reset', 'dma']);
    // a domain without a mapping gets one page mapped in the prologue, unmapped before a thread frees it
    const mapped = iommuSpecOf(findScenario(`iommu-release-order@${driver}`)!)!;
    assert.ok(mapped.prologue!.some((o) => o.op === 'map' && o.domain === 'D'));
    assert.deepEqual(mapped.threads.find((t) => t.name === 'vfio')!.ops.map((o) => o.op), ['detach', 'dma', 'unmap', 'domainFree']);
    assert.equal(iommuSpecOf(findScenario('iommu-release-unlocked@mock')!)!.threads.find((t) => t.name === DMA_THREAD), undefined);
    assert.equal(iommuSpecOf(findScenario(`iommu-unmap-vs-dma@${driver}`)!)!.threads.length, 2);
  });

  it(`on ${driver} the override's DMA is checked for isolation: with the unmap's invalidation toggled off its second DMA reaches the page iommufd unpinned`, () => {
    const s = iommuScenario(unmapOnly).withDriver!(driver);
    assert.deepEqual(iommuSpecOf(s)!.threads.find((t) => t.name === DMA_THREAD)!.ops.map((o) => o.op), ['dma', 'dma']);
    assert.equal(checkScenario(s).outcome, 'pass');
    const off = checkScenario(s.withPatches!({ mockNoIotlbInvalidate: true }));
    assert.deepEqual([...new Set(off.violations.map((v) => v.kind))], ['dma-isolation']);
    assert.match(off.violations[0]!.title, /no mapping pins any more/);
    // the same DMA alone after the threads (no concurrent fill before the unmap) sees nothing
    const after = iommuScenario({ ...unmapOnly, overrideDma: 'epilogue' }).withDriver!(driver).withPatches!({ mockNoIotlbInvalidate: true });
    assert.equal(checkScenario(after).outcome, 'pass');
  });
}
