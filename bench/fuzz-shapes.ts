// How often fresh programs of a fuzz config have the shape each finding of docs/FINDINGS.md
// needs (docs/FUZZING.md "Which findings the fuzzer can reach"), and, for a sample of the shaped
// programs, how often the campaign's own search of them shows the finding's signature.
//
//   node dist/bench/fuzz-shapes.js [--programs 20000] [--seed 1] [--config FILE]
//        [--search F11,F15 --sample 24]   search up to 24 shaped programs of each named finding
//        [--json]
//
// A shape is what the program needs, read from its operations and topology (the finding's
// table row), not whether the search shows it: an over-approximation for some (F16, F23, F24
// need an allocation failure, which the campaign gives 40% of the programs), exact enough to
// compare the generator before and after a change. Programs are generated the way the
// campaign generates its fresh ones (campaign.ts programAt(): deriveSeed(seed, k, 1)).
import { programFaults, searchSeed } from '../src/fuzz/campaign.js';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { loadFuzzConfig } from '../src/fuzz/config-file.js';
import { finalize } from '../src/fuzz/finalize.js';
import { generateProgram } from '../src/fuzz/program-gen.js';
import { type DeviceInfo, devicesOf, type FuzzProgram } from '../src/fuzz/program.js';
import { deriveSeed, Rand } from '../src/fuzz/rand.js';
import { searchProgram } from '../src/fuzz/search.js';
import { generateTopology } from '../src/fuzz/topology-gen.js';
import type { Op } from '../src/scenarios/iommu/spec.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';

type Knobs = {
  mock?: {
    lastPasidRestoresRid?: boolean;
    defDomainType?: Record<string, string>;
    pasid?: boolean;
    identityDomain?: string;
    deferredAttach?: readonly string[];
  };
};

/** one program as the shapes read it: devices, drivers, each thread's racing operations */
export class View {
  readonly devs: Map<string, DeviceInfo>;
  readonly knobs: Knobs;
  constructor(readonly p: FuzzProgram) {
    this.devs = new Map(devicesOf(p.topology).map((d) => [d.name, d]));
    this.knobs = p.topology as unknown as Knobs;
  }

  driverOf(dev: string): string | null {
    const i = this.devs.get(dev)?.iommu;
    if (i === null || i === undefined) return null;
    return this.p.topology.iommus.find((x) => x.name === i)?.driver ?? 'mock';
  }

  spec(dev: string): NonNullable<FuzzProgram['topology']['pci']>[number] | undefined {
    return (this.p.topology.pci ?? []).find((d) => d.name === dev);
  }

  ats(dev: string): boolean {
    return this.devs.get(dev)?.ats === true;
  }

  unregistered(iommu: string | null): boolean {
    return iommu !== null && this.p.topology.iommus.some((i) => i.name === iommu && i.registered === false);
  }

  /** operations outside the prologue, with their thread */
  racing(): Array<{ ti: number; i: number; op: Op }> {
    return this.p.threads.flatMap((t, ti) =>
      t.ops.map((op, i) => ({ ti, i, op })).filter((x) => x.i >= (this.p.prologue[ti] ?? 0)));
  }

  /** is there an `a` in one thread and a `b` in another, neither in the prologue? */
  race(a: (op: Op, ti: number, i: number) => boolean, b: (op: Op, ti: number) => boolean): boolean {
    const r = this.racing();
    return r.some((x) => a(x.op, x.ti, x.i) && r.some((y) => y.ti !== x.ti && b(y.op, y.ti)));
  }

  /** in thread ti, is `dev` attached (to `domain`, if given) just before operation i? */
  attachedAt(ti: number, i: number, dev: string, domain?: string): boolean {
    let cur: string | null = null;
    for (const op of this.p.threads[ti]!.ops.slice(0, i)) {
      if ((op.op === 'attach' || op.op === 'replace') && op.dev === dev) cur = op.domain;
      if (op.op === 'detach' && op.dev === dev) cur = null;
    }
    return cur !== null && (domain === undefined || cur === domain);
  }

  anyOp(f: (op: Op, ti: number, i: number) => boolean): boolean {
    return this.p.threads.some((t, ti) => t.ops.some((op, i) => f(op, ti, i)));
  }
}

