// A fixed plan of a search for shards: the same list of ranges in every shard (it depends only
// on the search and the number of shards). Parts are cut where the family can cut without
// running anything; where it cannot, one execution is run to open up the tree, and that
// execution becomes a range of the plan itself, already explored.
import type { Program } from '../../rt/execution.js';
import type { RangeProgress } from './coordinator.js';
import type { SearchFamily } from './family.js';
import { compareKeys } from './key.js';
import { emptyRange, type RangeResult } from './range.js';
import { runSlice, type SearchSpec } from './slice.js';

interface Entry {
  readonly key: readonly number[];
  readonly state: unknown;
  /** set for a range the planning explored */
  readonly result?: RangeResult;
  /** its search cannot save and was stopped by the limits */
  readonly cut?: boolean;
}

/**
 * Cut the search into at least `parts` open ranges when it can (fewer for a small search). The
 * planning stops at `deadline` (performance.now()), and a search that cannot save is explored
 * whole within `maxExecutions` and the deadline (its range is then cut there).
 */
export function planSearch(
  program: Program<unknown>,
  search: SearchSpec,
  family: SearchFamily,
  parts: number,
  limits: { readonly maxExecutions: number; readonly deadline: number } = { maxExecutions: Infinity, deadline: Infinity },
): RangeProgress[] {
  const root = family.root();
  let entries: Entry[] = [{ key: family.key(root), state: root }];
  // every shard repeats the planning: keep it to a few executions per part
  const maxRuns = 2 * parts;
  let runs = 0;
  for (;;) {
    const open = entries.filter((e) => e.result === undefined);
    if (open.length >= parts || runs >= maxRuns || performance.now() > limits.deadline) break;
    let pick: Entry | undefined;
    for (const e of open) if (pick === undefined || e.key.length < pick.key.length) pick = e;
    if (pick === undefined) break;
    const at = entries.indexOf(pick);
    const cut = family.split(pick.state);
    if (cut.length > 1) {
      entries.splice(at, 1, ...cut.map((s) => ({ key: family.key(s), state: s })));
      continue;
    }
    // cannot cut without opening it up: run its first execution (a strategy that cannot save runs whole)
    runs++;
    const hard = { maxExecutions: limits.maxExecutions, timeMs: Math.max(1, limits.deadline - performance.now()) };
    const out = runSlice(program, search, pick.state, { maxExecutions: 1, timeMs: Infinity, hard });
    const done: Entry = { key: pick.key, state: pick.state, result: out.result, ...(out.cut === true ? { cut: true } : {}) };
    const rest: Entry[] = out.remaining === null ? [] : [{ key: family.key(out.remaining), state: out.remaining }];
    entries.splice(at, 1, done, ...rest);
  }
  entries = entries.sort((a, b) => compareKeys(a.key, b.key));
  return entries.map((e, index) => {
    const start = { key: e.key, state: e.state };
    return e.result === undefined
      ? { index, start, committed: emptyRange, done: [], pending: [start], limitHit: false }
      : { index, start, committed: e.result, done: [], pending: [], limitHit: e.cut === true };
  });
}
