// Strategy families: what the parallel layer needs to know about a kind of search to cut it
// into parts, ship the parts to workers as plain JSON and resume them. A family that cannot cut
// its search returns [state] from split(); one whose strategies cannot save() runs whole.
// (DPOR can join with its own family: e.g. parts = wakeup-tree subtrees.)
import { DfsStrategy, type DfsState } from '../dfs.js';
import { DporStrategy } from '../dpor.js';
import { BoundedDporStrategy } from '../dpor-bounded.js';
import { type PctState, PctStrategy, pctInitialK } from '../pct.js';
import { RandomStrategy, type RangeState } from '../random.js';
import type { Strategy } from '../strategy.js';
import { checkDfsState, dfsKey, splitDfs } from './dfs-split.js';
import { DataError } from './data.js';
import type { Key } from './key.js';
import { checkPctState, checkRangeState, rangeKey, splitPct, splitRange } from './range-split.js';

/** A search strategy with its parameters, as plain JSON (a worker builds the strategy from it). */
export type StrategySpec =
  | { readonly kind: 'dpor' }
  | { readonly kind: 'dpor-bounded'; readonly preemptionBound: number }
  | { readonly kind: 'dfs'; readonly preemptionBound: number | null }
  | { readonly kind: 'random'; readonly seed: number; readonly executions: number }
  | { readonly kind: 'pct'; readonly seed: number; readonly executions: number; readonly depth: number };

export interface SearchFamily {
  /** the whole search */
  root(): unknown;
  /** a strategy that explores exactly the executions of `state`, in canonical order */
  create(state: unknown): Strategy;
  /** where `state` sits in the canonical order of the search */
  key(state: unknown): Key;
  /** parts covering exactly the executions of `state`, in canonical order ([state]: cannot cut) */
  split(state: unknown): unknown[];
  /** throws a DataError naming the bad field when `state` (read from a file) is not one of ours */
  check(state: unknown, path: string): void;
}

/** A family over its own state type, erased to the JSON-facing SearchFamily. */
function family<S>(f: {
  root(): S;
  create(s: S): Strategy;
  key(s: S): Key;
  split(s: S): S[];
  check(v: unknown, path: string): void;
}): SearchFamily {
  return f as unknown as SearchFamily;
}

export function familyFor(spec: StrategySpec): SearchFamily {
  switch (spec.kind) {
    case 'dpor':
      // DPOR's frontier (wakeup trees, sleep sets) is not saved or cut yet: a search runs whole,
      // in one slice; its state is only "the whole search"
      return family<'whole'>({
        root: () => 'whole',
        create: () => new DporStrategy(),
        key: () => [],
        split: (s) => [s],
        check: (v, path) => {
          if (v !== 'whole') throw new DataError(`${path}: expected "whole" (a dpor search is saved only whole)`);
        },
      });
    case 'dpor-bounded':
      // its backtrack sets are not saved or cut either: the search runs whole, like dpor
      return family<'whole'>({
        root: () => 'whole',
        create: () => new BoundedDporStrategy(spec.preemptionBound),
        key: () => [],
        split: (s) => [s],
        check: (v, path) => {
          if (v !== 'whole') throw new DataError(`${path}: expected "whole" (a bounded dpor search is saved only whole)`);
        },
      });
    case 'dfs': {
      const bound = spec.preemptionBound ?? Number.POSITIVE_INFINITY;
      return family<DfsState>({
        root: () => ({ frames: [], floor: 0, pruned: false }),
        create: (s) => new DfsStrategy(bound, s),
        key: dfsKey,
        split: splitDfs,
        check: checkDfsState,
      });
    }
    case 'random':
      return family<RangeState>({
        root: () => ({ next: 0, end: spec.executions }),
        create: (s) => new RandomStrategy(spec.seed, s.end, undefined, s.next),
        key: rangeKey,
        split: splitRange,
        check: (s, path) => checkRangeState(s, path, spec.executions),
      });
    case 'pct':
      return family<PctState>({
        root: () => ({ next: 0, end: spec.executions, k: pctInitialK }),
        create: (s) => new PctStrategy(spec.seed, s.end, spec.depth, undefined, s),
        key: rangeKey,
        split: splitPct,
        check: (s, path) => checkPctState(s, path, spec.executions),
      });
  }
}
