// `iommulab explain KIND`: what each kind of violation the explorer reports means, the kernel
// report it stands for, how to read its splat, and what to do about it. One entry per kind
// (the Record type makes a kind without an entry a compile error).
import { type ViolationKind, violationKinds } from '../rt/violation.js';
import { closest } from '../scenarios/did-you-mean.js';

export interface Explanation {
  /** one line: what went wrong */
  readonly summary: string;
  /** the kernel's own report or debugging feature this stands for */
  readonly kernel: string;
  /** how to read the splat, top to bottom */
  readonly reading: string;
  /** what to do next */
  readonly action: string;
}

const replayHint = 'Replay the key printed with it (`iommulab replay SCENARIO SCHEDULE`) to see the whole trace with the step marked ">>".';

export const explanations: Readonly<Record<ViolationKind, Explanation>> = {
  'warn': {
    summary: 'a WARN_ON()/WARN_ON_ONCE() in the model fired: code reached a state its authors declared impossible.',
    kernel: 'the "------------[ cut here ]------------ WARNING: CPU: 0 PID: N at FUNCTION" splat (with panic_on_warn, a panic).',
    reading: 'The WARNING line names the function and model source line of the WARN_ON; the next line is its condition; "Comm:" is the thread; the Call Trace is the model call stack, innermost first.',
    action: `Find which interleaving made the condition true: ${replayHint} A WARN in the faithful model is a finding (write it up in docs/FINDINGS.md and make the scenario expect it); --no-warn-fails reports WARNs without failing the check.`,
  },
  'bug': {
    summary: 'a BUG_ON() fired, or kfree() was given something that was never allocated: the kernel would stop here.',
    kernel: '"kernel BUG at FUNCTION!" with "Oops: invalid opcode", or KASAN\'s "invalid-free".',
    reading: 'The first line names the function and line; the next one the BUG_ON condition (or the object freed); the Call Trace shows how the thread got there.',
    action: `${replayHint} The state the BUG_ON rules out was reached on the marked step; look at the steps of other threads just before it.`,
  },
  'null-deref': {
    summary: 'the model dereferenced a NULL pointer (a field read through a pointer that was null at that moment).',
    kernel: '"BUG: kernel NULL pointer dereference, address: 0000000000000000" oops.',
    reading: '"RIP:" is the function and line that dereferenced; "dereferenced:" names the expression that was NULL; the Call Trace follows.',
    action: `${replayHint} Usually another thread cleared the pointer (or never set it yet) without the lock the reader assumes: check which thread last wrote the field in the trace.`,
  },
  'use-after-free': {
    summary: 'an object was read, written or locked after it had been kfree()d.',
    kernel: 'KASAN\'s "BUG: KASAN: slab-use-after-free in FUNCTION" report.',
    reading: 'The first lines name the access and the task; the Call Trace is the access; "Allocated by task" and "Freed by task THREAD" give the stacks of the allocation and the free (recorded on replay); the last line names the object (under the scenario\'s name on replay).',
    action: `${replayHint} The fix is usually a reference held across the access, or the free moved after the last user (look for the free step in the trace: kfree(OBJECT)).`,
  },
  'double-free': {
    summary: 'an object was kfree()d twice.',
    kernel: 'KASAN\'s "BUG: KASAN: double-free in FUNCTION".',
    reading: 'The Call Trace is the second free; "Freed by task" is the first one.',
    action: `${replayHint} Two paths each believe they own the object: find both kfree() steps in the trace.`,
  },
  'leak': {
    summary: 'an object allocated with kzalloc() was still allocated after the teardown: nothing freed it.',
    kernel: 'kmemleak\'s "unreferenced object 0x... (size N): backtrace:" report.',
    reading: 'The object and its allocation backtrace (recorded on replay): the path that allocated it and never handed it to anyone who frees it.',
    action: `${replayHint} Error paths are the usual suspects: run with --faults nth (or choice) to see which failed allocation leaves it behind.`,
  },
  'deadlock': {
    summary: 'no thread could run while some had not finished: each waits for a lock or a completion another one holds.',
    kernel: 'the hung-task report: "INFO: task NAME:PID blocked for more than 120 seconds." with the locks held.',
    reading: 'One block per blocked task, naming what it waits for and who holds it; then the locks each task holds. A cycle among them is the deadlock.',
    action: `${replayHint} Lock order is the usual cause (a lockdep report often comes with it); or a completion nobody will signal.`,
  },
  'lockdep': {
    summary: 'a locking rule was broken: two locks taken in both orders (a possible deadlock even if this run did not hang), a lock released that is not held, a lock taken recursively, a lockdep_assert_held() that failed, or a lock held on return.',
    kernel: 'lockdep\'s "WARNING: possible circular locking dependency detected", "bad unlock balance detected!", "possible recursive locking detected", and lockdep_assert_held() warnings.',
    reading: 'For an inversion: the lock being taken, the lock already held, and the chain that took them the other way round (which may come from another execution: lockdep remembers orders across the search, so its key may not reproduce it alone).',
    action: 'Decide one order for the two locks and follow it everywhere; docs/LOCKING.md lists the model\'s order.',
  },
  'sleep-in-atomic': {
    summary: 'something that may sleep (a mutex, kzalloc(GFP_KERNEL), a wait) was called while holding a spinlock.',
    kernel: '"BUG: sleeping function called from invalid context" from might_sleep().',
    reading: 'The message names what would sleep and the spinlock held; the held-locks list and the Call Trace show where the spinlock was taken.',
    action: 'Use GFP_ATOMIC / a non-sleeping variant under the spinlock, or move the sleeping call out of the critical section.',
  },
  'livelock': {
    summary: 'the threads ran many steps in a row without changing anything (only reads, DMA, cond_resched): they spin waiting for each other.',
    kernel: 'a soft lockup ("watchdog: BUG: soft lockup - CPU#0 stuck") or an RCU stall, where the kernel notices at all.',
    reading: 'The report names how many steps passed without progress and the operations the threads repeat.',
    action: `${replayHint} Look for a retry loop whose exit condition only another thread can make true, while that thread cannot run. A long but finite program is not a livelock: it is cut at --max-steps and reported as incomplete.`,
  },
  'invariant': {
    summary: 'a property of the IOMMU state (spec core.md §6: I1..I16) did not hold at a point where it must (a group\'s mutex released, a domain or page table freed, a hardware entry written).',
    kernel: 'no splat of its own in the kernel: these are the invariants the code relies on; breaking one leads to a WARN, a use-after-free or a DMA going where it should not, later.',
    reading: '"invariant violated: IN: ..." names the invariant and the objects (under the scenario\'s names on replay); the Call Trace is the step at which it was checked. docs/ARCHITECTURE.md ("Invariants") lists where each is checked and the readings chosen.',
    action: `${replayHint} Compare the bookkeeping (group->domain, the device lists) with what the hardware has programmed at the marked step.`,
  },
  'assertion': {
    summary: 'a scenario\'s own expectation failed: an operation returned a code its `expect` does not list (an operation without `expect` must return 0), or a scenario check failed.',
    kernel: 'a failed selftest assertion (kselftest\'s ASSERT_EQ / EXPECT_EQ), not a kernel report.',
    reading: '"assertion failed: OP(...) returned -EXXX, expected ..." names the operation, what it returned and what was expected; replay shows every operation\'s return code in the trace.',
    action: 'Either the kernel model legitimately returns that code in this interleaving (add it to the operation\'s `expect`), or it is a bug in the model to chase with replay.',
  },
  'dma-isolation': {
    summary: 'a device\'s DMA reached memory it was not given, or was not blocked when it had to be (the IOMMU\'s whole point).',
    kernel: 'no kernel splat: on real hardware a silent memory corruption or information leak; the IOMMU\'s fault log at best.',
    reading: '"DMA isolation: ..." names the device, the address, what it reached and what it should have reached; the Call Trace is the DMA step.',
    action: `${replayHint} Look at the hardware entries (ste/context writes) and IOTLB/ATC invalidations before the DMA in the trace: a stale translation or an entry written too early.`,
  },
  'driver-contract': {
    summary: 'the IOMMU core called a driver callback (attach_dev, set_dev_pasid, map_pages, ops->free, release_device, ...) breaking a promise the callback relies on, or answered a driver\'s iommu_driver_get_domain_for_dev() wrongly.',
    kernel: 'no splat of its own: real drivers act on the wrong premise (arm-smmu-v3 and intel-iommu tear down the attachment `old` names), which shows later as a leak, a use-after-free, a stale STE or a device left translating. docs/ORACLES.md lists each callback\'s contract.',
    reading: '"iommu driver contract violated: ..." names the callback, the argument that is wrong and what the hardware really has (e.g. "attach_dev: old is NULL but the hardware has dev:ep0 RID on translate(...)"); the Call Trace is the core path making the call.',
    action: `${replayHint} Decide from the spec whether the core really makes this call (a finding: docs/FINDINGS.md, the scenario expects it) or whether the contract is stricter than the kernel's (fix the contract in src/core/contracts.ts, citing the spec).`,
  },
  'stale-translation': {
    summary: 'H2: an IOMMU cache (IOTLB) still translates an IOVA that an unmap removed, after the driver\'s invalidation for that unmap completed.',
    kernel: 'no kernel splat: the device can go on reaching a page the kernel reuses (memory corruption, information leak).',
    reading: '"stale IOMMU translation: H2: ..." names the page table, the IOTLB, the IOVA and where the stale entry points; the Call Trace is the driver\'s iotlb_sync.',
    action: `${replayHint} Look for the invalidation (TLBI) the driver should have issued between the PTE clear and the sync: a missing or mis-ranged invalidation.`,
  },
  'invalidation-timeout': {
    summary: 'H16: an ATS invalidation was sent to a PCI function that cannot answer (it is in reset): on hardware it times out.',
    kernel: 'arm-smmu-v3 "CMD_SYNC timeout" / "ATC invalidation timeout", intel-iommu "Invalidation Time-out Error"; the series behind pci_dev_reset_iommu_prepare() exists to avoid it.',
    reading: '"IOMMU invalidation timeout: H16: ..." names the function; "(I9: ...)" is added when the reset hooks should have blocked it; the Call Trace is the path that sent the invalidation.',
    action: `${replayHint} Find what sent it during the reset window: a flush path reading a stale ats_enabled, or a reset without the IOMMU hooks.`,
  },
};

/** The text `iommulab explain KIND` prints. */
export function explainText(kind: ViolationKind): string {
  const e = explanations[kind];
  return [`${kind}: ${e.summary}`, `Kernel analogue: ${e.kernel}`, `Reading the splat: ${e.reading}`, `What to do: ${e.action}`]
    .map((p) => wrap(p, 100))
    .join('\n\n');
}

/** `text` broken at spaces into lines of at most `width` (a longer word stands alone) */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** The kinds, one a line with its summary (`iommulab explain` without a kind). */
export function kindsText(): string {
  const w = Math.max(...violationKinds.map((k) => k.length));
  return violationKinds.map((k) => `${k.padEnd(w)}  ${explanations[k].summary}`).join('\n');
}

/** "unknown kind X; did you mean Y?" for a kind that is not one */
export function unknownKindMessage(word: string): string {
  const near = closest(word, violationKinds);
  return `unknown violation kind "${word}"${near === undefined ? '' : `; did you mean ${near}?`} (kinds: ${violationKinds.join(', ')})`;
}
