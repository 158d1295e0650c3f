// lockdep across parts: the graph accumulates over the whole search, so parts explored with
// graphs of their own would report other inversions (or none); the edge records merged in
// canonical order report exactly those of the sequential search.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { wholeRange } from '../src/explorer/parallel/coordinator.js';
import { finishSearch, rangeOutcome } from '../src/explorer/parallel/explore-parallel.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { planSearch } from '../src/explorer/parallel/plan.js';
import { runSlice, type SearchSpec } from '../src/explorer/parallel/slice.js';
import { noFaults } from '../src/rt/execution.js';
import { fixtureSource, programNamed } from './fixtures/programs.js';
import { essence } from './helpers/compare.js';

const spec: SearchSpec = { strategy: { kind: 'dfs', preemptionBound: null }, faults: noFaults, warnFails: true, maxSteps: 100_000, recordOps: false };
const family = familyFor(spec.strategy);

test('parts with a lockdep graph each would not find what the whole search finds', () => {
  const program = programNamed('lock-order')!;
  const seq = explore(program, new DfsStrategy());
  const plan = planSearch(program, spec, family, 12);
  assert.ok(plan.length >= 12);
  // each open part explored alone, with its own graph (what naive workers would do)
  let lockdepFirst = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (const r of plan) {
    const alone = r.pending.length === 0 ? null : explore(program, family.create(r.start.state));
    const n = alone === null ? r.committed.executions : alone.executions;
    const cx = alone?.found.find((c) => c.kind === 'lockdep');
    if (cx !== undefined) lockdepFirst = Math.min(lockdepFirst, offset + cx.firstExecution);
    offset += n;
  }
  assert.equal(offset, seq.executions);
  const want = seq.found.find((c) => c.kind === 'lockdep')!;
  assert.notEqual(lockdepFirst, want.firstExecution, 'the fixture must need cross-part lockdep state');
});

test('edge records merged in order give the sequential lockdep findings, splat included', async () => {
  const program = programNamed('lock-order')!;
  const seq = explore(program, new DfsStrategy());
  const plan = planSearch(program, spec, family, 12).map((r) => {
    if (r.pending.length === 0) return r;
    const out = runSlice(program, spec, r.start.state, { maxExecutions: Infinity, timeMs: Infinity });
    assert.equal(out.remaining, null);
    return { ...r, committed: out.result, pending: [] };
  });
  const merged = await finishSearch(fixtureSource('lock-order'), spec, plan.map(rangeOutcome), 2_000_000, 0);
  assert.deepEqual(essence(merged), essence(seq));
  // the inversion's report is rebuilt from the graph as it stood: same chain, same text
  const title = (s: string) => s.split('Call Trace:')[0];
  const a = merged.found.find((c) => c.kind === 'lockdep')!;
  const b = seq.found.find((c) => c.kind === 'lockdep')!;
  assert.equal(title(a.violation.splat), title(b.violation.splat));
});

test('one whole range explored in one slice needs no merge and agrees too', async () => {
  const program = programNamed('abba')!;
  const r = wholeRange(family);
  const out = runSlice(program, spec, r.start.state, { maxExecutions: Infinity, timeMs: Infinity });
  const merged = await finishSearch(fixtureSource('abba'), spec, [rangeOutcome({ ...r, committed: out.result, pending: [] })], 2_000_000, 0);
  assert.deepEqual(essence(merged), essence(explore(program, new DfsStrategy())));
});
