// Every built-in example pair under exhaustive DFS: the buggy program yields exactly its
// violation kinds with the kernel's report text, and its fixed twin yields nothing at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ViolationKind } from '../src/rt/violation.js';
import { findScenario } from '../src/scenarios/registry.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { exhaust, foundKinds, splatOf } from './support/search.js';

interface Pair {
  readonly buggy: string;
  readonly twin: string;
  /** sorted */
  readonly kinds: readonly ViolationKind[];
  /** lines the splat of each kind must contain */
  readonly text: Partial<Record<ViolationKind, readonly string[]>>;
}

const pairs: readonly Pair[] = [
  {
    buggy: 'lost-update',
    twin: 'mutex-counter',
    kinds: ['assertion'],
    text: { assertion: ['assertion failed: counter is 1, expected 2: an update was lost'] },
  },
  {
    buggy: 'abba-deadlock',
    twin: 'ordered-locks',
    kinds: ['deadlock', 'lockdep'],
    text: {
      lockdep: ['WARNING: possible circular locking dependency detected', '*** DEADLOCK ***'],
      deadlock: ['blocked for more than 120 seconds', 'waiting in mutex_lock(&lock_a)', 'waiting in mutex_lock(&lock_b)'],
    },
  },
  {
    buggy: 'reader-free-uaf',
    twin: 'reader-free-locked',
    kinds: ['use-after-free'],
    text: { 'use-after-free': ['BUG: KASAN: slab-use-after-free in reader_use_buffer', 'Read of data by task reader/1', 'Freed by task freer:'] },
  },
  {
    buggy: 'leak-on-error',
    twin: 'free-on-error',
    kinds: ['leak'],
    text: { leak: ['unreferenced object Request#'] },
  },
  {
    buggy: 'unchecked-alloc',
    twin: 'checked-alloc',
    kinds: ['null-deref'],
    text: { 'null-deref': ['BUG: kernel NULL pointer dereference, address: 0000000000000000', 'dereferenced: entry', 'create_entry'] },
  },
  {
    buggy: 'sleep-in-spinlock',
    twin: 'atomic-alloc-in-spinlock',
    kinds: ['sleep-in-atomic'],
    text: { 'sleep-in-atomic': ['BUG: sleeping function called from invalid context', 'kzalloc(GFP_KERNEL) while holding &list_lock'] },
  },
];

function scenario(name: string): Scenario {
  const s = findScenario(name);
  assert.ok(s, `built-in scenario ${name} exists`);
  return s;
}

function search(s: Scenario) {
  return exhaust(s.program, s.faults === undefined ? {} : { faults: s.faults });
}

for (const p of pairs) {
  describe(`${p.buggy} / ${p.twin}`, () => {
    it(`${p.buggy} yields exactly ${p.kinds.join(', ')} under exhaustive DFS`, () => {
      const s = scenario(p.buggy);
      assert.ok('violations' in s.expect, `${p.buggy} expects violations`);
      assert.deepEqual([...s.expect.violations].sort(), p.kinds);
      const r = search(s);
      assert.equal(r.exhaustive, true);
      assert.deepEqual(foundKinds(r), p.kinds);
      for (const [kind, lines] of Object.entries(p.text) as [ViolationKind, string[]][]) {
        const splat = splatOf(r, kind);
        for (const line of lines) assert.ok(splat.includes(line), `${kind} splat lacks "${line}":\n${splat}`);
      }
    });

    it(`${p.twin} yields no violation under exhaustive DFS`, () => {
      const s = scenario(p.twin);
      assert.deepEqual(s.expect, { pass: true });
      const r = search(s);
      assert.equal(r.exhaustive, true);
      assert.deepEqual(foundKinds(r), []);
      assert.ok(r.executions > 0);
    });
  });
}
