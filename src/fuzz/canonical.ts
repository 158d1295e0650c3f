// Canonical names for a minimized program, so that one bug found in programs that named things
// differently gets one signature (a signature keeps names: `dev:ep0`, `domain:D0`): devices,
// bridges, IOMMUs, domains, handles, mappings and threads are renumbered in the order the
// program first names them.
import type { Op, Topology } from '../scenarios/iommu/spec.js';
import type { FuzzProgram } from './program.js';

class Renamer {
  private readonly maps = new Map<string, Map<string, string>>();

  name(kind: string, prefix: string, old: string): string {
    let m = this.maps.get(kind);
    if (m === undefined) {
      m = new Map();
      this.maps.set(kind, m);
    }
    let n = m.get(old);
    if (n === undefined) {
      n = `${prefix}${m.size}`;
      m.set(old, n);
    }
    return n;
  }

  get(kind: string, old: string): string {
    return this.maps.get(kind)?.get(old) ?? old;
  }
}

function renameOp(op: Op, rn: Renamer): Op {
  const o: Record<string, unknown> = { ...op };
  if ('dev' in op) o.dev = rn.get('dev', op.dev);
  if ('iommu' in op) o.iommu = rn.get('iommu', op.iommu);
  if ('domain' in op && op.domain !== undefined) o.domain = rn.name('domain', 'D', op.domain);
  if ('handle' in op && op.handle !== undefined) o.handle = op.op === 'dma' || op.op === 'dmaUnmap' ? rn.name('buf', 'buf', op.handle) : rn.name('handle', 'h', op.handle);
  if (op.op === 'dmaMap') o.as = rn.name('buf', 'buf', op.as);
  return o as unknown as Op;
}

export function canonicalize(p: FuzzProgram): FuzzProgram {
  const rn = new Renamer();
  const t = p.topology;
  t.iommus.forEach((i) => rn.name('iommu', 'iommu', i.name));
  (t.pci ?? []).forEach((d) => rn.name('dev', d.bridge === undefined ? 'ep' : 'br', d.name));
  (t.platform ?? []).forEach((d) => rn.name('dev', 'plat', d.name));
  const dev = (n: string): string => rn.get('dev', n);
  const iommuRef = (i: string | null | undefined): { iommu?: string | null } => (i === undefined ? {} : { iommu: i === null ? null : rn.get('iommu', i) });
  const knobs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) {
    if (['iommus', 'pci', 'platform', 'defaultDomainType', 'pausePoints'].includes(k)) continue;
    knobs[k] = renameKnobs(v, dev);
  }
  const topology: Topology = {
    ...knobs,
    iommus: t.iommus.map((i) => ({ ...i, name: rn.get('iommu', i.name) })),
    ...(t.pci === undefined ? {} : { pci: t.pci.map((d) => ({ ...d, name: dev(d.name), ...iommuRef(d.iommu) })) }),
    ...(t.platform === undefined ? {} : { platform: t.platform.map((d) => ({ ...d, name: dev(d.name), ...iommuRef(d.iommu) })) }),
    ...(t.defaultDomainType === undefined ? {} : { defaultDomainType: t.defaultDomainType }),
  };
  const threads = p.threads.map((th, i) => ({ name: `t${i}`, ops: th.ops.map((op) => renameOp(op, rn)) }));
  return { ...p, topology, threads };
}

/** device names inside a driver's knobs (the mock's deferredAttach, defDomainType, faults[].dev) */
function renameKnobs(v: unknown, dev: (n: string) => string): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = { ...o };
  if (Array.isArray(o.deferredAttach)) out.deferredAttach = (o.deferredAttach as string[]).map(dev);
  if (o.defDomainType !== undefined && typeof o.defDomainType === 'object') {
    const entries = Object.entries(o.defDomainType as Record<string, string>);
    out.defDomainType = Object.fromEntries(entries.map(([k, x]) => [dev(k), x]));
  }
  if (Array.isArray(o.faults)) out.faults = (o.faults as Array<Record<string, unknown>>).map((f) => (typeof f.dev === 'string' ? { ...f, dev: dev(f.dev) } : f));
  return out;
}
