// The triage order (src/fuzz/triage-order.ts): shortest expected job first, with weights for
// what is likely a repeat and ageing so nothing starves; and the expected cost it orders by
// (src/fuzz/triage-cost.ts). Deterministic: no timing, scores from fixed inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFuzzConfig } from '../src/fuzz/config.js';
import { loadFuzzConfig } from '../src/fuzz/config-file.js';
import type { FuzzProgram } from '../src/fuzz/program.js';
import { triageCost } from '../src/fuzz/triage-cost.js';
import {
  coverKey, isCovered, orderKnobs, type QueuedTriage, signatureHead, signatureSite, sortTriage, triageHead, type TriageOrderState,
} from '../src/fuzz/triage-order.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const knobs = orderKnobs(defaultFuzzConfig.triage);
const q = (
  signature: string, kind: string, firstCause: string, cause: string | null, firstProgram: number, cost: number,
): QueuedTriage =>
  ({ signature, kind, firstCause, cause, round: cause === null ? 0 : 1, firstProgram, cost });
const empty = (committed: number): TriageOrderState =>
  ({ headsTaken: new Set(), covered: new Set(), programsTaken: new Set(), sitesTaken: new Map(), committed });
const sorted = (jobs: QueuedTriage[], s: TriageOrderState): QueuedTriage[] => {
  const a = [...jobs];
  sortTriage(a, (x) => x, s, knobs);
  return a;
};

const late = 'warn in __iommu_probe_device via really_probe: WARNING: dev_WARN: late IOMMU probe at driver bind, something fishy here!';
const i3 = (fn: string, entry: string): string =>
  `invariant in ${fn} via ${entry}: invariant violated: I3: dev:* RID is abort but group#N->domain is domain:default#N`;

test('triage order: a cheap WARN at a new site goes before a costly repeat of an invariant at a triaged site (F4 behind F3 and F12)', () => {
  // F4: one failed hot-add probe and a bind, seen in program 0, whose other report was triaged
  const f4 = q(late, 'warn', 'alone, fault', null, 0, 40_000);
  // the fifth I3 of a site four triages took, each in a new program, and costlier
  const repeat = q(i3('__iommu_probe_device', 'iommu_device_register'), 'invariant', 'with register', null, 30, 300_000);
  const s: TriageOrderState = {
    ...empty(40),
    headsTaken: new Set([signatureHead(i3('__iommu_probe_device', 'device_add'))]),
    programsTaken: new Set([0]),
    sitesTaken: new Map([[signatureSite(repeat.signature), 4]]),
  };
  assert.deepEqual(sorted([repeat, f4], s), [f4, repeat]);
  // at equal cost the new site still wins: the repeat's site weighs 1 + 4
  assert.deepEqual(sorted([{ ...repeat, cost: 40_000 }, f4], s), [f4, { ...repeat, cost: 40_000 }]);
  // and a name variant of a triaged head waits behind a costlier new head
  const variant = q(i3('__iommu_probe_device', 'device_add').replace('abort', 'bypass'), 'invariant', 'alone', null, 35, 10_000);
  const fresh = q('null-deref in domain_id_iommu via pci_reset_function_with: BUG: kernel NULL pointer dereference: domain_id_iommu(): info', 'null-deref', 'alone', null, 36, 60_000);
  assert.equal(triageHead(variant), signatureHead(i3('__iommu_probe_device', 'device_add')));
  assert.deepEqual(sorted([variant, fresh], s), [fresh, variant]);
});

test('triage order: an old costly job is not starved by a stream of cheaper new ones (ageing)', () => {
  const old = q('null-deref in domain_id_iommu via pci_reset_function_with: BUG: kernel NULL pointer dereference: domain_id_iommu(): info', 'null-deref', 'alone', null, 10, 800_000);
  const newAt = (k: number): QueuedTriage =>
    q(`invariant in site${k} via device_add: invariant violated: I3: dev:* RID is abort`, 'invariant', 'alone', null, k, 100_000);
  // one new job of an eighth of its cost arrives with every program; the old one's turn comes
  let committed = 11;
  let picked = -1;
  for (; committed < 2_000 && picked < 0; committed++) {
    const queue = sorted([old, newAt(committed)], empty(committed + 1));
    if (queue[0] === old) picked = committed;
  }
  assert.ok(picked > 11 && picked < 2_000, `the old job went first after ${picked} programs`);
  // at the same age it waits behind the cheaper one (shortest job first)
  assert.equal(sorted([old, newAt(10)], empty(11))[0]!.cost, 100_000);
  // a job a reproducer shows waits behind a new one of its cost, and ages too
  const shown = q(i3('bus_iommu_probe', 'iommu_device_register'), 'invariant', 'alone', null, 0, 100_000);
  const s = (committed: number): TriageOrderState => ({ ...empty(committed), covered: new Set([coverKey(shown)]) });
  assert.ok(isCovered(shown, s(1)));
  assert.equal(sorted([shown, newAt(1)], s(2))[0]!.firstProgram, 1);
  assert.equal(sorted([shown, newAt(2_000)], s(2_001))[0], shown);
});

