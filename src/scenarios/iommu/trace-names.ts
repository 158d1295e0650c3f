// The names a scenario's reader knows its objects by, for traces (rt/trace-names.ts): devices
// by their topology names, a group by its members ("group(ep0,ep1)"), the scenario's domains by
// their names, a group's default and blocking domains by the group, what a named object owns by
// the kind and the owner ("io_pgtable(D)", "cookie(default-domain(ep0))"), and a stream ID by
// the endpoint that issues it ("ste[48](ep0)", "stream 48 (ep0)").
import type { IommuDomain } from '../../core/domain.js';
import type { IommuGroup } from '../../core/group.js';
import { KObject } from '../../rt/kobject.js';
import type { TraceNames } from '../../rt/trace-names.js';
import type { Op } from './spec.js';
import type { IommuWorld } from './world.js';

export function nameObjects(w: IommuWorld, names: TraceNames): void {
  const named: Array<readonly [KObject, string]> = [];
  const add = (obj: KObject | null, name: string): void => {
    if (obj === null) return;
    names.name(obj, name);
    named.push([obj, name]);
  };
  for (const [name, e] of w.ledger.domains) if (e.value !== null) add(e.value.domain, `domain:${name}`);
  const groups = new Set<IommuGroup>();
  for (const d of w.deviceList) if (d.iommuGroup !== null) groups.add(d.iommuGroup);
  for (const g of groups) {
    // a group is named by every device it has had (one name for the whole trace, in join order)
    const seen = membersSeen.get(g) ?? [];
    for (const gd of g.devices) if (!seen.includes(gd.dev.name)) seen.push(gd.dev.name);
    membersSeen.set(g, seen);
    if (seen.length === 0) continue;
    const members = seen.join(',');
    add(g, `group(${members})`);
    if (!isScenarioDomain(names, g.defaultDomain)) add(g.defaultDomain, `default-domain(${members})`);
    if (!isScenarioDomain(names, g.blockingDomain)) add(g.blockingDomain, `blocking-domain(${members})`);
  }
  for (const d of w.deviceList) named.push([d, d.name]);
  // what a named object owns (one level: a domain's page table and IOVA cookie, say)
  for (const [obj, owner] of named) {
    for (const v of Object.values(obj)) {
      if (v instanceof KObject && !names.has(v) && ownLabel.test(v.label)) names.name(v, `${v.label.split('#')[0]}(${owner})`);
    }
  }
  for (const ep of w.machine.endpoints.values()) {
    const path = w.machine.pathOf(ep);
    if (path.unit === null) continue;
    for (const sid of path.sids) {
      names.phrase(`ste[${sid}]`, `ste[${sid}](${ep.name})`);
      names.phrase(`stream ${sid}`, `stream ${sid} (${ep.name})`);
    }
  }
}

const membersSeen = new WeakMap<IommuGroup, string[]>();

/** A scenario operation as a trace note prints it: "attach(dev=ep0, domain=D)", addresses in hex. */
export function opText(op: Op): string {
  const args = Object.entries(op)
    .filter(([k]) => k !== 'op' && k !== 'expect')
    .map(([k, v]) => `${k}=${typeof v === 'number' && v >= 0x1000 ? `0x${v.toString(16)}` : String(v)}`);
  return `${op.op}(${args.join(', ')})`;
}

/** an object labelled by its kind and id alone (not "group#100003->pasid_array", which renames with its owner) */
const ownLabel = /^[A-Za-z_][\w:]*#[0-9a-f]+$/;

/** a domain the scenario named already keeps its name when it is also a group's default */
function isScenarioDomain(names: TraceNames, d: IommuDomain | null): boolean {
  return d !== null && (names.get(d.label)?.startsWith('domain:') ?? false);
}
