// Issue 11's F10 and triage capacity (docs/FUZZING.md "F4, F10 and triage capacity"): F10's
// cause is not F11's (I9 `RID is bypass` from a reset, alone, against a hot-add that ran during
// the reset), the generator makes F10-shaped programs often, a witness the triage's search cannot
// show again is not minimized, and a reproducer says what else it shows. (The triage order's
// tests: test/fuzz-triage-order.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFuzzConfig, type FuzzConfig } from '../src/fuzz/config.js';
import { finalize } from '../src/fuzz/finalize.js';
import { generateProgram } from '../src/fuzz/program-gen.js';
import { devicesOf, type FuzzProgram } from '../src/fuzz/program.js';
import { deriveSeed, Rand } from '../src/fuzz/rand.js';
import { searchProgram } from '../src/fuzz/search.js';
import { signatureKey } from '../src/fuzz/sigkey.js';
import { generateTopology } from '../src/fuzz/topology-gen.js';
import { triage } from '../src/fuzz/triage.js';
import { iommuScenario } from '../src/scenarios/iommu/build.js';

const config: FuzzConfig = {
  ...defaultFuzzConfig,
  drivers: { mock: 1 },
  search: { ...defaultFuzzConfig.search, random: 40, pct: 40, dfsBounds: [] },
  triage: { executions: 30, candidates: 20, checkSeconds: 600, causes: 4 },
};

const bypass = new RegExp(
  '^invariant in hw_function_reset_start via pci_reset_function_with: invariant violated: I9: dev:ep0 is in reset but its RID is bypass$',
);

// F10: SVA on a passthrough system; the driver re-attaches the RID's domain when the last PASID goes
const f10: FuzzProgram = {
  topology: {
    iommus: [{ name: 'iommu0' }],
    pci: [{ name: 'ep0', bus: 0, slot: 6, ats: true, pasids: 8 }],
    defaultDomainType: 'identity',
    mock: { lastPasidRestoresRid: true },
  } as FuzzProgram['topology'],
  threads: [{
    name: 't0',
    ops: [
      { op: 'bind', dev: 'ep0' },
      { op: 'domainAlloc', dev: 'ep0', domain: 'D0', pasid: true },
      { op: 'pasidAttach', dev: 'ep0', domain: 'D0', pasid: 1 },
      { op: 'reset', dev: 'ep0' },
    ],
  }],
  prologue: [0],
  patches: [],
};

// F11 under an identity default domain: ep1, hot-added during ep0's reset, issues ep0's requester ID
const f11: FuzzProgram = {
  topology: {
    iommus: [{ name: 'iommu0' }],
    pci: [
      { name: 'ep0', bus: 0, slot: 3, fn: 0, multifunction: true, ats: true },
      { name: 'ep1', bus: 0, slot: 3, fn: 1, multifunction: true, ats: true, present: false, aliases: [3 << 3] },
    ],
    defaultDomainType: 'identity',
  },
  threads: [
    { name: 't0', ops: [{ op: 'reset', dev: 'ep0' }] },
    { name: 't1', ops: [{ op: 'hotAdd', dev: 'ep1' }] },
  ],
  prologue: [0, 0],
  patches: [],
};

function search(p: FuzzProgram, seed = 1): ReturnType<typeof searchProgram> {
  const { spec } = finalize(p, 'aim');
  return searchProgram(spec, iommuScenario(spec).program, { budget: config.search, faults: [], seed });
}

test('F10 and F11 under an identity domain: one signature, two causes (a hot-add that returned during the reset counts)', () => {
  const a = search(f10).witnesses.filter((w) => bypass.test(w.signature));
  assert.deepEqual(a.map((w) => w.cause), ['alone']);
  const b = search(f11).witnesses.filter((w) => bypass.test(w.signature));
  assert.ok(b.length > 0, 'F11 under identity shows the bypass I9');
  assert.deepEqual([...new Set(b.map((w) => w.cause))], ['with hotAdd']);
});