const isReset = (op: Op, dev?: string): op is Extract<Op, { op: 'reset' | 'resetMethod' }> => (op.op === 'reset' || op.op === 'resetMethod') && (dev === undefined || op.dev === dev);
const devfn = (d: { slot: number; fn?: number }): number => (d.slot << 3) | (d.fn ?? 0);

/** the shape each finding needs (docs/FUZZING.md, the reachability tables) */
export const shapes: Readonly<Record<string, (v: View) => boolean>> = {
  // an owner's detach (or release) racing a reset or reset_method write of its ATS function, then the free
  F1: (v) => v.anyOp((op, ti, i) => {
    if ((op.op !== 'detach' && op.op !== 'releaseOwner') || !v.ats(op.dev) || i < (v.p.prologue[ti] ?? 0)) return false;
    const dev = op.dev;
    const freed = v.p.threads[ti]!.ops.slice(i).some((o) => o.op === 'domainFree');
    return freed && v.racing().some((y) => y.ti !== ti && isReset(y.op, dev));
  }),
  F2: (v) => v.anyOp((op) => op.op === 'reset' && v.ats(op.dev) && v.spec(op.dev)?.quirkResetViaFlr === true &&
    (op.method === undefined || op.method === 'device_specific')),
  F3: (v) => v.race((op) => op.op === 'register', (op) => op.op === 'remove' && v.unregistered(v.devs.get(op.dev)?.iommu ?? null)),
  // a hot-add or a registration (whose probe can fail), then a bind of the device
  F4: (v) => v.anyOp((op, ti, i) => op.op === 'bind' && v.p.threads[ti]!.ops.slice(0, i).some((o) => o.op === 'hotAdd' && o.dev === op.dev)) ||
    v.race((op) => op.op === 'register', (op) => op.op === 'bind'),
  F5: (v) => v.anyOp((op, ti, i) => (op.op === 'dmaMap' || op.op === 'prepareMsi') &&
    (v.p.threads[ti]!.ops.slice(0, i).some((o) => o.op === 'hotAdd') || v.anyOp((o) => o.op === 'register'))),
  F7: (v) => v.race((op) => op.op === 'register', (op) => op.op === 'claim' && v.unregistered(v.devs.get(op.dev)?.iommu ?? null)),
  F8: (v) => v.race((op) => op.op === 'resetMethod' && v.ats(op.dev), (op) => op.op === 'reset' || op.op === 'resetMethod'),
  F9: (v) => v.race((op) => op.op === 'resetMethod', (op) => op.op === 'dma' && op.handle !== undefined),
  F10: (v) => {
    const m = v.knobs.mock ?? {};
    if (m.lastPasidRestoresRid !== true || m.pasid === false || m.identityDomain === 'none') return false;
    const identity = (dev: string): boolean => (m.defDomainType?.[dev] ?? (v.p.topology.defaultDomainType === 'identity' ? 'identity' : '')) === 'identity';
    return v.anyOp((op, ti, i) => {
      if (op.op !== 'pasidAttach' || v.driverOf(op.dev) !== 'mock') return false;
      const ops = v.p.threads[ti]!.ops;
      if (!ops.slice(0, i).some((o) => o.op === 'bind' && o.dev === op.dev && o.driverManagedDma !== true)) return false;
      const d = v.devs.get(op.dev)!;
      if (!d.ats || d.pasids < 2 || v.spec(op.dev)?.untrusted === true || !identity(op.dev)) return false;
      return ops.slice(i + 1).some((o) => o.op === 'reset' && o.dev === op.dev) || v.anyOp((o, tj) => tj !== ti && o.op === 'reset' && o.dev === op.dev);
    });
  },
  // mock: a function hot-added with a DMA alias of an ATS function another thread resets (both behind the mock)
  F11: (v) => v.racing().some((x) => {
    if (x.op.op !== 'hotAdd' || v.driverOf(x.op.dev) !== 'mock') return false;
    const y = v.spec(x.op.dev);
    if (y === undefined) return false;
    const targets = (v.p.topology.pci ?? []).filter((o) => o !== y && o.bus === y.bus && o.present !== false && o.ats === true &&
      (y.aliases ?? []).includes(devfn(o)) && v.driverOf(o.name) === 'mock');
    return targets.some((o) => v.racing().some((z) => z.ti !== x.ti && z.op.op === 'reset' && z.op.dev === o.name));
  }),
  F12: (v) => v.race((op) => op.op === 'register', (op) => isReset(op) && v.ats(op.dev) && v.unregistered(v.devs.get(op.dev)?.iommu ?? null)),
  F13: (v) => v.race((op) => op.op === 'register', (op) => op.op === 'bind' && v.unregistered(v.devs.get(op.dev)?.iommu ?? null)),
  // arm-smmu-v3: an unmap of a domain an ATS function is attached to, racing a reset of that function
  F15: (v) => v.anyOp((op, ti, i) => {
    if (op.op !== 'unmap' || i < (v.p.prologue[ti] ?? 0)) return false;
    const domain = op.domain;
    const devs = [...v.devs.keys()].filter((d) => v.ats(d) && v.driverOf(d) === 'smmuv3' && v.attachedAt(ti, i, d, domain));
    return devs.some((d) => v.racing().some((y) => y.ti !== ti && y.op.op === 'reset' && y.op.dev === d));
  }),
  // intel-iommu: a replace by another domain, outside the prologue (where no allocation fails);
  // the allocation failure in the driver's attach comes from the fault searches (40% of programs)
  F16: (v) => v.racing().some((x) => x.op.op === 'replace' && v.driverOf(x.op.dev) === 'vtd' &&
    !v.attachedAt(x.ti, x.i, x.op.dev, x.op.domain)),
  F17: (v) => v.anyOp((op, ti, i) => op.op === 'pasidAttach' && v.driverOf(op.dev) === 'vtd' && v.ats(op.dev) &&
    (v.p.threads[ti]!.ops.slice(i + 1).some((o) => o.op === 'reset' && o.dev === op.dev) ||
      v.anyOp((o, tj) => tj !== ti && o.op === 'reset' && o.dev === op.dev))),
  // mock deferredAttach: the deferred device's first DMA map racing its reset
  F21: (v) => {
    const deferred = v.knobs.mock?.deferredAttach ?? [];
    return v.race(
      (op, ti, i) => op.op === 'dmaMap' && deferred.includes(op.dev) && v.driverOf(op.dev) === 'mock' && v.ats(op.dev) &&
        !v.p.threads[ti]!.ops.slice(0, i).some((o) => (o.op === 'dmaMap' || o.op === 'prepareMsi') && o.dev === op.dev),
      (op) => op.op === 'reset' && deferred.includes(op.dev),
    );
  },
  F22: (v) => v.race((op) => op.op === 'pasidDetach' && v.ats(op.dev), (op) => op.op === 'reset'),
  F23: (v) => v.race((op) => op.op === 'register', (op) => op.op === 'bind' && v.unregistered(v.devs.get(op.dev)?.iommu ?? null)),
  F24: (v) => v.anyOp((op) => op.op === 'reset' && v.ats(op.dev) && (v.driverOf(op.dev) === 'smmuv3' || v.driverOf(op.dev) === 'vtd')),
  F25: (v) => v.anyOp((op) => {
    if (op.op !== 'reset' || !v.ats(op.dev) || v.devs.get(op.dev)!.pasids > 0) return false;
    const me = v.spec(op.dev)!;
    const mates = (v.p.topology.pci ?? [])
      .filter((o) => o !== me && o.bus === me.bus && o.slot === me.slot && (o.pasids ?? 0) > 0);
    return mates.some((o) => v.anyOp((x) => x.op === 'pasidAttach' && x.dev === o.name));
  }),
  F26: (v) => v.race((op) => op.op === 'claim' && v.ats(op.dev) && v.driverOf(op.dev) === 'smmuv3', (op) => isReset(op)),
};

