// Mutations of a corpus program (coverage-guided: programs that reached something new are kept
// and changed a little): regenerate or add a thread, drop, swap or move an operation, redraw a
// stateless operation's arguments, change the prologue cut, change one topology feature or the
// driver knobs. A mutant that breaks a rule (rules.ts) or the scenario validator is thrown
// away; after a few failed tries a fresh program is generated instead.
import { validateSpec } from '../scenarios/iommu/validate.js';
import type { FuzzConfig } from './config.js';
import { finalize } from './finalize.js';
import { knobsFor } from './knobs-gen.js';
import { devicesOf, type FuzzProgram, isLifecycleOp, without } from './program.js';
import { generateThread, type GenContext, namesUsed, swarmKinds } from './program-gen.js';
import type { Rand } from './rand.js';
import { initialThreadState, ruleProblems } from './rules.js';

type Mutation = (r: Rand, cfg: FuzzConfig, p: FuzzProgram) => FuzzProgram | null;

function context(r: Rand, cfg: FuzzConfig, p: FuzzProgram): GenContext {
  const devices = new Map(devicesOf(p.topology).map((d) => [d.name, d]));
  const hot = new Set(p.threads.flatMap((t) => t.ops.flatMap((op) => (op.op === 'hotAdd' ? [op.dev] : []))));
  const exists = new Set([...devices.values()].filter((d) => !d.bridge && (d.present || hot.has(d.name))).map((d) => d.name));
  return { r, cfg, topology: p.topology, devices, kinds: swarmKinds(r, cfg), used: namesUsed(p), exists };
}

/** the devices whose life a thread runs (its lifecycle operations' devices) */
function homesOf(p: FuzzProgram, ti: number): string[] {
  const homes = new Set<string>();
  for (const op of p.threads[ti]!.ops) if (isLifecycleOp(op) && 'dev' in op && op.op !== 'dma') homes.add(op.dev);
  return [...homes];
}

const regenerateThread: Mutation = (r, cfg, p) => {
  if (p.threads.length === 0) return null;
  const ti = r.below(p.threads.length);
  const old = p.threads[ti]!;
  // keep its take-down duties: the same homes, the same registrations
  const registers = old.ops.flatMap((op) => (op.op === 'register' ? [op.iommu] : []));
  const unregisters = old.ops.flatMap((op) => (op.op === 'unregister' ? [op.iommu] : []));
  const plan = { homes: homesOf(p, ti), registers, unregisters };
  const t = generateThread(context(r, cfg, p), old.name, plan, initialThreadState(p));
  const prologue = p.prologue.map((n, j) => (j === ti ? Math.min(n, t.ops.length) : n));
  return { ...p, threads: p.threads.map((x, j) => (j === ti ? t : x)), prologue };
};

const addThread: Mutation = (r, cfg, p) => {
  if (p.threads.length >= cfg.program.maxThreads + 1) return null;
  const taken = new Set(p.threads.flatMap((_, i) => homesOf(p, i)));
  const ctx = context(r, cfg, p);
  const homes = [...ctx.exists].filter((d) => !taken.has(d) && ctx.devices.get(d)!.present && r.chance(0.5));
  const names = new Set(p.threads.map((t) => t.name));
  let k = p.threads.length;
  while (names.has(`t${k}`)) k++;
  const t = generateThread(ctx, `t${k}`, { homes, registers: [], unregisters: [] }, initialThreadState(p));
  return { ...p, threads: [...p.threads, t], prologue: [...p.prologue, 0] };
};

const dropOp: Mutation = (r, _cfg, p) => {
  const ts = p.threads.map((t, i) => i).filter((i) => p.threads[i]!.ops.length > 0);
  if (ts.length === 0) return null;
  const ti = r.pick(ts);
  const ops = p.threads[ti]!.ops;
  const i = r.below(ops.length);
  return {
    ...p,
    threads: p.threads.map((t, j) => (j === ti ? { ...t, ops: ops.filter((_, k) => k !== i) } : t)),
    prologue: p.prologue.map((n, j) => (j === ti && i < n ? n - 1 : n)),
  };
};

const swapOps: Mutation = (r, _cfg, p) => {
  const ts = p.threads.map((t, i) => i).filter((i) => p.threads[i]!.ops.length > 1);
  if (ts.length === 0) return null;
  const ti = r.pick(ts);
  const ops = p.threads[ti]!.ops.slice();
  const i = r.below(ops.length - 1);
  [ops[i], ops[i + 1]] = [ops[i + 1]!, ops[i]!];
  return { ...p, threads: p.threads.map((t, j) => (j === ti ? { ...t, ops } : t)) };
};

/** a reset, sysfs write or raw DMA to another thread (where it may race something else) */
const moveStateless: Mutation = (r, _cfg, p) => {
  if (p.threads.length < 2) return null;
  const cands = p.threads.flatMap((t, ti) => t.ops.map((op, i) => ({ ti, i, op }))).filter((c) => !isLifecycleOp(c.op) && 'dev' in c.op);
  if (cands.length === 0) return null;
  const c = r.pick(cands);
  let to = r.below(p.threads.length - 1);
  if (to >= c.ti) to++;
  const target = p.threads[to]!.ops;
  const at = r.below(target.length + 1);
  return {
    ...p,
    threads: p.threads.map((t, j) => {
      if (j === c.ti) return { ...t, ops: t.ops.filter((_, k) => k !== c.i) };
      if (j === to) return { ...t, ops: [...target.slice(0, at), c.op, ...target.slice(at)] };
      return t;
    }),
    prologue: p.prologue.map((n, j) => (j === c.ti && c.i < n ? n - 1 : j === to && at < n ? n + 1 : n)),
  };
};

