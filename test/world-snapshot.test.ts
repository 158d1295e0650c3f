// A world snapshot (rt/snapshot.ts) stands for setup and the prologue exactly: a search whose
// executions start from copies of it sees, execution by execution, what fresh runs see (choices,
// steps, object ids, violations with their steps and splats, leaks, recorded ops, the lock
// dependencies a slice records), and falls back to fresh runs where the prologue is not the same
// in every execution. And the copy itself keeps prototypes, sharing, Maps and Sets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore } from '../src/explorer/engine.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { runSlice } from '../src/explorer/parallel/slice.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { CloneError, GraphCloner } from '../src/rt/clone.js';
import type { Chooser, Execution, FaultPlan, Program } from '../src/rt/execution.js';
import { LockdepGraph } from '../src/rt/lockdep.js';
import { snapshotOf } from '../src/rt/snapshot.js';
import { builtinScenarios, findScenario } from '../src/scenarios/registry.js';
import { KObject } from '../src/sync/index.js';

interface Seen {
  readonly choices: string;
  readonly steps: number;
  readonly preemptions: number;
  readonly violations: string[];
  readonly ops: string;
  readonly live: string;
}

/** a strategy that remembers what each execution of the inner one looked like */
class Recording implements Strategy {
  readonly seen: Seen[] = [];
  constructor(private readonly inner: Strategy) {}
  get name(): string {
    return this.inner.name;
  }

  get exhaustive(): boolean {
    return this.inner.exhaustive;
  }

  get recordsOps(): boolean {
    return this.inner.recordsOps === true;
  }

  next(): Chooser | null {
    return this.inner.next();
  }

