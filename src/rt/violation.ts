// Kernel reports as first-class violations. Each carries a kernel-style splat and the model's
// call stack; fatal ones (an oops) end the execution, the others let the thread go on.
import { type Frame, kernelName } from './stack.js';

export const violationKinds = [
  'warn',
  'bug',
  'null-deref',
  'use-after-free',
  'double-free',
  'leak',
  'deadlock',
  'lockdep',
  'sleep-in-atomic',
  'livelock',
  'invariant',
  'assertion',
  'dma-isolation',
  'driver-contract',
  'stale-translation',
  'invalidation-timeout',
] as const;
export type ViolationKind = (typeof violationKinds)[number];

export function isViolationKind(s: string): s is ViolationKind {
  return (violationKinds as readonly string[]).includes(s);
}

export interface Violation {
  readonly kind: ViolationKind;
  /** first line of the splat, e.g. "WARNING: at __iommu_attach_group" */
  readonly title: string;
  /** the whole kernel-style report */
  readonly splat: string;
  /**
   * one line saying what went wrong, without the call trace (e.g. "WARNING: WARN_ON(!group)",
   * "KASAN: slab-use-after-free: Read of dev->iommu_group of group#100003"): what the signature is made of
   */
  readonly message: string;
  /** thread that hit it, or null for checks made between steps */
  readonly thread: string | null;
  /** the step it was raised in (0-based, as the trace numbers them); between steps, the steps done */
  readonly step: number;
  readonly stack: readonly Frame[];
}

/**
 * A violation's stable signature, the way syzkaller titles crashes: its kind, the model function
 * that reported it (innermost frame of the model call stack) and its message with the numbers that
 * change from one execution to the next (object ids, addresses, counts) normalized. Two reports
 * with one signature are taken for the same bug.
 */
export function violationSignature(v: Pick<Violation, 'kind' | 'stack' | 'message'>): string {
  const fn = v.stack[0]?.fn ?? '';
  // the same few signatures come back execution after execution: the string returned is the one
  // made the first time (hashed once, so the maps the explorer keys by it find it fast)
  let seen = recentSignatures.get(v.message);
  if (seen === undefined) {
    if (recentSignatures.size >= 4096) recentSignatures.clear();
    seen = [];
    recentSignatures.set(v.message, seen);
  }
  for (const s of seen) if (s.kind === v.kind && s.fn === fn) return s.signature;
  const signature = `${v.kind}${fn === '' ? '' : ` in ${functionName(fn)}`}: ${normalizeMessage(v.message)}`;
  seen.push({ kind: v.kind, fn, signature });
  return signature;
}

/** by message: the signatures made lately */
interface Made {
  readonly kind: ViolationKind;
  readonly fn: string;
  readonly signature: string;
}
const recentSignatures = new Map<string, Made[]>();

/** kernelName() of the few model function names that report, remembered (a search meets the same ones again and again) */
const functionNames = new Map<string, string>();

function functionName(fn: string): string {
  let name = functionNames.get(fn);
  if (name === undefined) {
    name = kernelName(fn);
    if (functionNames.size < 10_000) functionNames.set(fn, name);
  }
  return name;
}

/**
 * Object ids (`group#100003`), hex numbers and free-standing decimal numbers become N; numbers
 * inside names (`ep0`, `smmu1`, the invariant `I5`) are kept. One pass, no regular expression:
 * a search may normalize a message per execution.
 */
export function normalizeMessage(message: string): string {
  let out = '';
  let from = 0;
  const n = message.length;
  for (let i = 0; i < n;) {
    const c = message.charCodeAt(i);
    const prevWord = i > 0 && isWord(message.charCodeAt(i - 1));
    let end = -1;
    if (c === 35 /* # */ && i + 1 < n && isHex(message.charCodeAt(i + 1))) {
      end = i + 1;
      while (end < n && isHex(message.charCodeAt(end))) end++;
      if (end < n && isWord(message.charCodeAt(end))) end = -1;
      else {
        out += `${message.slice(from, i)}#N`;
        from = i = end;
        continue;
      }
    } else if (isDigit(c) && !prevWord) {
      end = i;
      // 0x followed by a hex digit
      const hex = c === 48 && (message.charCodeAt(i + 1) | 32) === 120 && i + 2 < n && isHex(message.charCodeAt(i + 2));
      if (hex) {
        end = i + 2;
        while (end < n && isHex(message.charCodeAt(end))) end++;
      } else {
        while (end < n && isDigit(message.charCodeAt(end))) end++;
      }
      if (end >= n || !isWord(message.charCodeAt(end))) {
        out += `${message.slice(from, i)}${hex ? '0xN' : 'N'}`;
        from = i = end;
        continue;
      }
      // a word that starts with digits (e.g. 4k): not a number, skip it whole
      while (end < n && isWord(message.charCodeAt(end))) end++;
      i = end;
      continue;
    } else if (isWord(c)) {
      // skip the rest of the word: digits inside it are part of a name
      i++;
      while (i < n && isWord(message.charCodeAt(i))) i++;
      continue;
    }
    i++;
  }
  return from === 0 ? message : out + message.slice(from);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** \w: letters, digits, underscore */
function isWord(c: number): boolean {
  return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}

/** Thrown through the model's generators to end an execution after a fatal report. */
export class KernelOops extends Error {
  constructor(readonly violation: Violation) {
    super(violation.title);
  }
}

/** A bug in the model or scenario itself (not a finding): surfaces as a tool error. */
export class ModelError extends Error {}
