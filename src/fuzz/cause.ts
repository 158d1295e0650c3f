// A witness's cause key: what separates two bugs that end in one report (one signature). The
// signature says where the kernel noticed (kind, reporting function, entry point, message);
// the cause says what else was going on: the scenario operations other threads had in flight
// when it was reported, and whether an allocation had been made to fail. Read from the
// execution itself (no minimization needed), it tells apart, for example, F2's nested reset
// quirk (a reset alone) from F8's other order (a `reset_method` write's probe in flight), F4's
// failed hot-add probe (a fault) from F13 seen from the bind side (a registration in flight),
// F9 (`resetMethod` in flight) from the blocked legacy default domain (DMA alone), F10 (a reset
// alone) from F12 (a registration in flight).
import type { Execution } from '../rt/execution.js';
import type { Violation } from '../rt/violation.js';
import { opsInFlight } from '../scenarios/iommu/op-log.js';

/** `alone`, `with register+reset`, `alone, fault`, ... */
export function causeOf(exec: Execution, v: Violation): string {
  const others = opsInFlight(exec, v.thread, v.step);
  const base = others.length === 0 ? 'alone' : `with ${others.join('+')}`;
  return exec.failures > 0 ? `${base}, fault` : base;
}

/** a cause as a folder name: `alone`, `with-register-reset-fault` */
export function causeDirName(cause: string): string {
  return cause.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '');
}

/** how many operations were in flight beside the report (a fault counts half): fewer is a clearer cause */
export function causeWeight(cause: string): number {
  const m = /^with ([^,]+)/.exec(cause);
  return 2 * (m === null ? 0 : m[1]!.split('+').length) + (cause.endsWith(', fault') ? 1 : 0);
}
