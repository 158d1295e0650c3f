// Model errors the triage of the default fuzz run's IOMMU-core signatures found (branch sigcore,
// docs/FUZZING.md "Signatures of the default run that are not findings: the IOMMU core"), one
// regression test each; each fails before its fix.
// - I5 at the free of an io_pgtable object (SMMUv3, VT-d) blamed the domain that had got the
//   freed root frame back from the allocator meanwhile (core/checks.ts pgtableFreed());
// - the mock IOMMU's DMA walked a table its stream entry no longer named, after the driver's
//   switch had completed and the core had freed the table (hw/dma.ts: the walk step reads the
//   entry again and a transaction whose entry changed fetches it again).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkScenario } from '../src/check/check.js';
import { scenarioOfArg } from '../src/cli/scenario-args.js';
import { runOnce } from '../src/explorer/run-once.js';
import { decodeSchedule } from '../src/explorer/schedule.js';
import { signatureOf } from '../src/fuzz/signature.js';

const fixtureOf = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}.yaml`, import.meta.url));

/** the signatures one execution of a scenario (a built-in name or a file) reports along `key` */
function replayed(arg: string, key: string): string[] {
  const s = scenarioOfArg(arg);
  const d = decodeSchedule(key);
  const exec = runOnce(s.program, d.choices, { faults: { mode: 'none' }, warnFails: true, trace: false, strict: false });
  return exec.violations.map((v) => signatureOf(v));
}

describe('I5 at an io_pgtable free holds the root frame to the table only while the frame is free', () => {
  it('a removal frees its default domain\'s table; a domain allocated meanwhile gets the frame and is attached: no I5', () => {
    // before the fix: `invariant in io_pgtable_free via device_del: invariant violated: I5: iommu0
    // stream N RID still translates through freed page[0xN]` (ep0's entry, on the new domain D0)
    assert.deepEqual(replayed(fixtureOf('pgtable-frame-reused'), '1x68.2x50'), []);
  });

  it('a table freed while an entry still points at its free frame is still I5', () => {
    const sigs = replayed('iommu-release-order@smmuv3,releaseOrder=old', '1x25');
    assert.ok(sigs.some((x) => x.startsWith('invariant in io_pgtable_free ') && x.includes(': I5: ')), sigs.join('\n'));
  });
});

describe('a mock DMA in flight is ordered with a completed change of its stream entry', () => {
  it('a DMA racing a sysfs type change never walks the old default domain\'s freed table', () => {
    // before the fix: `use-after-free in tlb_or_walk via dma_access: KASAN: slab-use-after-free:
    // Read of io page table walked by the IOMMU` at 1.2x29 (the fetch before the switch, the walk
    // after the free)
    assert.deepEqual(replayed(fixtureOf('mock-settype-vs-dma'), '1.2x29'), []);
    const o = checkScenario(scenarioOfArg(fixtureOf('mock-settype-vs-dma')));
    assert.equal(o.exhaustive, true);
    assert.deepEqual(o.violations.map((v) => v.signature), []);
  });
});
