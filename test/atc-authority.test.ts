// H1's ATC half (core/contracts.ts `atc_authority`, hw/check/authority.ts `atcOutsideAuthority()`):
// when attach_dev / set_dev_pasid / remove_dev_pasid returns, no translation the function's ATC
// holds may come from a table outside authority(D) as installed in memory. A driver that skips
// its ATC invalidation on a replace or detach (the test-only bug in drivers/broken.ts) leaves the
// old domain's translation in the ATC: reported at the return. The real order (entry change,
// configuration invalidation and fence, ATC invalidation and fence, return) is not, under every
// interleaving with a device DMA that fills the ATC.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokenDrivers } from '../src/drivers/broken.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { EFAULT } from '../src/sync/index.js';
import { iommuProgram } from '../src/scenarios/iommu/build.js';
import type { IommuScenarioSpec, Op } from '../src/scenarios/iommu/spec.js';

const IOVA = 0x10000;

function scenario(driver: 'smmuv3' | 'vtd', threads: IommuScenarioSpec['threads'], pasid = false): IommuScenarioSpec {
  const prologue: Op[] = [
    { op: 'bind', dev: 'ep0', driverManagedDma: true },
    { op: 'claim', dev: 'ep0', owner: 'iommufd' },
    { op: 'domainAlloc', dev: 'ep0', domain: 'A', pasid },
    { op: 'domainAlloc', dev: 'ep0', domain: 'B', pasid },
    { op: 'map', domain: 'A', iova: IOVA, paddr: 0x200000, size: 0x1000 },
    { op: 'map', domain: 'B', iova: IOVA, paddr: 0x300000, size: 0x1000 },
  ];
  // the RID on a third domain C (arm-smmu-v3 enables ATS with a translating RID), PASID 3 on A
  if (pasid) {
    prologue.push(
      { op: 'domainAlloc', dev: 'ep0', domain: 'C' },
      { op: 'map', domain: 'C', iova: IOVA, paddr: 0x400000, size: 0x1000 },
      { op: 'attach', dev: 'ep0', domain: 'C', api: 'handle', handle: 'h0' },
      { op: 'pasidAttach', dev: 'ep0', domain: 'A', pasid: 3, handle: 'p3' },
      { op: 'dma', dev: 'ep0', iova: IOVA, pasid: 3 },
    );
  } else prologue.push({ op: 'attach', dev: 'ep0', domain: 'A', api: 'handle', handle: 'h0' }, { op: 'dma', dev: 'ep0', iova: IOVA });
  return {
    name: `atc-authority-${driver}`,
    summary: '',
    description: '',
    topology: {
      iommus: [{ name: 'iommu0', driver }],
      pci: [{ name: 'ep0', bus: 0, slot: 2, ats: true, pasids: 16 }],
      defaultDomainType: 'dma',
    },
    prologue,
    threads,
    expect: { pass: true },
  };
}

function check(s: IommuScenarioSpec, broken: boolean): { kinds: string[]; splats: string[]; executions: number } {
  brokenDrivers.skipTranslationChangeAtcInv = broken;
  try {
    const r = explore(iommuProgram(s), new DporStrategy(), {});
    const kinds = [...new Set(r.found.map((c) => c.kind))].sort();
    return { kinds, splats: r.found.map((c) => c.violation.splat), executions: r.executions };
  } finally {
    brokenDrivers.skipTranslationChangeAtcInv = false;
  }
}

const replace: IommuScenarioSpec['threads'] = [{ name: 'iommufd', ops: [{ op: 'replace', dev: 'ep0', domain: 'B', handle: 'h0' }] }];
const replaceVsDma: IommuScenarioSpec['threads'] = [
  ...replace,
  { name: 'device', ops: [{ op: 'dma', dev: 'ep0', iova: IOVA, expect: [0, -EFAULT] }] },
];
const detach: IommuScenarioSpec['threads'] = [{ name: 'iommufd', ops: [{ op: 'detach', dev: 'ep0', api: 'handle' }] }];
const pasidReplace: IommuScenarioSpec['threads'] = [{ name: 'iommufd', ops: [{ op: 'pasidReplace', dev: 'ep0', domain: 'B', pasid: 3, handle: 'p3b' }] }];
const pasidDetach: IommuScenarioSpec['threads'] = [{ name: 'iommufd', ops: [{ op: 'pasidDetach', dev: 'ep0', domain: 'A', pasid: 3 }] }];

for (const driver of ['smmuv3', 'vtd'] as const) {
  describe(`H1's ATC half on ${driver}`, () => {
    it('a replace whose ATC invalidation was skipped returns with the old domain\'s translation in the ATC: dma-isolation', () => {
      const r = check(scenario(driver, replace), true);
      assert.deepEqual(r.kinds, ['dma-isolation']);
      assert.match(r.splats.join('\n'), /H1: attach_dev\(domain:B#\w+, dev:ep0\) returned 0 but ep:ep0's ATC \(iommu0 sid 0x10\) still holds IOVA 0x10000 -> 0x200000 \(4K\), filled through table 0x[0-9a-f]+: not in authority\(D\)/);
    });

    it('a detach (to the blocked domain) whose ATC invalidation was skipped: dma-isolation while ATS stays enabled', () => {
      const r = check(scenario(driver, detach), true);
      if (driver === 'smmuv3') {
        // arm-smmu-v3 disables ATS for a blocked STE: the function no longer uses what its ATC holds
        assert.deepEqual(r.kinds, [], r.splats.join('\n'));
        return;
      }
      assert.deepEqual(r.kinds, ['dma-isolation']);
      assert.match(r.splats.join('\n'), /returned 0 but ep:ep0's ATC .* still holds IOVA 0x10000 -> 0x200000/);
    });

    it('a PASID replace and a PASID detach whose ATC invalidation was skipped: dma-isolation', () => {
      const r = check(scenario(driver, pasidReplace, true), true);
      assert.deepEqual(r.kinds, ['dma-isolation'], r.splats.join('\n'));
      assert.match(r.splats.join('\n'), /H1: set_dev_pasid\(domain:B#\w+, dev:ep0, pasid 3\) returned 0 but ep:ep0's ATC \(iommu0 sid 0x10 pasid 3\) still holds IOVA 0x10000 -> 0x200000/);
      const d = check(scenario(driver, pasidDetach, true), true);
      assert.deepEqual(d.kinds, ['dma-isolation']);
      assert.match(d.splats.join('\n'), /H1: remove_dev_pasid\(.*pasid 3\) returned 0 but ep:ep0's ATC .* pasid 3\) still holds IOVA 0x10000 -> 0x200000/);
    });

    it('the driver\'s real order (entry, config invalidation + fence, ATC invalidation + fence, return) is not reported, under every interleaving with a DMA', () => {
      for (const t of [replace, detach, replaceVsDma]) {
        const r = check(scenario(driver, t), false);
        assert.deepEqual(r.kinds, [], r.splats.join('\n'));
      }
      for (const t of [pasidReplace, pasidDetach]) {
        const r = check(scenario(driver, t, true), false);
        assert.deepEqual(r.kinds, [], r.splats.join('\n'));
      }
      const raced = check(scenario(driver, replaceVsDma), false);
      assert.ok(raced.executions > 1, `${raced.executions}`);
    });
  });
}