/** the signature each finding's witness has (raw, names not canonical) */
export const findingSignatures: Readonly<Record<string, RegExp>> = {
  F11: /^invariant in mock_attach_dev via device_add: invariant violated: I9: .* is in reset but its RID is translate/,
  F15: /^invalidation-timeout in execute via iommu_unmap: /,
  F16: /^invariant in iommu_replace_group_handle: invariant violated: I3: .* RID is abort/,
  F21: /^driver-contract in driver_attach_dev via dma_map_page: .*attach_dev: old is NULL/,
};

/** the driver of the program's PCI functions (the first IOMMU any PCI function is behind) */
export function pciDriver(p: FuzzProgram): string {
  const v = new View(p);
  for (const d of v.devs.values()) if (d.pci && !d.bridge) return v.driverOf(d.name) ?? 'none';
  return 'none';
}

/** fresh program k of the campaign with this seed and config */
export function freshProgram(cfg: FuzzConfig, seed: number, k: number): FuzzProgram {
  const r = new Rand(deriveSeed(seed, k, 1));
  for (;;) {
    const p = generateProgram(r, cfg, generateTopology(r, cfg));
    if (p.threads.some((th) => th.ops.length > 0)) return p;
  }
}

export interface ShapeCount {
  readonly programs: number;
  readonly byDriver: Record<string, number>;
  readonly shaped: Record<string, number[]>;
}

