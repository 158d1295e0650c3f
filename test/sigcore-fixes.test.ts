// Model errors the triage of the default fuzz run's IOMMU-core signatures found (branch sigcore,
// docs/FUZZING.md "Signatures of the default run that are not findings: the IOMMU core"), one
// regression test each; each fails before its fix.
// - I5 at the free of an io_pgtable object (SMMUv3, VT-d) blamed the domain that had got the
//   freed root frame back from the allocator meanwhile (core/checks.ts pgtableFreed()).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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
