// A witness's cause key: what separates two bugs that end in one report (one signature). The
// signature says where the kernel noticed (kind, reporting function, entry point, message);
// the cause says what else was going on: the scenario operations other threads had in flight
// when it was reported, and whether an allocation had been made to fail. Read from the
// execution itself (no minimization needed), it tells apart, for example, F2's nested reset
// quirk (a reset alone) from F8's other order (a `reset_method` write's probe in flight), F4's
// failed hot-add probe (a fault) from F13 seen from the bind side (a registration in flight),
// F9 (`resetMethod` in flight) from the blocked legacy default domain (DMA alone), F10 (a reset
// alone) from F12 (a registration in flight).
//
// An operation on a device unrelated to the reporting operation's (another slot, no shared
// requester ID, another bus) cannot have made the report and is left out: it would only split
// one bug into as many causes as there are things the other threads happen to do.
import type { Execution } from '../rt/execution.js';
import type { Violation } from '../rt/violation.js';
import { opsInFlight } from '../scenarios/iommu/op-log.js';
import type { Op, Topology } from '../scenarios/iommu/spec.js';

/** may an operation on one device affect a report about another? */
export type Related = (a: string, b: string) => boolean;

/**
 * Devices that can share an IOMMU group or a requester ID: one slot, a DMA alias between them,
 * one bus behind a bridge, or every device when the driver puts all in one group (the mock's
 * `deviceGroup: single`). Platform devices only with themselves (or all, in one group).
 */
export function relatedIn(t: Topology): Related {
  if ((t as { mock?: { deviceGroup?: string } }).mock?.deviceGroup === 'single') return () => true;
  const pci = new Map((t.pci ?? []).map((d) => [d.name, d]));
  const devfn = (d: { slot: number; fn?: number }): number => (d.slot << 3) | (d.fn ?? 0);
  return (a, b) => {
    if (a === b) return true;
    const x = pci.get(a);
    const y = pci.get(b);
    if (x === undefined || y === undefined || x.bus !== y.bus) return false;
    if (x.bus !== 0 || x.slot === y.slot) return true;
    return (x.aliases ?? []).includes(devfn(y)) || (y.aliases ?? []).includes(devfn(x));
  };
}

function devOf(op: Op): string | null {
  return 'dev' in op && typeof op.dev === 'string' ? op.dev : null;
}

/** `alone`, `with register+reset`, `alone, fault`, ... */
export function causeOf(exec: Execution, v: Violation, related: Related): string {
  const { mine, others } = opsInFlight(exec, v.thread, v.step);
  const here = mine === null ? null : devOf(mine);
  const kinds = new Set<string>();
  for (const op of others) {
    const there = devOf(op);
    if (here === null || there === null || related(here, there)) kinds.add(op.op);
  }
  const base = kinds.size === 0 ? 'alone' : `with ${[...kinds].sort().join('+')}`;
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
