// A violation's signature: kind + reporting function + normalized message, as the explorer makes
// it (rt/violation.ts violationSignature()), without V8's method alias. The only place the fuzzer
// makes a signature.
import { normalizeMessage, type Violation, violationSignature } from '../rt/violation.js';

export function signatureOf(v: Violation): string {
  return withoutMethodAlias(violationSignature(v));
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
