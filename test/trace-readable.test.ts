// Traces a reader can follow: objects under the scenario's names (device, domain, the group of
// which devices, a stream with its device), each operation's start and return code, the step of
// the violation and an injected failure marked, and a key from schedule numbers to threads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceNames } from '../src/rt/trace-names.js';
import { inProcess } from './helpers/cli.js';

describe('readable traces', () => {
  it('replay names the objects of iommu-reset-vs-detach by the scenario and marks the violation', async () => {
    const r = await inProcess(['replay', 'iommu-reset-vs-detach', '1x8.2x3.1']);
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
    assert.match(marked[1]!, /^>> +84 +reset +mutex_lock/);
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

  it('an unnamed program traces as before, with its thread key', async () => {
    const r = await inProcess(['replay', 'abba-deadlock', '-']);
    assert.match(r.stdout, /^Threads \(the numbers of the schedule\): 0 ab, 1 ba$/m);
    assert.doesNotMatch(r.stdout, /Names used above/);
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
