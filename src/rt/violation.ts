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
  const f = v.stack[0];
  return `${v.kind}${f === undefined ? '' : ` in ${kernelName(f.fn)}`}: ${normalizeMessage(v.message)}`;
}

/**
 * Object ids (`group#100003`), hex numbers and free-standing decimal numbers become N; numbers
 * inside names (`ep0`, `smmu1`, the invariant `I5`) are kept.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/#[0-9a-f]+\b/g, '#N')
    .replace(/\b0x[0-9a-f]+\b/gi, '0xN')
    .replace(/\b\d+\b/g, 'N');
}

/** Thrown through the model's generators to end an execution after a fatal report. */
export class KernelOops extends Error {
  constructor(readonly violation: Violation) {
    super(violation.title);
  }
}

/** A bug in the model or scenario itself (not a finding): surfaces as a tool error. */
export class ModelError extends Error {}
