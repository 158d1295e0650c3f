// What a scenario description must satisfy beyond its types: every name an operation or a knob
// refers to exists, names are unique, PCI addresses do not collide, events can be signalled.
// Each problem names the field by its path in the description, so a scenario file can point at
// the line (scenarios/file/), and iommuScenario() refuses a built-in that breaks one.
import { type Patches, type PatchSetting, patchSettingsOf, resolvePatches, samePatches, withPatches } from '../../core/patches.js';
import { driverNames } from '../../drivers/registry.js';
import { didYouMean } from '../did-you-mean.js';
import { pausePointNames } from './pause-points.js';
import { checkPreconditions } from './preconditions.js';
import type { IommuScenarioSpec, Op } from './spec.js';

export type SpecPath = ReadonlyArray<string | number>;

export interface SpecIssue {
  readonly path: SpecPath;
  readonly message: string;
}

/** `threads[1].ops[0].op`: how a path is shown */
export function pathText(path: SpecPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

const addressLimit = 0x80000000;

interface OpAt {
  readonly op: Op;
  readonly path: SpecPath;
}

function opsOf(spec: IommuScenarioSpec): OpAt[] {
  const out: OpAt[] = [];
  (spec.prologue ?? []).forEach((op, i) => out.push({ op, path: ['prologue', i] }));
  spec.threads.forEach((t, ti) => t.ops.forEach((op, i) => out.push({ op, path: ['threads', ti, 'ops', i] })));
  (spec.epilogue ?? []).forEach((op, i) => out.push({ op, path: ['epilogue', i] }));
  return out;
}

/** the first of each name, and an issue for every later one */
function unique<T>(
  items: readonly T[],
  key: (t: T) => string,
  at: (i: number) => SpecPath,
  what: string,
  issues: SpecIssue[],
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const j = first.get(k);
    if (j === undefined) first.set(k, i);
    else issues.push({ path: at(i), message: `${what} "${k}" is already used by ${pathText(at(j))}` });
  });
}

/** the toggles a `patches:` list sets, each with the index of the entry that sets it */
function settingsOf(list: readonly PatchSetting[]): Array<{ name: string; at: number }> {
  return list.flatMap((e, at) => (typeof e === 'string' ? [{ name: e, at }] : Object.keys(e).map((name) => ({ name, at }))));
}

/** a toggle set once per list; each variant differs from the scenario's own setting and from the others */
function patchIssues(spec: IommuScenarioSpec, issues: SpecIssue[]): void {
  unique(settingsOf(spec.patches ?? []), (s) => s.name, (i) => ['patches', settingsOf(spec.patches ?? [])[i]!.at], 'patch', issues);
  const own = withPatches(spec.patches ?? []);
  const seen: Array<{ patches: Patches; at: number }> = [];
  (spec.variants ?? []).forEach((v, i) => {
    unique(settingsOf(v.patches), (s) => s.name, (j) => ['variants', i, 'patches', settingsOf(v.patches)[j]!.at], 'patch', issues);
    const p = resolvePatches({ ...own, ...patchSettingsOf(v.patches) });
    if (samePatches(p, own)) issues.push({ path: ['variants', i, 'patches'], message: 'this is the scenario\'s own setting (its `patches`); a variant sets something else' });
    const twin = seen.find((x) => samePatches(x.patches, p));
    if (twin !== undefined) issues.push({ path: ['variants', i, 'patches'], message: `the same setting as variants[${twin.at}]` });
    seen.push({ patches: p, at: i });
  });
}

