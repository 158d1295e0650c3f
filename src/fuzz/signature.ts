// A violation's signature: kind + reporting function + message shape. The definition belongs to
// the explorer (branch `reports`: rt/violation.ts violationSignature()); until it is on main this
// one function stands in for it, computing the same string from what a Violation has here, and
// it is the only place the fuzzer makes a signature.
import { kernelName } from '../rt/stack.js';
import type { Violation } from '../rt/violation.js';

/** object ids, hex and free-standing decimal numbers become N (names like ep0 or I5 keep theirs) */
function normalizeMessage(message: string): string {
  return message
    .replace(/#[0-9a-f]+\b/g, '#N')
    .replace(/\b0x[0-9a-f]+\b/gi, '0xN')
    .replace(/\b\d+\b/g, 'N');
}

/** the one-line message of a violation: the reports branch records it; here it is read back from the splat */
function messageOf(v: Violation): string {
  const own = (v as Violation & { message?: string }).message;
  if (own !== undefined) return own;
  const lines = v.splat.split('\n');
  switch (v.kind) {
    case 'warn':
      // "WARNING: CPU: 0 PID: 2 at fn (file:line)" then the condition
      return `WARNING: ${lines[lines.findIndex((l) => l.startsWith('WARNING: CPU')) + 1] ?? v.title}`;
    case 'use-after-free':
    case 'double-free': {
      const access = lines.find((l) => / by task /.test(l))?.replace(/ by task .*/, '') ?? '';
      return `${v.title.replace(/^BUG: /, '').replace(/ in \S+$/, '')}: ${access}`;
    }
    case 'deadlock':
      return `${v.title}: ${lines.filter((l) => l.startsWith('      waiting in')).map((l) => l.trim()).join('; ')}`;
    default: {
      const first = lines[0] ?? '';
      return first === v.title || first === '' ? v.title : first.startsWith(v.title) ? first : `${v.title}: ${first}`;
    }
  }
}

export function signatureOf(v: Violation): string {
  const f = v.stack[0];
  return withoutMethodAlias(`${v.kind}${f === undefined ? '' : ` in ${kernelName(f.fn)}`}: ${normalizeMessage(messageOf(v))}`);
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