export function countShapes(cfg: FuzzConfig, seed: number, n: number): ShapeCount {
  const byDriver: Record<string, number> = {};
  const shaped: Record<string, number[]> = Object.fromEntries(Object.keys(shapes).map((f) => [f, []]));
  for (let k = 0; k < n; k++) {
    const p = freshProgram(cfg, seed, k);
    const drv = pciDriver(p);
    byDriver[drv] = (byDriver[drv] ?? 0) + 1;
    const v = new View(p);
    for (const [f, is] of Object.entries(shapes)) if (is(v)) shaped[f]!.push(k);
  }
  return { programs: n, byDriver, shaped };
}

/** search program k as the campaign does (its budget, its fault share, its seed): does it show `sig`? */
export function showsSignature(cfg: FuzzConfig, seed: number, k: number, sig: RegExp): boolean {
  const p = freshProgram(cfg, seed, k);
  const { spec } = finalize(p, `shape-${k}`);
  const cs = { seed, shard: null, config: cfg, faults: ['nth', 'choice'] } as unknown as Parameters<typeof programFaults>[0];
  const faults = programFaults(cs, k);
  const out = searchProgram(spec, iommuScenario(spec).program, { budget: cfg.search, faults, seed: searchSeed(cs, k) });
  return out.witnesses.some((w) => sig.test(w.signature));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1]! : def;
  };
  const n = Number(arg('programs', '20000'));
  const seed = Number(arg('seed', '1'));
  const file = arg('config', '');
  const cfg = file === '' ? defaultFuzzConfig : loadFuzzConfig(file);
  const c = countShapes(cfg, seed, n);
  const rows = Object.entries(c.shaped)
    .map(([f, ks]) => ({ finding: f, shaped: ks.length, oneIn: ks.length === 0 ? null : Math.round(n / ks.length) }));
  const searched: Record<string, { sampled: number; shown: number }> = {};
  const which = arg('search', '').split(',').filter((x) => x !== '');
  const sample = Number(arg('sample', '24'));
  for (const f of which) {
    const sig = findingSignatures[f];
    if (sig === undefined) throw new Error(`no signature for ${f}`);
    const ks = c.shaped[f]!.slice(0, sample);
    let shown = 0;
    for (const k of ks) if (showsSignature(cfg, seed, k, sig)) shown++;
    searched[f] = { sampled: ks.length, shown };
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify({ programs: n, seed, byDriver: c.byDriver, rows, searched }, null, 1));
    return;
  }
  console.log(`${n} fresh programs, seed ${seed}; by the PCI functions' driver: ${JSON.stringify(c.byDriver)}`);
  for (const r of rows) console.log(`${r.finding.padEnd(4)} ${String(r.shaped).padStart(6)}  ${r.oneIn === null ? '-' : `1 in ${r.oneIn}`}`);
  for (const [f, s] of Object.entries(searched)) console.log(`${f}: the search showed its signature in ${s.shown} of ${s.sampled} shaped programs`);
}

if (process.argv[1]?.endsWith('fuzz-shapes.js')) await main();