export function validateSpec(spec: IommuScenarioSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const t = spec.topology;
  const iommus = [...new Set(t.iommus.map((i) => i.name))];
  t.iommus.forEach((i, n) => {
    if (i.driver !== undefined && !driverNames.includes(i.driver)) {
      issues.push({ path: ['topology', 'iommus', n, 'driver'], message: `no IOMMU driver "${i.driver}" (known: ${driverNames.join(', ')})` });
    }
  });
  const pci = t.pci ?? [];
  const platform = t.platform ?? [];
  const devices = [
    ...pci.map((d, i) => ({ name: d.name, path: ['topology', 'pci', i] as SpecPath, pci: true })),
    ...platform.map((d, i) => ({ name: d.name, path: ['topology', 'platform', i] as SpecPath, pci: false })),
  ];
  const deviceNames = [...new Set(devices.map((d) => d.name))];
  const refDevice = (name: string, path: SpecPath, what = 'device'): boolean => {
    if (deviceNames.includes(name)) return true;
    const known = deviceNames.length === 0 ? 'the topology has none' : `known: ${deviceNames.join(', ')}`;
    issues.push({ path, message: `unknown ${what} "${name}"${didYouMean(name, deviceNames)}; ${known}` });
    return false;
  };
  const refIommu = (name: string, path: SpecPath): void => {
    if (iommus.includes(name)) return;
    const known = iommus.length === 0 ? 'topology.iommus is empty' : `known: ${iommus.join(', ')}`;
    issues.push({ path, message: `unknown IOMMU "${name}"${didYouMean(name, iommus)}; ${known}` });
  };

  // topology: names, references, PCI addresses, bridges
  unique(t.iommus, (i) => i.name, (i) => ['topology', 'iommus', i, 'name'], 'IOMMU name', issues);
  unique(devices, (d) => d.name, (i) => [...devices[i]!.path, 'name'], 'device name', issues);
  devices.forEach((d, i) => {
    const iommu = (d.pci ? pci[i] : platform[i - pci.length])!.iommu;
    if (typeof iommu === 'string') refIommu(iommu, [...d.path, 'iommu']);
  });
  unique(pci, (f) => `${f.bus}:${f.slot}.${f.fn ?? 0}`, (i) => ['topology', 'pci', i, 'slot'], 'PCI address (bus:slot.fn)', issues);
  const bridged = pci.map((f, i) => ({ f, i })).filter(({ f }) => f.bridge !== undefined);
  unique(bridged, ({ f }) => String(f.bridge!.secondary), (k) => ['topology', 'pci', bridged[k]!.i, 'bridge', 'secondary'], 'secondary bus', issues);
  for (const { f, i } of bridged) {
    if (f.bridge!.secondary === f.bus) issues.push({ path: ['topology', 'pci', i, 'bridge', 'secondary'], message: `a bridge on bus ${f.bus} cannot lead to bus ${f.bus}` });
  }
  issues.push(...bridgeCycles(bridged.map(({ f, i }) => ({ bus: f.bus, secondary: f.bridge!.secondary, i }))));
  pci.forEach((f, i) => f.resv?.forEach((r, j) => {
    if (r.start + r.length > addressLimit) issues.push({ path: ['topology', 'pci', i, 'resv', j, 'length'], message: 'the region ends above 2^31 (model addresses stay below)' });
  }));
  platform.forEach((p, i) => p.resv?.forEach((r, j) => {
    if (r.start + r.length > addressLimit) issues.push({ path: ['topology', 'platform', i, 'resv', j, 'length'], message: 'the region ends above 2^31 (model addresses stay below)' });
  }));
  const m = t.mock;
  m?.deferredAttach?.forEach((d, i) => refDevice(d, ['topology', 'mock', 'deferredAttach', i]));
  for (const d of Object.keys(m?.defDomainType ?? {})) refDevice(d, ['topology', 'mock', 'defDomainType', d]);
  m?.faults?.forEach((f, i) => {
    if (f.dev !== undefined) refDevice(f.dev, ['topology', 'mock', 'faults', i, 'dev']);
    if (f.returnNull === true && f.callback !== 'device_group') {
      issues.push({ path: ['topology', 'mock', 'faults', i, 'returnNull'], message: 'returnNull is for the device_group callback only' });
    }
  });
  const paused = t.pausePoints ?? [];
  paused.forEach((p, i) => {
    if (!pausePointNames.includes(p)) {
      issues.push({ path: ['topology', 'pausePoints', i], message: `unknown pause point "${p}"${didYouMean(p, pausePointNames)}; the model has ${pausePointNames.join(', ')}` });
    }
  });
  unique(paused, (p) => p, (i) => ['topology', 'pausePoints', i], 'pause point', issues);
  patchIssues(spec, issues);
  unique(spec.threads, (th) => th.name, (i) => ['threads', i, 'name'], 'thread name', issues);
  if ('violations' in spec.expect) unique(spec.expect.violations, (k) => k, (i) => ['expect', 'violations', i], 'violation kind', issues);

  // operations: what they refer to must exist somewhere in the scenario
  const ops = opsOf(spec);
  const domains = new Set(ops.flatMap(({ op }) => (op.op === 'domainAlloc' ? [op.domain] : [])));
  const mappings = new Set(ops.flatMap(({ op }) => (op.op === 'dmaMap' ? [op.as] : [])));
  const signalled = new Set([
    ...ops.flatMap(({ op }) => (op.op === 'signal' ? [op.event] : [])),
    // an armed pause point signals its own name when a thread reaches it
    ...paused,
  ]);
  const refDomain = (name: string, path: SpecPath): void => {
    if (domains.has(name)) return;
    const known = domains.size === 0 ? 'no operation allocates one' : `allocated: ${[...domains].join(', ')}`;
    issues.push({ path, message: `unknown domain "${name}"${didYouMean(name, domains)}: no domainAlloc names it; ${known}` });
  };
  for (const { op, path } of ops) {
    if ('dev' in op && refDevice(op.dev, [...path, 'dev']) && (op.op === 'reset' || op.op === 'resetMethod') && !devices.find((d) => d.name === op.dev)!.pci) {
      issues.push({ path: [...path, 'dev'], message: `${op.op} needs a PCI function; "${op.dev}" is a platform device` });
    }
    if (op.op === 'register' || op.op === 'unregister') refIommu(op.iommu, [...path, 'iommu']);
    if ('domain' in op && op.domain !== undefined && op.op !== 'domainAlloc') refDomain(op.domain, [...path, 'domain']);
    if ((op.op === 'dmaUnmap' || op.op === 'dma') && op.handle !== undefined && !mappings.has(op.handle)) {
      issues.push({ path: [...path, 'handle'], message: `unknown DMA mapping "${op.handle}"${didYouMean(op.handle, mappings)}: no dmaMap names it with \`as\`` });
    }
    if (op.op === 'dma' && op.handle !== undefined && op.iova !== undefined) {
      issues.push({ path: [...path, 'iova'], message: 'give either handle (a dmaMap mapping) or iova, not both' });
    }
    if (op.op === 'attach' && op.handle !== undefined && op.api !== 'handle') {
      issues.push({ path: [...path, 'handle'], message: 'a handle is used only with api: handle' });
    }
    if ((op.op === 'map' || op.op === 'unmap') && op.iova + op.size > addressLimit) {
      issues.push({ path: [...path, 'size'], message: 'iova + size is above 2^31 (model addresses stay below)' });
    }
    if (op.op === 'wait' && !signalled.has(op.event)) {
      const hint = didYouMean(op.event, signalled);
      issues.push({ path: [...path, 'event'], message: `no operation signals event "${op.event}" and no pause point is armed with that name${hint}: the wait could never end` });
    }
  }
  const at = spec.overrideDma;
  if (at !== undefined && at !== 'epilogue') {
    const th = spec.threads.find((x) => x.name === at.thread);
    if (th === undefined) {
      const names = spec.threads.map((x) => x.name);
      issues.push({ path: ['overrideDma', 'thread'], message: `no thread "${at.thread}"${didYouMean(at.thread, names)}; known: ${names.join(', ')}` });
    } else if (at.after >= th.ops.length) {
      issues.push({ path: ['overrideDma', 'after'], message: `thread ${at.thread} has ${th.ops.length} operation(s): after is 0 to ${th.ops.length - 1}` });
    }
  }
  issues.push(...checkPreconditions(spec));
  return issues;
}

