// A witness's cause key: what separates two bugs that end in one report (one signature). The
// signature says where the kernel noticed (kind, reporting function, entry point, message);
// the cause says what else was going on: the scenario operations other threads had in flight
// when it was reported (and a hot-add or an IOMMU registration that ran during the reporting
// operation and returned before the report: below), and whether an allocation had been made to
// fail. Read from the
// execution itself (no minimization needed), it tells apart, for example, F2's nested reset
// quirk (a reset alone) from F8's other order (a `reset_method` write's probe in flight), F4's
// failed hot-add probe (a fault) from F13 seen from the bind side (a registration in flight),
// F9 (`resetMethod` in flight) from the blocked legacy default domain (DMA alone), F10 (a reset
// alone) from F12 (a registration in flight), and F10 from F11 under an identity default domain.
//
// Those two report I9 `RID is bypass` from the reset, and F11's hot-add, which ran during the
// reset, has returned by the report: at the report alone, F11's cause was `alone`, F10's. An
// operation that probes a device into a group (a hot-add, an IOMMU registration) leaves the new
// member attached: its effect outlives it, so one that ran during the reporting operation counts
// as in flight. Any other operation that returned before the report does not: a `reset_method`
// write that held the device lock while the reset waited for it, then returned, is beside F2's
// own quirk (counting it would merge F2 into F8's other order).
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

/** operations whose effect on a group outlives them: they probe a device into it */
const lasting = new Set<string>(['hotAdd', 'register']);

function devOf(op: Op): string | null {
  return 'dev' in op && typeof op.dev === 'string' ? op.dev : null;
}

/** `alone`, `with register+reset`, `alone, fault`, ... */
export function causeOf(exec: Execution, v: Violation, related: Related): string {
  const { mine, others, before } = opsInFlight(exec, v.thread, v.step);
  const here = mine === null ? null : devOf(mine);
  const kinds = new Set<string>();
  for (const op of [...others, ...before.filter((o) => lasting.has(o.op))]) {
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

/** was an allocation made to fail in the witness? */
export function faulted(cause: string): boolean {
  return cause.endsWith(', fault');
}
