// The names a scenario's reader knows its objects by, for traces (rt/trace-names.ts): devices
// by their topology names, a group by its members ("group(ep0,ep1)"), the scenario's domains by
// their names, a group's default and blocking domains by the group, what a named object owns by
// the kind and the owner ("io_pgtable(D)", "cookie(default-domain(ep0))"), and a stream ID by
// the endpoint that issues it ("ste[48](ep0)", "stream 48 (ep0)"; on VT-d "context_entry(ep0)",
// "pasid_entry[1](ep0)", "dmar0.context_cache(ep0)"), a VT-d domain's DIDs, cache tags and locks by
// the domain.
import { IommuDomain } from '../../core/domain.js';
import type { IommuGroup } from '../../core/group.js';
import { KObject } from '../../rt/kobject.js';
import type { TraceNames } from '../../rt/trace-names.js';
import type { Op } from './spec.js';
import { nameVtdDomain } from './trace-names-vtd.js';
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
  for (const [obj, name] of named) if (obj instanceof IommuDomain) nameVtdDomain(obj, name, names);
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
      names.phrase(`stream ${sid}`, `stream ${sid} (${ep.name})`);
      if (path.unit.entryNames !== undefined) {
        // a unit that names its own tables and caches (VT-d: context and PASID entries)
        for (const [phrase, name] of path.unit.entryNames(sid, ep.name)) names.phrase(phrase, name);
        continue;
      }
      // the mock's stream table and SMMUv3's STEs by stream
      names.phrase(`ste[${sid}]`, `ste[${sid}](${ep.name})`);
      if (path.unit.kind === 'smmuv3') {
        const group = w.deviceList.find((d) => d.ep === ep)?.iommuGroup ?? null;
        const ssids = [0, ...(group === null ? [] : [...group.pasidArray.slots].map(([p]) => p))];
        nameSmmuEntries(names, (path.unit as unknown as KObject).label, path.unit.entryReads(sid), sid, ep.name, ssids);
      }
    }
  }
}

/** CDs per 4K frame of a linear CD table (hw/smmuv3/tables.ts CDS_PER_FRAME) */
const cdsPerFrame = 64;

/**
 * An SMMUv3 stream's entries live in slots of physical pages (`page[0x10].e48`): its STE slot
 * named ste[SID](EP), the CDs of the SSIDs in use (0 and the group's PASIDs) in the CD table its
 * STE points at cd[SSID](EP) (entryReads: the STE slot, then the CD table's pages), and its
 * configuration-cache line cfg[SID](EP). The command queue and fence log carry the unit's
 * topology name already (smmu0.cmdq).
 */
function nameSmmuEntries(
  names: TraceNames,
  unit: string,
  reads: ReadonlyArray<{ readonly obj: { readonly label: string }; readonly field: string | null }>,
  sid: number,
  ep: string,
  ssids: readonly number[],
): void {
  const [ste, ...cdPages] = reads;
  if (ste === undefined || ste.field === null) return;
  names.phrase(`${ste.obj.label}.${ste.field}`, `ste[${sid}](${ep})`);
  names.phrase(ste.obj.label, `strtab(${unit})`);
  cdPages.forEach((page, f) => names.phrase(page.obj.label, cdPages.length === 1 ? `cd-table(${ep})` : `cd-table(${ep})[${f}]`));
  names.phrase(`${unit}.cfg_cache.k${sid}`, `cfg[${sid}](${ep})`);
  for (const ssid of ssids) {
    const page = cdPages[Math.floor(ssid / cdsPerFrame)];
    if (page !== undefined) names.phrase(`${page.obj.label}.e${ssid % cdsPerFrame}`, `cd[${ssid}](${ep})`);
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