/**
 * Bridges that lead, upstream, back to their own bus: the PCI core walks from a bus to its
 * parent until a root bus, which such a topology does not have (it would walk forever).
 */
interface BridgeAt {
  readonly bus: number;
  readonly secondary: number;
  /** its index in topology.pci */
  readonly i: number;
}

function bridgeCycles(bridges: readonly BridgeAt[]): SpecIssue[] {
  // the bridge leading to each bus (a bus has one: two bridges to one bus are refused above)
  const up = new Map<number, { readonly bus: number; readonly i: number }>();
  for (const b of bridges) if (b.secondary !== b.bus && !up.has(b.secondary)) up.set(b.secondary, b);
  const issues: SpecIssue[] = [];
  const reported = new Set<number>();
  for (const b of bridges) {
    if (b.secondary === b.bus || reported.has(b.i)) continue;
    // walk up from the bridge's own bus; coming back to its secondary bus is a cycle
    const chain = [b.secondary, b.bus];
    const seen = new Set(chain);
    let bus = b.bus;
    for (let via = up.get(bus); via !== undefined; via = up.get(bus)) {
      bus = via.bus;
      chain.push(bus);
      if (bus === b.secondary) {
        const members = bridges.filter((x) => chain.includes(x.secondary) && chain.includes(x.bus));
        for (const m of members) reported.add(m.i);
        issues.push({
          path: ['topology', 'pci', b.i, 'bridge', 'secondary'],
          message: `bridges form a cycle: bus ${chain[0]} is behind ${chain.slice(1).map((x) => `bus ${x}`).join(', which is behind ')}; a bus cannot be behind itself (no root bus)`,
        });
        break;
      }
      if (seen.has(bus)) break;
      seen.add(bus);
    }
  }
  return issues;
}