/** F10's shape: the knob, an identity RID domain, a DMA-API driver's PASID on an ATS function with PASIDs, a reset of it after */
function f10Shaped(p: FuzzProgram): boolean {
  const t = p.topology as FuzzProgram['topology'] & { mock?: { lastPasidRestoresRid?: boolean; defDomainType?: Record<string, string>; pasid?: boolean; identityDomain?: string } };
  const m = t.mock ?? {};
  if (m.lastPasidRestoresRid !== true || m.pasid === false || m.identityDomain === 'none') return false;
  const devs = new Map(devicesOf(t).map((d) => [d.name, d]));
  const identity = (dev: string): boolean => (m.defDomainType?.[dev] ?? (t.defaultDomainType === 'identity' ? 'identity' : '')) === 'identity';
  return p.threads.some((th, ti) => {
    const dma = new Set<string>();
    return th.ops.some((op, i) => {
      if (op.op === 'bind' && op.driverManagedDma !== true) dma.add(op.dev);
      if (op.op !== 'pasidAttach' || !dma.has(op.dev)) return false;
      const d = devs.get(op.dev)!;
      const spec = (t.pci ?? []).find((x) => x.name === op.dev);
      if (!d.ats || d.pasids < 2 || spec?.untrusted === true || !identity(op.dev)) return false;
      const rest = th.ops.slice(i + 1);
      const end = rest.findIndex((o) => o.op === 'pasidDetach' && o.dev === op.dev);
      const later = (end < 0 ? rest : rest.slice(0, end)).some((o) => o.op === 'reset' && o.dev === op.dev);
      return later || p.threads.some((x, xi) => xi !== ti && x.ops.some((o) => o.op === 'reset' && o.dev === op.dev));
    });
  });
}

test('F10-shaped programs come up often (seed 1: 1 in 96 fresh programs; 1 in 10,000 before the aim)', () => {
  const cfg: FuzzConfig = { ...defaultFuzzConfig, drivers: { mock: 1 } };
  let n = 0;
  const N = 2000;
  for (let k = 0; k < N; k++) {
    const r = new Rand(deriveSeed(1, k, 1));
    if (f10Shaped(generateProgram(r, cfg, generateTopology(r, cfg)))) n++;
  }
  assert.ok(n >= 10, `${n} F10-shaped programs in ${N}`);
  // none of it without the knobs that aim it
  const off: FuzzConfig = { ...cfg, topology: { ...cfg.topology, svaAtBind: 0, svaDriver: 0, lastPasidIdentity: 0 } };
  let m = 0;
  for (let k = 0; k < N; k++) {
    const r = new Rand(deriveSeed(1, k, 1));
    if (f10Shaped(generateProgram(r, off, generateTopology(r, off)))) m++;
  }
  assert.ok(m < n / 4, `${m} without the aim, ${n} with it`);
});

test('triage: F10 minimizes to its reset alone and says what the reproducer shows; a witness it cannot show again is kept as found', () => {
  const w = search(f10).witnesses.find((x) => bypass.test(x.signature))!;
  const out = triage({ program: f10, witness: w, config, seed: 1 });
  assert.equal(out.unminimized, false);
  assert.equal(out.cause, 'alone');
  assert.equal(out.check?.matches, true);
  // (`shown` lists signature keys: sigkey.ts)
  assert.ok(out.shown.includes(`${signatureKey(w.signature)}\u0000alone`));
  // F10's driver-contract report (the query's answer) comes with it: the campaign triages it after the rest
  assert.ok(out.shown.some((k) => k.startsWith('driver-contract in iommu_driver_get_domain_for_dev via pci_reset_function_with: ')), out.shown.join('\n'));
  // the same witness against the program without its reset: no candidate can show it, none is tried
  const noReset: FuzzProgram = { ...f10, threads: [{ name: 't0', ops: f10.threads[0]!.ops.slice(0, 3) }] };
  const kept = triage({ program: noReset, witness: w, config, seed: 1 });
  assert.equal(kept.unminimized, true);
  assert.equal(kept.candidates, 0);
  assert.equal(kept.cost.minimize, 0);
  assert.deepEqual(kept.program, noReset);
});
