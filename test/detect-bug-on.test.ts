// BUG_ON is fatal: the execution ends at it; nothing after it runs, not even the final check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../src/rt/execution.js';
import { atomicUpdate, BUG_ON, EBUSY, type Gen, KObject, readOnce, writeOnce } from '../src/sync/index.js';
import { exhaust, execKinds, foundKinds, replay, splatOf } from './support/search.js';

class Slot extends KObject {
  owner = 0;
  override get label(): string {
    return 'slot';
  }
}

interface World {
  readonly slot: Slot;
  /** claimers that got past their BUG_ON (plain memory, not a shared op) */
  readonly passed: string[];
}

/** check-then-act: both claimers can see the slot free and both take it */
function* claimRacy(w: World, id: number): Gen<number> {
  const owner = yield* readOnce(w.slot, 'owner');
  if (owner !== 0) return -EBUSY;
  yield* writeOnce(w.slot, 'owner', id);
  const now = yield* readOnce(w.slot, 'owner');
  BUG_ON(now !== id, 'BUG_ON(slot->owner != me)');
  w.passed.push(`claim${id}`);
  return 0;
}

/** the twin takes the slot with one cmpxchg */
function* claimAtomic(w: World, id: number): Gen<number> {
  const old = yield* atomicUpdate(w.slot, 'owner', (o) => (o === 0 ? id : o));
  if (old !== 0) return -EBUSY;
  const now = yield* readOnce(w.slot, 'owner');
  BUG_ON(now !== id, 'BUG_ON(slot->owner != me)');
  w.passed.push(`claim${id}`);
  return 0;
}

const probe = { world: null as World | null, finals: 0 };

function program(atomic: boolean): Program<World> {
  const claim = atomic ? claimAtomic : claimRacy;
  return {
    setup: () => (probe.world = { slot: new Slot(), passed: [] }),
    threads: (w) => [
      { name: 'claim1', body: () => claim(w, 1) },
      { name: 'claim2', body: () => claim(w, 2) },
    ],
    final() {
      probe.finals++;
      return null;
    },
  };
}

describe('BUG_ON', () => {
  it('fires when both claimers take the slot', () => {
    const r = exhaust(program(false));
    assert.deepEqual(foundKinds(r), ['bug']);
    const splat = splatOf(r, 'bug');
    assert.match(splat, /kernel BUG at claim_racy \(test\/detect-bug-on\.test\.ts:\d+\)!/);
    assert.match(splat, /BUG_ON\(slot->owner != me\)/);
    assert.match(splat, /Oops: invalid opcode/);
  });

  it('is fatal: the thread stops at it, the other never finishes, the final check does not run', () => {
    const cx = exhaust(program(false)).found[0]!;
    probe.finals = 0;
    const exec = replay(program(false), cx.choices);
    assert.deepEqual(execKinds(exec), ['bug']);
    assert.equal(exec.fatal, true);
    const buggy = exec.threads.find((t) => t.name === cx.violation.thread)!;
    assert.equal(buggy.done, false);
    assert.ok(!probe.world!.passed.includes(buggy.name), 'nothing after BUG_ON ran');
    assert.equal(probe.finals, 0);
  });

  it('the serial execution does not BUG: the second claimer backs off', () => {
    probe.finals = 0;
    const exec = replay(program(false), []);
    assert.deepEqual(execKinds(exec), []);
    assert.deepEqual(exec.threads.map((t) => t.result), [0, -EBUSY]);
    assert.equal(probe.finals, 1);
  });

  it('never fires in the twin that claims with cmpxchg', () => {
    const r = exhaust(program(true));
    assert.equal(r.exhaustive, true);
    assert.deepEqual(foundKinds(r), []);
  });
});