  finished(exec: Execution): void {
    this.seen.push({
      choices: exec.choices.join('.'),
      steps: exec.steps,
      preemptions: exec.preemptions,
      violations: [...exec.violations, ...exec.warnings].map((v) => `${v.kind}@${v.step} ${v.thread}: ${v.splat}`),
      ops: exec.stepOps.map((op, i) => `${exec.stepThreads[i]}:${op.kind}:${op.obj?.oid ?? '-'}:${op.field ?? ''}`).join(' '),
      live: [...exec.live].map((o) => `${o.label}#${o.oid}`).join(' '),
    });
    this.inner.finished(exec);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- programs of any world type
type AnyProgram = Program<any>;

function search(program: AnyProgram, make: () => Strategy, faults: FaultPlan, max: number): Seen[] {
  const s = new Recording(make());
  explore(program, s, { faults, maxExecutions: max, recordOps: s.recordsOps });
  return s.seen;
}

const iommuScenarios = builtinScenarios.filter((s) => (s.program as AnyProgram).snapshot === true);
const none: FaultPlan = { mode: 'none' };

describe('world snapshot', () => {
  it('is what every IOMMU built-in opts into, and every one of them can take it', () => {
    assert.ok(iommuScenarios.length >= 10, 'the IOMMU built-ins take snapshots');
    for (const sc of iommuScenarios) {
      if ((sc.faults ?? none).mode !== 'none') continue;
      search(sc.program as AnyProgram, () => new DfsStrategy(), none, 1);
      assert.ok(snapshotOf(sc.program) instanceof Object, `${sc.name}: snapshot taken`);
    }
  });

  it('gives, execution by execution, what fresh runs give (DFS on every IOMMU built-in, DPOR on two)', () => {
    for (const sc of iommuScenarios) {
      const faults = sc.faults ?? none;
      const program = sc.program as AnyProgram;
      const fresh = { ...program, snapshot: false };
      const a = search(program, () => new DfsStrategy(), faults, 40);
      const b = search(fresh, () => new DfsStrategy(), faults, 40);
      assert.deepEqual(a, b, sc.name);
    }
    for (const name of ['iommu-group-attach-detach', 'iommu-reset-vs-detach']) {
      const program = findScenario(name)!.program as AnyProgram;
      const a = search(program, () => new DporStrategy(), none, 60);
      const b = search({ ...program, snapshot: false }, () => new DporStrategy(), none, 60);
      assert.ok(a[0]!.ops.length > 0, 'ops recorded');
      assert.deepEqual(a, b, name);
    }
  });

  it('keeps pause points armed by setup, and the prologue\'s place in them', () => {
    for (const name of ['iommu-remove-between-phases', 'iommu-release-unlocked', 'iommu-async-probe-vs-register']) {
      const program = findScenario(name)!.program as AnyProgram;
      const a = search(program, () => new DfsStrategy(), none, 300);
      const b = search({ ...program, snapshot: false }, () => new DfsStrategy(), none, 300);
      assert.deepEqual(a, b, name);
      assert.ok(a.some((e) => e.violations.length > 0) === b.some((e) => e.violations.length > 0));
    }
  });

  it('records the prologue\'s lock dependencies in a slice as a fresh run does', () => {
    const program = findScenario('iommu-group-attach-detach')!.program as AnyProgram;
    const spec = { strategy: { kind: 'dfs' as const, preemptionBound: null }, faults: none, warnFails: true, maxSteps: 100_000, recordOps: false };
    const budget = { maxExecutions: 30, timeMs: Infinity };
    // (each record's time, ms, is the one figure that differs between two runs)
    const slice = (p: AnyProgram) =>
      runSlice(p, spec, familyFor(spec.strategy).root(), budget).result.edges.map(({ ms: _, ...e }) => e);
    const a = slice(program);
    const b = slice({ ...program, snapshot: false });
    assert.ok(a.some((e) => e.execution === 1 && e.info.thread === 'prologue'), 'the prologue takes nested locks');
    assert.deepEqual(a, b);
  });

  it('runs fresh where a prologue dependency would close a cycle in the search\'s graph (lockdep reports it there)', () => {
    const program = findScenario('iommu-group-attach-detach')!.program as AnyProgram;
    search(program, () => new DfsStrategy(), none, 1);
    const graphWithReverse = () => {
      const g = new LockdepGraph();
      // the prologue takes &group->mutex while holding iommu_probe_device_lock
      g.addEdge(g.classOf('&group->mutex'), g.classOf('iommu_probe_device_lock'), { thread: 'x', heldLabel: 'a', takenLabel: 'b' });
      return g;
    };
    const run = (p: AnyProgram) => {
      const s = new Recording(new DfsStrategy());
      explore(p, s, { faults: none, maxExecutions: 2, lockdep: graphWithReverse() });
      return s.seen;
    };
    const a = run(program);
    const b = run({ ...program, snapshot: false });
    assert.ok(b[0]!.violations.some((v) => v.startsWith('lockdep@') && v.includes('prologue')), 'fresh: the prologue reports the inversion');
    assert.deepEqual(a, b);
  });

  it('is not used under a fault plan (the prologue makes choices then)', () => {
    const program = findScenario('iommu-group-attach-detach')!.program as AnyProgram;
    const nth: FaultPlan = { mode: 'nth', nth: 3 };
    const fresh = { ...program, snapshot: false };
    assert.deepEqual(search(program, () => new DfsStrategy(), nth, 5), search(fresh, () => new DfsStrategy(), nth, 5));
  });
});

class Node extends KObject {
  next: Node | null = null;
  readonly tags = new Set<string>(['x']);
  readonly byName = new Map<string, Node>();
  get twice(): number {
    return this.oid * 2;
  }
}

describe('graph copy', () => {
  it('keeps prototypes, object ids, sharing and cycles, Maps and Sets in order; shares frozen objects and functions', () => {
    search({ setup: () => null, threads: () => [] }, () => new DfsStrategy(), none, 1); // a current execution for KObject ids
    const a = new Node();
    const b = new Node();
    a.next = b;
    b.next = a;
    a.byName.set('b', b).set('a', a);
    const frozen = Object.freeze({ k: 1 });
    const root = { a, b, list: [a, b, a], frozen, fn: Math.max };
    const c = new GraphCloner().copy(root);
    assert.ok(c.a instanceof Node && c.a !== a);
    assert.equal(c.a.oid, a.oid);
    assert.equal(c.a.twice, a.twice);
    assert.equal(c.a.next, c.b);
    assert.equal(c.b.next, c.a);
    assert.deepEqual([...c.a.byName.keys()], ['b', 'a']);
    assert.equal(c.a.byName.get('a'), c.a);
    assert.equal(c.list[0], c.list[2]);
    assert.notEqual(c.a.tags, a.tags);
    assert.deepEqual([...c.a.tags], ['x']);
    assert.equal(c.frozen, frozen);
    assert.equal(c.fn, Math.max);
  });

  it('refuses what it cannot copy faithfully, naming it', () => {
    const gen = (function* () {})();
    assert.throws(() => new GraphCloner().copy({ gen }), (e: unknown) => e instanceof CloneError && /Generator/.test(e.message));
    assert.throws(() => new GraphCloner().copy({ w: new WeakMap() }), CloneError);
    class M extends Map {}
    assert.throws(() => new GraphCloner().copy([new M()]), CloneError);
  });
});
