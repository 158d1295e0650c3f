// Wakeup-tree insertion: a sequence is added unless a sleeping event or an existing branch
// already covers it (is a weak initial of it, up to equivalence).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ev, type Relation } from '../src/explorer/dpor-event.js';
import { insertWakeup, weakInitial, type WakeupNode } from '../src/explorer/dpor-wakeup.js';
import { type Op, OpKind, type Shared } from '../src/rt/op.js';

const rel: Relation = { total: false, allocsOrdered: false };
const x: Shared = { oid: 1, label: 'x' };
const y: Shared = { oid: 2, label: 'y' };
const write = (obj: Shared): Op => ({ kind: OpKind.Write, obj, field: null });
const read = (obj: Shared): Op => ({ kind: OpKind.Read, obj, field: null });
const alloc: Op = { kind: OpKind.Alloc, obj: null, field: null };
const ev = (thread: number, index: number, op: Op, fail = false): Ev => new Ev(thread, index, op, fail, false);

describe('dpor wakeup trees', () => {
  it('weak initials: first in its thread with no conflict before, or absent and commuting', () => {
    const w = [ev(0, 0, write(x)), ev(1, 0, read(y))];
    assert.equal(weakInitial(rel, ev(1, 0, read(y)), w), true, 'commutes with the write of x');
    assert.equal(weakInitial(rel, ev(2, 0, read(x)), w), false, 'absent, conflicts with the write of x');
    assert.equal(weakInitial(rel, ev(2, 0, read(y)), w), true, 'absent, commutes with all');
    assert.equal(weakInitial(rel, ev(1, 0, read(x)), [ev(0, 0, write(x)), ev(1, 0, read(x))]), false, 'after a conflict');
    assert.equal(weakInitial(rel, ev(1, 0, alloc, true), [ev(1, 0, alloc, false)]), false, 'other allocation outcome');
    assert.equal(weakInitial(rel, ev(1, 0, alloc, true), [ev(0, 0, alloc, true)]), false, 'two failures spend one budget');
  });

  it('a sleeping weak initial covers the sequence', () => {
    const roots: WakeupNode[] = [];
    assert.equal(insertWakeup(rel, roots, [ev(2, 0, read(y))], [ev(0, 0, write(x))]), false);
    assert.equal(insertWakeup(rel, roots, [ev(2, 0, read(x))], [ev(0, 0, write(x))]), true);
    assert.equal(roots.length, 1);
  });

  it('equivalent sequences share a branch; a leaf that starts one covers it', () => {
    const roots: WakeupNode[] = [];
    const a = ev(0, 0, write(x));
    const b = ev(1, 0, write(y));
    const c = ev(2, 0, read(x));
    assert.equal(insertWakeup(rel, roots, [], [a, b]), true);
    // b.a is equivalent to a.b: nothing new
    assert.equal(insertWakeup(rel, roots, [], [b, a]), false);
    // c.a.b conflicts with the branch at a (c reads x before a writes it): a new branch
    assert.equal(insertWakeup(rel, roots, [], [c, a, b]), true);
    assert.equal(roots.length, 2);
    // a.b.c extends the leaf a.b: covered, races found below it will do the rest
    assert.equal(insertWakeup(rel, roots, [], [a, b, c]), false);
    assert.equal(roots.length, 2);
  });
});