test('triage order: further causes (a fault where the first witness had none first; fewer operations in flight first)', () => {
  // F4's failed probe under F13's WARN (first witness: with register)
  const f4 = q(late, 'warn', 'with register', 'alone, fault', 40, 50_000);
  const noisy = q(late, 'warn', 'with register', 'with bind+hotAdd', 40, 50_000);
  const alone = q(late, 'warn', 'with register', 'alone', 40, 50_000);
  assert.deepEqual(sorted([noisy, alone, f4], empty(41)), [f4, alone, noisy]);
  // a first witness goes before a further cause of the same cost and age
  const first = q(i3('iommu_attach_group', 'iommu_attach_group'), 'invariant', 'alone', null, 40, 50_000);
  assert.equal(sorted([alone, first], empty(41))[0], first);
  // a cause with a fault counts as shown when a reproducer shows it without one (F3 under a fault)
  const f3 = 'null-deref in dev_iommu_free via iommu_device_register: BUG: kernel NULL pointer dereference: dev->iommu';
  assert.ok(isCovered(q(f3, 'null-deref', 'alone', 'alone, fault', 9, 1), { covered: new Set([`${f3}\u0000alone`]) }));
  // F4's failed probe is not shown by F13's reproducer from the bind side (a registration in flight)
  assert.ok(!isCovered(f4, { covered: new Set([`${late}\u0000with register`]) }));
});

test('triage cost: larger programs, longer executions and rarer reports cost more; a report not shown within the budget costs the kept-as-found path', () => {
  const budget = defaultFuzzConfig.triage;
  const one: FuzzProgram = {
    topology: { iommus: [{ name: 'iommu0' }], pci: [{ name: 'ep0', bus: 0, slot: 1, ats: true }] } as FuzzProgram['topology'],
    threads: [{ name: 't0', ops: [{ op: 'reset', dev: 'ep0' }] }],
    prologue: [0],
    patches: [],
  } as unknown as FuzzProgram;
  const big: FuzzProgram = {
    ...one,
    threads: [{ name: 't0', ops: Array.from({ length: 12 }, () => ({ op: 'reset', dev: 'ep0' })) }, { name: 't1', ops: [{ op: 'reset', dev: 'ep0' }] }],
    prologue: [0, 0],
  } as unknown as FuzzProgram;
  const often = { count: 100, executions: 400 };
  const rare = { count: 2, executions: 400 };
  assert.ok(triageCost(one, 200, often, budget) < triageCost(big, 200, often, budget));
  assert.ok(triageCost(one, 200, often, budget) < triageCost(one, 800, often, budget));
  assert.ok(triageCost(big, 200, often, budget) < triageCost(big, 200, rare, budget));
  // shown once in 400: beyond the triage's 200 executions, kept as found (probe and a 5x check)
  assert.equal(triageCost(big, 200, { count: 1, executions: 400 }, budget), 200 * 6 * budget.executions);
  // a state saved before the rate was kept: an estimate all the same
  assert.ok(Number.isFinite(triageCost(big, 200, undefined, budget)));
});

test('triage order knobs: a config file sets them, bad values are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-order-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'triage: { ageing: 50, shown: 4, repeat: 16, furtherCause: 3, tail: 0 }\n');
  const c = loadFuzzConfig(good);
  assert.deepEqual(orderKnobs(c.triage), { ageing: 50, shown: 4, repeat: 16, furtherCause: 3 });
  assert.equal(c.triage.tail, 0);
  assert.equal(c.triage.executions, defaultFuzzConfig.triage.executions);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'triage: { ageing: 0, tail: 2 }\n');
  assert.throws(() => loadFuzzConfig(bad), /ageing|tail/);
});