const changePrologue: Mutation = (r, _cfg, p) => {
  if (p.threads.length === 0) return null;
  const ti = r.below(p.threads.length);
  return { ...p, prologue: p.prologue.map((n, j) => (j === ti ? r.between(0, p.threads[ti]!.ops.length) : n)) };
};

const changeArgs: Mutation = (r, _cfg, p) => {
  const devices = new Map(devicesOf(p.topology).map((d) => [d.name, d]));
  const cands = p.threads.flatMap((t, ti) => t.ops.map((op, i) => ({ ti, i, op }))).filter((c) => ['reset', 'setType', 'attach', 'dma'].includes(c.op.op));
  if (cands.length === 0) return null;
  const c = r.pick(cands);
  const op = c.op;
  let next = op;
  if (op.op === 'reset') {
    const resets = devices.get(op.dev)?.resets ?? ['flr'];
    next = { op: 'reset', dev: op.dev, ...(r.chance(0.3) ? {} : { method: r.pick([...resets, 'default']) as 'flr' }) };
  } else if (op.op === 'setType') {
    next = { ...op, type: r.pick(['identity', 'DMA', 'DMA-FQ', 'auto'] as const) };
  } else if (op.op === 'attach' && op.api !== 'device') {
    next = op.api === 'handle' ? { op: 'attach', dev: op.dev, domain: op.domain, api: 'group' } : { ...op, api: 'handle', handle: `hm${r.below(1_000_000)}` };
  } else if (op.op === 'dma' && op.handle === undefined) {
    next = { op: 'dma', dev: op.dev, iova: (0x10 + r.below(0xf0)) * 0x1000 };
  }
  const threads = p.threads.map((t, j) => (j === c.ti ? { ...t, ops: t.ops.map((o, k) => (k === c.i ? next : o)) } : t));
  return { ...p, threads };
};

const toggles = ['ats', 'untrusted', 'acs', 'quirkResetViaFlr'] as const;

const changeTopology: Mutation = (r, cfg, p) => {
  const t = p.topology;
  const pci = t.pci ?? [];
  const choice = r.below(4);
  // conventional PCI (behind a PCIe-to-PCI bridge) has no ATS and no PASID
  const conventional = new Set(pci.flatMap((d) => (d.bridge?.kind === 'pcie-to-pci' ? [d.bridge.secondary] : [])));
  if ((choice === 0 || choice === 1) && pci.length > 0 && pci.every((d) => conventional.has(d.bus))) return null;
  if (choice === 0 && pci.length > 0) {
    const k = r.below(pci.length);
    const f = r.pick(toggles);
    if (f === 'ats' && conventional.has(pci[k]!.bus)) return null;
    const d = { ...pci[k]! } as Record<string, unknown>;
    if (f in d) delete d[f];
    else d[f] = f === 'acs' ? r.chance(0.5) : true;
    return { ...p, topology: { ...t, pci: pci.map((x, j) => (j === k ? (d as unknown as typeof x) : x)) } };
  }
  if (choice === 1 && pci.length > 0) {
    const k = r.below(pci.length);
    if (conventional.has(pci[k]!.bus)) return null;
    const d = { ...pci[k]! };
    const next = { ...d, pasids: d.pasids === undefined ? 16 : 0 };
    return { ...p, topology: { ...t, pci: pci.map((x, j) => (j === k ? next : x)) } };
  }
  if (choice === 2) {
    const ddt = r.pick(['dma', 'identity', 'dma-fq', undefined] as const);
    const rest = without(t, 'defaultDomainType');
    return { ...p, topology: ddt === undefined ? rest : { ...rest, defaultDomainType: ddt } };
  }
  // redraw the driver knobs
  const base = Object.fromEntries(Object.entries(t).filter(([k]) => ['iommus', 'pci', 'platform', 'defaultDomainType', 'pausePoints'].includes(k)));
  const topology = base as unknown as typeof t;
  const knobCfg = { ...cfg, topology: { ...cfg.topology, knob: Math.max(cfg.topology.knob, 0.2) } };
  return { ...p, topology: { ...topology, ...knobsFor(r, knobCfg, topology) } };
};

const mutations: readonly Mutation[] = [
  regenerateThread, regenerateThread, addThread, dropOp, swapOps, moveStateless, changePrologue, changeArgs, changeTopology,
];

/** a legal mutant of `p` (one to three mutations), or null after a few tries */
export function mutate(r: Rand, cfg: FuzzConfig, p: FuzzProgram): FuzzProgram | null {
  for (let tries = 0; tries < 8; tries++) {
    let cur: FuzzProgram | null = p;
    const n = r.between(1, 3);
    for (let i = 0; i < n && cur !== null; i++) cur = r.pick(mutations)(r, cfg, cur);
    if (cur === null || ruleProblems(cur).length > 0) continue;
    if (validateSpec(finalize(cur, 'mutant').spec).length > 0) continue;
    return cur;
  }
  return null;
}
