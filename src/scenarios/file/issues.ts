// zod's issues as a user reads them: which field, what was expected, what was there. Unions are
// narrowed to the branch whose shape the value has (an object given where "pass" or an object is
// allowed is checked as the object), so the message is about the value the user meant.
import type * as z from 'zod';
import { didYouMean } from '../did-you-mean.js';
import type { SpecIssue, SpecPath } from '../iommu/validate.js';

type Issue = z.core.$ZodIssue;

/** how a YAML value is named in a message */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  return String(v);
}

function expectedText(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    // every number of the format is an integer (zod checks the type before integrality)
    case 'number':
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    default:
      return expected;
  }
}

/** what a YAML 1.1 habit or a number in an unusual form turns into, and how to write it */
function hint(expected: string, input: unknown): string {
  if (typeof input !== 'string') return '';
  if (expected === 'boolean' && /^(yes|no|on|off|y|n|True|False|TRUE|FALSE)$/.test(input)) return ' (YAML 1.2: write true or false)';
  if ((expected === 'number' || expected === 'int') && /^[-+]?(0x[\da-f_]+|[\d_]+)$/i.test(input)) {
    return ' (write a plain decimal or 0x hex number, without sign on hex and without _ or quotes)';
  }
  return '';
}

function rootMismatch(issues: readonly Issue[], input: unknown): boolean {
  return issues.some((i) => {
    if (i.path.length > 0) return false;
    if (i.code === 'invalid_type') return true;
    if (i.code === 'invalid_value') return i.values.every((v) => typeof v !== typeof input);
    if (i.code === 'invalid_union' && i.discriminator === undefined) return i.errors.every((b) => rootMismatch(b, input));
    return false;
  });
}

function missing(issue: Issue): boolean {
  return issue.code === 'invalid_type' && issue.input === undefined && issue.path.length > 0;
}

export function specIssues(issues: readonly Issue[], prefix: SpecPath = []): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const iss of issues) {
    const path: SpecPath = [...prefix, ...(iss.path as ReadonlyArray<string | number>)];
    const input = (iss as { input?: unknown }).input;
    if (missing(iss)) {
      out.push({ path, message: `missing required field "${String(path.at(-1))}"` });
      continue;
    }
    switch (iss.code) {
      case 'unrecognized_keys': {
        // strict-object.ts wrote one line per key
        const lines = iss.message.split('\n');
        iss.keys.forEach((k, i) => out.push({ path: [...path, k], message: lines[i] ?? `unknown key "${k}"` }));
        break;
      }
      case 'invalid_type':
        out.push({ path, message: `expected ${expectedText(iss.expected)}, got ${describeValue(input)}${hint(iss.expected, input)}` });
        break;
      case 'invalid_value': {
        const values = iss.values.map(String);
        const guess = typeof input === 'string' ? didYouMean(input, values) : '';
        out.push({
          path,
          message: values.length === 1
            ? `expected ${values[0]}, got ${describeValue(input)}${guess}`
            : `${describeValue(input)} is not one of ${values.join(', ')}${guess}`,
        });
        break;
      }
      case 'too_small':
        out.push({
          path,
          message: iss.origin === 'array'
            ? `needs at least ${String(iss.minimum)} item${iss.minimum === 1 ? '' : 's'}`
            : iss.origin === 'string'
              ? 'must not be empty'
              : `${describeValue(input)} is below the minimum ${String(iss.minimum)}`,
        });
        break;
      case 'too_big':
        out.push({ path, message: `${describeValue(input)} is above the maximum ${numberText(iss.maximum)}` });
        break;
      case 'invalid_union': {
        if (iss.discriminator !== undefined) {
          // a discriminated union: the message says which tag was wrong (op-schema.ts); point at the tag
          out.push({ path, message: iss.message });
          break;
        }
        const fitting = iss.errors.filter((b) => !rootMismatch(b, input));
        if (fitting.length > 0) out.push(...specIssues(fitting[0]!, path));
        else out.push({ path, message: `${iss.message}, got ${describeValue(input)}` });
        break;
      }
      case 'invalid_format':
        out.push({ path, message: `${iss.message}, got ${describeValue(input)}` });
        break;
      default:
        out.push({ path, message: iss.message });
    }
  }
  return out;
}

function numberText(n: number | bigint): string {
  const v = Number(n);
  return v >= 256 ? `${v} (0x${v.toString(16)})` : String(v);
}
