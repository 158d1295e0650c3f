// The fuzzer decides "new, already triaged, known" by a signature's key (src/fuzz/sigkey.ts): the
// instance names of the program (devices, domains, IOMMUs, domain ids, PASIDs) are placeholders,
// and what tells two findings apart (entry point, reporting function, message, a domain's kind)
// stays. The known list matches through the key, an execution's leaks after another report are
// its consequences (src/fuzz/primary.ts), and a run's summary keeps the readable signatures.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { summaryText } from '../src/cli/fuzz-command.js';
import { type CampaignSpec, type CampaignState, initialState, programAt, type SignatureRecord } from '../src/fuzz/campaign.js';
import { defaultFuzzConfig } from '../src/fuzz/config.js';
import { fuzz } from '../src/fuzz/index.js';
import { builtinKnown, KnownSet, loadKnown } from '../src/fuzz/known.js';
import { keyedReports } from '../src/fuzz/primary.js';
import type { Witness } from '../src/fuzz/search.js';
import { signatureKey } from '../src/fuzz/sigkey.js';
import type { Violation, ViolationKind } from '../src/rt/violation.js';
import { scratchDir } from './helpers/cli.js';

const dir = scratchDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** the built-in known signature whose note starts with `F<n>:` (the first one) */
function finding(f: string): string {
  const k = builtinKnown.find((x) => x.note.startsWith(`${f}:`) || x.note.startsWith(`${f} (`));
  assert.ok(k !== undefined, f);
  return k.signature;
}

test('signatures that differ only by instance names share a key', () => {
  const same: Array<readonly string[]> = [
    [
      'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:D1#N (translate(page[0xN]))',
      'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I3: dev:br0 RID is abort but group#N->domain is domain:D0#N (translate(page[0xN]))',
    ],
    [
      'driver-contract in iommu_driver_get_domain_for_dev via reset_method_store: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep0) answered domain:D1#N but the hardware has its RID on abort',
      'driver-contract in iommu_driver_get_domain_for_dev via reset_method_store: iommu driver contract violated: iommu_driver_get_domain_for_dev(dev:ep1) answered domain:D0#N but the hardware has its RID on abort',
    ],
    ['leak: kmemleak: unreferenced object cache_tag:iotlb/did4/pasid2#N', 'leak: kmemleak: unreferenced object cache_tag:iotlb/did6/pasid3#N'],
    ['leak: kmemleak: unreferenced object iommu_domain_info:iommu0/did2#N', 'leak: kmemleak: unreferenced object iommu_domain_info:iommu1/did5#N'],
    ['double-free in dev_iommu_free via device_del: KASAN: double-free: kfree(dev_iommu:plat0)', 'double-free in dev_iommu_free via device_del: KASAN: double-free: kfree(dev_iommu:ep0)'],
    [
      'invariant in driver_attach_dev via reset_method_store: invariant violated: H9: ep:ep0 has ATS enabled but its STE (sid N) has EATS=abt (after attach_dev(dev:ep0) returned N)',
      'invariant in driver_attach_dev via reset_method_store: invariant violated: H9: ep:ep2 has ATS enabled but its STE (sid N) has EATS=abt (after attach_dev(dev:ep2) returned N)',
    ],
    // how many stream table entries point at the freed page is the program's, not the bug's
    [
      'invariant in free_table_pages via iommu_domain_free: invariant violated: H4: page-table frame 0xN freed while iommu1: sid N ssid N TTB0; iommu1: sid N ssid N TTB0 still point at it',
      'invariant in free_table_pages via iommu_domain_free: invariant violated: H4: page-table frame 0xN freed while iommu0: sid N ssid N TTB0; iommu0: sid N ssid N TTB0; iommu0: sid N ssid N TTB0 still point at it',
    ],
    // a device a user's scenario named
    ['dma-isolation in device_dma: DMA isolation: dev:ep0 DMA to mapped 0xN failed (abort) while its driver is bound', 'dma-isolation in device_dma: DMA isolation: dev:gpu DMA to mapped 0xN failed (abort) while its driver is bound'],
  ];
  for (const [a, b] of same) assert.equal(signatureKey(a!), signatureKey(b!), `${a}\n${b}`);
  // the key has no instance name left
  assert.equal(
    signatureKey(same[0]![0]!),
    'invariant in pci_dev_reset_iommu_done via pci_reset_function_with: invariant violated: I3: dev:* RID is abort but group#N->domain is domain:D*#N (translate(page[0xN]))',
  );
});

test('a domain\'s kind, the entry point, the reporting function and the message stay in the key', () => {
  const apart: Array<readonly string[]> = [
    // the kinds of domains carry meaning
    [
      'invariant in iommu_attach_group: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))',
      'invariant in iommu_attach_group: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:identity#N (bypass)',
      'invariant in iommu_attach_group: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:D0#N (translate(page[0xN]))',
    ],
    // F2 and F8: one WARN, two entry points
    [finding('F2'), finding('F8')],
    // F4 and F13: one WARN, two entry points
    [finding('F4'), finding('F13')],
    // F10, F11 and F12: resets and probes of one function, other functions and messages
    [finding('F10'), finding('F11'), finding('F12')],
    // PASID 0 is VT-d's tag of the RID (IOMMU_NO_PASID), not a PASID's index
    ['leak: kmemleak: unreferenced object cache_tag:iotlb/did2/pasid0#N', 'leak: kmemleak: unreferenced object cache_tag:iotlb/did2/pasid1#N'],
    // invariant names are not indexes
    ['invariant in iommu_attach_group: invariant violated: I3: group#N has a default_domain but no domain', 'invariant in iommu_attach_group: invariant violated: I4: group#N has a default_domain but no domain'],
  ];
  for (const group of apart) {
    const keys = group.map(signatureKey);
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
  }
  // no two built-in findings' signatures fall on one key
  const keys = builtinKnown.map((k) => signatureKey(k.signature));
  assert.equal(new Set(keys).size, keys.length);
});

