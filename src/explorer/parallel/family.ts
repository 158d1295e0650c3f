// Strategy families: what the parallel layer needs to know about a kind of search to cut it
// into parts, ship the parts to workers as plain JSON and resume them. A family that cannot cut
// its search returns [state] from split(); one whose strategies cannot save() runs whole.
import { DfsStrategy, type DfsState } from '../dfs.js';
import { type DporState, DporStrategy } from '../dpor.js';
import { BoundedDporStrategy } from '../dpor-bounded.js';
import { dporRoot } from '../dpor-frontier.js';
import { type PctState, PctStrategy, pctInitialK } from '../pct.js';
import { RandomStrategy, type RangeState } from '../random.js';
import type { Strategy } from '../strategy.js';
import { checkDfsState, dfsKey, splitDfs } from './dfs-split.js';
import { DataError } from './data.js';
import { checkDporState } from './dpor-check.js';
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
  /** split() may cut a state in parts (if not, a lone part is not brought back early to be cut) */
  readonly splits: boolean;
}

/** A family over its own state type, erased to the JSON-facing SearchFamily. */
function family<S>(f: {
  root(): S;
  create(s: S): Strategy;
  key(s: S): Key;
  split(s: S): S[];
  check(v: unknown, path: string): void;
  splits: boolean;
}): SearchFamily {
  return f as unknown as SearchFamily;
}

export function familyFor(spec: StrategySpec): SearchFamily {
  switch (spec.kind) {
    case 'dpor':
      // DPOR is saved (its frontier: path, sleep sets, wakeup trees) but never cut: races found
      // in any subtree are added to the wakeup trees of its ancestors, so no part of the search
      // can be explored apart from the rest. A DPOR search runs on one worker at a time, in
      // slices; the key (executions explored before the state) orders the states of its one chain.
      return family<DporState>({
        root: () => dporRoot,
        create: (s) => new DporStrategy(s),
        key: (s) => [s.explored],
        split: (s) => [s],
        check: checkDporState,
        splits: false,
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
        splits: false,
      });
    case 'dfs': {
      const bound = spec.preemptionBound ?? Number.POSITIVE_INFINITY;
      return family<DfsState>({
        root: () => ({ frames: [], floor: 0, pruned: false }),
        create: (s) => new DfsStrategy(bound, s),
        key: dfsKey,
        split: splitDfs,
        check: checkDfsState,
        splits: true,
      });
    }
    case 'random':
      return family<RangeState>({
        root: () => ({ next: 0, end: spec.executions }),
        create: (s) => new RandomStrategy(spec.seed, s.end, undefined, s.next),
        key: rangeKey,
        split: splitRange,
        check: (s, path) => checkRangeState(s, path, spec.executions),
        splits: true,
      });
    case 'pct':
      return family<PctState>({
        root: () => ({ next: 0, end: spec.executions, k: pctInitialK }),
        create: (s) => new PctStrategy(spec.seed, s.end, spec.depth, undefined, s),
        key: rangeKey,
        split: splitPct,
        check: (s, path) => checkPctState(s, path, spec.executions),
        splits: true,
      });
  }
}
