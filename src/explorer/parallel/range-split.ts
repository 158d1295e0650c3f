// Cutting seeded searches (random, pct) into ranges of execution indexes. Execution i depends
// only on (seed, i) for random; for pct also on the executions before it in its block, so pct
// ranges are cut at block boundaries only.
import { type PctState, pctBlock, pctInitialK } from '../pct.js';
import type { RangeState } from '../random.js';
import { DataError, int, obj } from './data.js';
import type { Key } from './key.js';

const maxParts = 16;

export function rangeKey(s: RangeState): Key {
  return [s.next];
}

export function splitRange(s: RangeState): RangeState[] {
  const size = s.end - s.next;
  const parts = Math.min(maxParts, size);
  if (parts <= 1) return [s];
  const out: RangeState[] = [];
  for (let p = 0; p < parts; p++) {
    out.push({ next: s.next + Math.floor((size * p) / parts), end: s.next + Math.floor((size * (p + 1)) / parts) });
  }
  return out;
}

export function splitPct(s: PctState): PctState[] {
  const firstBoundary = Math.ceil((s.next + 1) / pctBlock) * pctBlock;
  if (firstBoundary >= s.end) return [s];
  const blocks = Math.ceil((s.end - firstBoundary) / pctBlock);
  const parts = Math.min(maxParts - 1, blocks);
  const out: PctState[] = [{ next: s.next, end: firstBoundary, k: s.k }];
  for (let p = 0; p < parts; p++) {
    const next = firstBoundary + Math.floor((blocks * p) / parts) * pctBlock;
    const end = p + 1 === parts ? s.end : firstBoundary + Math.floor((blocks * (p + 1)) / parts) * pctBlock;
    out.push({ next, end, k: pctInitialK });
  }
  return out;
}

/** A range of the search's `executions` executions. */
export function checkRangeState(v: unknown, path: string, executions: number): void {
  const o = obj(v, path);
  const next = int(o.next, `${path}.next`);
  const end = int(o.end, `${path}.end`);
  if (next >= end) throw new DataError(`${path}: next (${next}) must be below end (${end})`);
  if (end > executions) throw new DataError(`${path}.end: ${end} is past the search's ${executions} executions`);
}

export function checkPctState(v: unknown, path: string, executions: number): void {
  checkRangeState(v, path, executions);
  int(obj(v, path).k, `${path}.k`, 1);
}