test('a known entry matches the same report under other names, in the built-in list and in a file', () => {
  const known = new KnownSet(builtinKnown);
  // F9's entry names dev:ep0; the run reported it on ep2
  const f9 = finding('F9');
  assert.match(f9, /dev:ep0/);
  const renamed = f9.replace('dev:ep0', 'dev:ep2');
  assert.ok(known.has(renamed));
  assert.equal(known.note(renamed), known.note(f9));
  // F22's with another domain and device
  const f22 = finding('F22').replace('domain:D0#N', 'domain:D3#N').replace('dev:ep0', 'dev:br1');
  assert.ok(known.has(f22));
  // F2's WARN from the sysfs entry is F8, not F2 under other names
  assert.ok(!new KnownSet(builtinKnown.filter((k) => k.signature === finding('F2'))).has(finding('F8')));
  const file = join(dir, 'known.txt');
  writeFileSync(file, '# mine\ninvariant in iommu_attach_group: invariant violated: I3: dev:ep0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))\n');
  const mine = loadKnown(file);
  assert.ok(mine.has('invariant in iommu_attach_group: invariant violated: I3: dev:br0 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))'));
  assert.ok(!mine.has('invariant in iommu_attach_group: invariant violated: I3: dev:br0 RID is abort but group#N->domain is domain:identity#N (bypass)'));
  assert.equal(mine.note('invariant in iommu_attach_group: invariant violated: I3: dev:ep3 RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))'), 'mine');
});

const v = (kind: ViolationKind, message: string): Violation => ({
  kind, title: message, splat: message, message, thread: null, step: 0, stack: [],
});

test('an execution\'s leaks after another report are its consequences; one that only leaks is keyed by its oldest leak', () => {
  const warn = v('warn', 'WARNING: WARN_ON(group->default_domain)');
  const refs = v('assertion', 'assertion failed: module arm_smmu_v3 still has 1 reference(s)');
  const leaks = ['dev_iommu:ep0', 'fwspec#3', 'arm_smmu_master:ep0', 'group#5'].map((o) => v('leak', `kmemleak: unreferenced object ${o}`));
  // a WARN, then the device its path skipped releasing: the WARN
  assert.deepEqual(keyedReports([warn, refs, ...leaks]), [warn]);
  // only the leak (and the module reference the leaked device holds): the oldest leaked object
  assert.deepEqual(keyedReports([refs, ...leaks]), [leaks[0]]);
  assert.deepEqual(keyedReports(leaks), [leaks[0]]);
  // the module reference alone, and any other assertion, stay
  assert.deepEqual(keyedReports([refs]), [refs]);
  const other = v('assertion', 'assertion failed: the group has 2 devices');
  assert.deepEqual(keyedReports([other, refs, leaks[0]!]), [other]);
  // reports that are not leaks are all kept, in order
  const inv = v('invariant', 'invariant violated: I5: ...');
  assert.deepEqual(keyedReports([warn, inv]), [warn, inv]);
});

test('a run\'s summary lists readable signatures, one per key, with the key and the names it was seen under', async () => {
  // a state saved before keys: one record per name variant (three signatures, two keys), all
  // triaged, so the resumed run has nothing to search or triage and writes its summary
  const spec: CampaignSpec = { seed: 1, faults: [], config: { ...defaultFuzzConfig, drivers: { mock: 1 } }, shard: null };
  const program = programAt(spec, 0, []);
  const rec = (signature: string, firstProgram: number, count: number): SignatureRecord => ({
    signature, kind: signature.split(' ')[0]!, cause: 'alone', causes: [], firstProgram, firstMs: 1000 * firstProgram, count,
    witness: { signature } as Witness, program, canonical: signature, crashDir: '', triagedMs: 5000, known: false, check: null, size: 1,
  });
  const i3 = (dev: string): string => `invariant in iommu_attach_group: invariant violated: I3: dev:${dev} RID is abort but group#N->domain is domain:default#N (translate(page[0xN]))`;
  const uaf = 'use-after-free in bus_iommu_probe via iommu_device_register: KASAN: slab-use-after-free: lock &group#N->mutex of group#N';
  const old: CampaignState = { ...initialState(spec), programs: 3, signatures: [rec(i3('ep1'), 0, 2), rec(uaf, 1, 1), rec(i3('br0'), 2, 3)] };
  const r = await fuzz({ resume: old, workers: 1, maxPrograms: 3, known: new KnownSet([]), out: join(dir, 'run'), saveEveryMs: 60_000 });
  const s = r.summary;
  assert.deepEqual(s.signatures.map((x) => [x.signature, x.key, x.variants ?? [], x.count]), [
    [i3('ep1'), signatureKey(i3('ep1')), [i3('br0')], 5],
    [uaf, uaf, [], 1],
  ]);
  assert.equal(s.rawSignatures, 3);
  assert.equal(r.state.signatures.length, 2);
  // readable: the names as reported, no placeholders
  for (const x of s.signatures) assert.doesNotMatch(x.signature, /\*/);
  assert.match(summaryText(s, 'out', 'programs'), /2 new \(2 after minimization\), 0 known; 3 with the names as reported/);
});
