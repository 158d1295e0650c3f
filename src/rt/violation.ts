// Kernel reports as first-class violations. Each carries a kernel-style splat and the model's
// call stack; fatal ones (an oops) end the execution, the others let the thread go on.
import type { Frame } from './stack.js';

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
  /** thread that hit it, or null for checks made between steps */
  readonly thread: string | null;
  /** the step it was raised in (0-based, as the trace numbers them); between steps, the steps done */
  readonly step: number;
  readonly stack: readonly Frame[];
}

/** Thrown through the model's generators to end an execution after a fatal report. */
export class KernelOops extends Error {
  constructor(readonly violation: Violation) {
    super(violation.title);
  }
}

/** A bug in the model or scenario itself (not a finding): surfaces as a tool error. */
export class ModelError extends Error {}
