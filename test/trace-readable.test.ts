// Traces a reader can follow: objects under the scenario's names (device, domain, the group of
// which devices, a stream with its device), each operation's start and return code, the step of
// the violation and an injected failure marked, and a key from schedule numbers to threads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timelineOf } from '../src/report/html-trace.js';
import { TraceNames } from '../src/rt/trace-names.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { inProcess } from './helpers/cli.js';

describe('readable traces', () => {
  it('replay names the objects of iommu-reset-vs-detach by the scenario and marks the violation', async () => {
    const r = await inProcess(['replay', 'iommu-reset-vs-detach', '1x8.2x4.1']);
    assert.equal(r.code, 1);
    const out = r.stdout;
    // no bare kernel object ids where the scenario has a name, in the splats and in the trace
    assert.doesNotMatch(out.slice(0, out.indexOf('Names used above')), /group#|io_pgtable#|domain:D#|cookie#/);
    assert.match(out, /mutex_lock\(&group\(ep0\)->mutex\)/);
    assert.match(out, /The buggy address belongs to the object io_pgtable\(domain:D\)/);
    assert.match(out, /ste_write\(ste\[\d+\]\(ep0\)\.rid\)/);
    assert.match(out, /kfree\(io_pgtable\(domain:D\)\)/);
    // the key back to the kernel's labels
    assert.match(out, /^ {2}group\(ep0\) +group#[0-9a-f]+$/m);
    assert.match(out, /^ {2}domain:D +domain:D#[0-9a-f]+$/m);
    // schedule numbers -> thread names
    assert.match(out, /^Threads \(the numbers of the schedule\): 0 prologue, 1 reset, 2 close$/m);
    // operation boundaries with their return codes, under the thread that ran them
    assert.match(out, /^ +reset +-- reset\(dev=ep0\) begins$/m);
    assert.match(out, /^ +close +-- detach\(dev=ep0, domain=D, api=group\) returned 0$/m);
    // the violation's step is marked, and only it
    const marked = out.split('\n').filter((l) => l.startsWith('>>'));
    assert.deepEqual(marked.map((l) => l.match(/<== (.*)$/)![1]), ['warn', 'use-after-free']);
    // the step number counts the prologue's steps too (bus klist steps among them)
    assert.match(marked[1]!, /^>> +\d+ +reset +READ_ONCE\(dev:ep0\.iommu\) +dev_iommu_priv_get /);
  });

  it('a group is named by every device it has had; addresses in hex', async () => {
    const r = await inProcess(['run', 'iommu-hotadd-into-group', '--seed', '5']);
    assert.match(r.stdout, /mutex_lock\(&group\(ep0,ep1\)->mutex\)/);
    assert.doesNotMatch(r.stdout, /group\(ep0\)/, 'one name for the whole trace, though ep1 joins late');
    assert.match(r.stdout, /-- dma\(dev=ep0, iova=0x40000\) returned 0$/m);
  });

  it('marks the allocation a fault plan failed', async () => {
    const r = await inProcess(['replay', 'iommu-lifecycle', 'n1/-']);
    assert.match(r.stdout, /^Injected allocation failures: 1 /m);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith(' ! '));
    assert.equal(failed.length, 1, r.stdout);
    assert.match(failed[0]!, /kzalloc\(\).*<== allocation failed \(injected\)$/);
  });

  it('check -v prints splats under the same names as traces (not group#100003)', async () => {
    const r = await inProcess(['check', 'iommu-release-unlocked', 'iommu-remove-between-phases', '-v', '--workers', '1']);
    assert.equal(r.code, 0, r.stderr);
    // the splat lines (indented under each signature); the signatures themselves stay the kernel's
    const splats = r.stdout.split('\n').filter((l) => /^ {9}\S/.test(l) && !/replay: /.test(l));
    assert.ok(splats.length > 5, r.stdout);
    for (const l of splats) assert.doesNotMatch(l, /(group|io_pgtable|domain:D|cookie)#[0-9a-f]+/, l);
    assert.ok(r.stdout.includes(' invariant violated: I3: dev:ep0 RID is abort but group(ep0,ep1)->domain is domain:D (translate(io_pgtable(domain:D)))\n'));
    assert.match(r.stdout, /^ +The buggy address belongs to the object group\(ep0\)$/m);
    // without -v, no extra run and no splat
    const plain = await inProcess(['check', 'iommu-release-unlocked', '--workers', '1']);
    assert.doesNotMatch(plain.stdout, /^ {9}invariant violated: I5/m);
  });

  it('an unnamed program traces as before, with its thread key', async () => {
    const r = await inProcess(['replay', 'abba-deadlock', '-']);
    assert.match(r.stdout, /^Threads \(the numbers of the schedule\): 0 ab, 1 ba$/m);
    assert.doesNotMatch(r.stdout, /Names used above/);
  });
});

describe('readable traces on VT-d', () => {
  const example = 'examples/scenarios/vtd-reset-pasid.yaml';

  it('context and PASID entries, caches, the QI, DIDs, cache tags and domain locks by the scenario\'s names', async () => {
    const r = await inProcess(['run', example]);
    assert.equal(r.code, 1);
    const out = r.stdout;
    const trace = out.slice(out.indexOf('Trace:'), out.indexOf('Names used above'));
    // hardware slots by what they are and whose (no bare page[0x..].eN where the scenario has a name)
    assert.doesNotMatch(trace, /page\[0x[0-9a-f]+\]\.e\d+/);
    assert.match(trace, /context_write_word0\(context_entry\(ep0\)\)/);
    assert.match(trace, /pasid_write_word0\(pasid_entry\[0\]\(ep0\)\)/);
    assert.match(trace, /pasid_write_word0\(pasid_entry\[1\]\(ep0\)\)/);
    assert.match(trace, /pasid_dir_load\(pasid_dir\[0\.\.63\]\(ep0\)\)/);
    assert.match(trace, /page_init\(page_table\(domain:P\)\)/);
    // queued invalidation: the submit, each descriptor on what it invalidates, the wait
    assert.match(trace, /qi_submit_sync\(dmar0\.qi\)/);
    assert.match(trace, /qi_pc\(dmar0\.pasid_cache\(pasid 1\)\)/);
    assert.match(trace, /qi_piotlb\(dmar0\.iotlb\(did 3\)\)/);
    assert.match(trace, /qi_wait\(dmar0\.fence\)/);
    // the driver's objects by their domain
    assert.match(trace, /spin_lock\(&domain:P->lock\)/);
    assert.match(trace, /kfree\(cache_tag\(default-domain\(ep0\), devtlb ep0 did 2 pasid 0\)\)/);
    assert.doesNotMatch(trace, /dmar_domain#|cache_tag:|iommu_domain_info:/);
    assert.match(out, /^ {2}context_entry\(ep0\) +page\[0x[0-9a-f]+\]\.e16$/m);
  });

  it('the HTML report timeline uses the same names', () => {
    const f = loadScenarioFile(example);
    const tl = timelineOf(f.scenarios[0]!, '-');
    const ops = tl.steps.map((s) => s.op);
    assert.ok(ops.includes('context_write_word0(context_entry(ep0))'), ops.slice(0, 20).join(' | '));
    assert.ok(ops.some((o) => o.startsWith('qi_wait(')));
    const labels = new Set(tl.steps.flatMap((s) => s.objects.map((o) => o.label)));
    assert.ok(labels.has('pasid_table[0..63](ep0)') && labels.has('dmar0.qi') && labels.has('domain:P'), [...labels].join(' '));
    assert.ok(![...labels].some((l) => /^(page\[|dmar_domain#|cache_tag:)/.test(l) && !/^page\[0x[0-9a-f]+\]$/.test(l)), [...labels].join(' '));
    assert.match(tl.reports[0]!.splat, /domain_id_iommu/);
  });
});

describe('TraceNames', () => {
  it('renames a label only where it stands alone', () => {
    const n = new TraceNames();
    n.name({ oid: 1, label: 'ste[4]', container: null }, 'ste[4](ep1)');
    n.name({ oid: 2, label: 'group#10', container: null }, 'group(ep0)');
    n.phrase('stream 4', 'stream 4 (ep1)');
    assert.equal(n.rename('ste[48].rid ste[4].rid'), 'ste[48].rid ste[4](ep1).rid');
    assert.equal(n.rename('&group#100->mutex &group#10->mutex'), '&group#100->mutex &group(ep0)->mutex');
    assert.equal(n.rename('smmu0 stream 4 and stream 45'), 'smmu0 stream 4 (ep1) and stream 45');
  });

  it('a later name replaces an earlier one (a group gains a member)', () => {
    const n = new TraceNames();
    const g = { oid: 3, label: 'group#3', container: null };
    n.name(g, 'group(ep0)');
    n.name(g, 'group(ep0,ep1)');
    assert.equal(n.rename('group#3'), 'group(ep0,ep1)');
  });
});
