// Which reports of an execution the fuzzer keys: the end-of-run leak reports are consequences
// when anything else was reported, and one leak stands for the rest when nothing else was.
//
// kmemleak runs when every thread has ended (rt/execution.ts checkLeaks()), and the scenario's
// module-reference check (`assertion failed: module X still has N reference(s)`: a device whose
// probe took a reference and was never released) just before it. A fatal report (a NULL
// dereference, a use-after-free, an invariant) ends the execution before either runs; a WARN or
// a driver-contract report does not, and what the warned-about path skipped is then leaked. Of
// the 68 leak signatures of the 10-minute default run of 2026-12-05 10:30 (275 signatures),
// replaying each one's witness (67 replayed): 46 came from an execution that had reported
// something else first (the module-reference assertion in all 46, a WARN or a driver contract
// besides in 13), 21 from executions that only leaked (VT-d PASID objects), and an execution
// that leaks leaks a whole device at once (5-12 objects: dev_iommu, fwspec, the driver's master,
// group_device, group, the default domain, its page table, cookie, rcaches), each object its own
// signature, each triaged again. Keyed as below they are 5 keys (dev_iommu, group,
// device_domain_info, dev_pasid_info, mock_dev). Like syzkaller, which titles a crash by its
// first report, the fuzzer keys such an execution by its other reports; an execution that only
// leaks is keyed by the oldest leaked object (kmemleak reports in allocation order, and an owner
// is allocated before what it owns: a device's dev_iommu before its fwspec and master, a PASID's
// dev_pasid_info before its cache tags), and the module-reference assertion, which the leaked
// device's probe holds, goes with it. `iommulab check` and the reports keep every report.
import type { Violation } from '../rt/violation.js';

const moduleRefs = /^module \S+ still has \d+ reference\(s\)$/;

/** is this one of the end-of-run leak reports (kmemleak, the module-reference check)? */
function endOfRunLeak(v: Violation): boolean {
  return v.kind === 'leak' || (v.kind === 'assertion' && moduleRefs.test(v.message.replace(/^assertion failed: /, '')));
}

/** the reports of an execution that the fuzzer makes signatures of, in the order reported */
export function keyedReports(violations: readonly Violation[]): readonly Violation[] {
  if (violations.length <= 1) return violations;
  let others = 0;
  for (const v of violations) if (!endOfRunLeak(v)) others++;
  if (others === violations.length) return violations;
  if (others > 0) return violations.filter((v) => !endOfRunLeak(v));
  const leak = violations.find((v) => v.kind === 'leak');
  return [leak ?? violations[0]!];
}
