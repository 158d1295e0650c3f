// A violation's signature: kind + reporting function + normalized message, as the explorer makes
// it (rt/violation.ts violationSignature()), without V8's method alias, and with the scenario
// operation's entry point into the kernel when the report came from inside one
// (`warn in prepare_locked via reset_method_store: ...`). The only place the fuzzer makes a
// signature.
import { normalizeMessage, type Violation, violationSignature } from '../rt/violation.js';
import { type Frame, kernelName } from '../rt/stack.js';

export function signatureOf(v: Violation): string {
  const sig = withoutMethodAlias(violationSignature(v));
  const entry = entryOf(v.stack);
  if (entry === null) return sig;
  const head = sig.indexOf(': ');
  if (head < 0 || sig.slice(0, head).endsWith(` in ${entry}`)) return sig;
  return `${sig.slice(0, head)} via ${entry}${sig.slice(head)}`;
}

/**
 * The kernel function the scenario operation called (the frame inside the interpreter's
 * `run_op`): one report reached from two entry points is two bugs to triage, e.g. the re-entry
 * WARN of prepare from a nested reset quirk (F2) and from a sysfs `reset_method` write (F8), or
 * the late-probe WARN from a driver bind (F4) and from the IOMMU registration (F13). Null for a
 * report made outside any operation (a leak at the end, a check between steps).
 */
function entryOf(stack: readonly Frame[]): string | null {
  for (let i = 1; i < stack.length; i++) {
    if (nameOf(stack[i]!.fn) !== 'run_op') continue;
    // inward from run_op, past the interpreter's own helpers (src/scenarios/)
    for (let j = i - 1; j >= 0; j--) if (!harness.test(stack[j]!.where)) return nameOf(stack[j]!.fn);
    return null;
  }
  return null;
}

const harness = /(^|[\\/])src[\\/]scenarios[\\/]/;

const names = new Map<string, string>();
function nameOf(fn: string): string {
  let n = names.get(fn);
  if (n === undefined) {
    n = kernelName(fn.replace(/ \[as [^\]]+\]$/, ''));
    if (names.size < 10_000) names.set(fn, n);
  }
  return n;
}

/**
 * "in mock_domain_free [as free]: ..." -> "in mock_domain_free: ...". V8 names a method frame
 * after the property it was called through only when it can see the receiver, which an
 * optimized frame may not keep: the same report would get two signatures depending on what was
 * optimized in the thread. The function is the reporting function; the alias is not.
 */
function withoutMethodAlias(signature: string): string {
  return signature.replace(/^(\S+ in \S+) \[as [^\]]+\]:/, '$1:');
}

/** a model error (a JS exception out of the model, not a kernel report) as a signature */
export function modelErrorSignature(message: string): string {
  return `model-error: ${normalizeMessage(message.replace(/ \(in (setup|thread \S+) at step \d+; schedule \S+\)$/, ''))}`;
}
