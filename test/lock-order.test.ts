// The lock order written down in docs/LOCKING.md is the one the model takes: every lock
// dependency lockdep records while the IOMMU built-ins run goes from a lower rank to a higher
// one, and every class taken has a rank.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { EdgeRecorder } from '../src/explorer/parallel/edge-recorder.js';
import type { Strategy } from '../src/explorer/strategy.js';
import type { Program } from '../src/rt/execution.js';
import { findScenario } from '../src/scenarios/registry.js';

/** the ranked classes between the lock-order markers of docs/LOCKING.md */
function documentedOrder(): Map<string, number> {
  const text = readFileSync(new URL('../../docs/LOCKING.md', import.meta.url), 'utf8');
  const m = /<!-- lock-order:[^>]*-->([\s\S]*?)<!-- \/lock-order -->/.exec(text);
  assert.ok(m !== null, 'docs/LOCKING.md has the lock-order list');
  const rank = new Map<string, number>();
  for (const line of m[1]!.split('\n')) {
    const item = /^(\d+)\. `([^`]+)`/.exec(line);
    if (item !== null) rank.set(item[2]!, Number(item[1]));
  }
  return rank;
}

function dependencies(name: string, max: number): Array<{ held: string; taken: string; where: string }> {
  const rec = new EdgeRecorder();
  const inner = new DfsStrategy();
  const s: Strategy = {
    name: 'dfs',
    get exhaustive() {
      return inner.exhaustive;
    },
    next: () => inner.next(),
    finished: (e) => {
      rec.close(e.choices);
      inner.finished(e);
    },
  };
  explore(findScenario(name)!.program as Program<unknown>, s, { maxExecutions: max, lockdep: rec });
  return rec.records.map((r) => ({ held: r.held, taken: r.taken, where: `${name}: ${r.info.thread} takes ${r.info.takenLabel} holding ${r.info.heldLabel}` }));
}

describe('the lock order of docs/LOCKING.md', () => {
  it('is what the IOMMU built-ins take', () => {
    const rank = documentedOrder();
    assert.ok(rank.size >= 5);
    const seen = new Set<string>();
    const deps = [
      ...dependencies('iommu-lifecycle', 150),
      ...dependencies('iommu-reset-vs-attach', 60),
      ...dependencies('iommu-async-probe-vs-register', 60),
    ];
    for (const d of deps) {
      for (const c of [d.held, d.taken]) assert.ok(rank.has(c), `${c} has no rank in docs/LOCKING.md (${d.where})`);
      assert.ok(rank.get(d.held)! < rank.get(d.taken)!, `${d.held} -> ${d.taken} goes against docs/LOCKING.md (${d.where})`);
      seen.add(`${d.held} -> ${d.taken}`);
    }
    // the core dependencies the document explains are really taken
    for (const dep of ['&dev->mutex -> iommu_probe_device_lock', 'iommu_probe_device_lock -> &group->mutex', '&group->mutex -> mock_domains_lock']) {
      assert.ok(seen.has(dep), `${dep} is taken`);
    }
  });
});
