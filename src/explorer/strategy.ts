// The one interface between the exploration engine and a search strategy.
import type { Chooser, Execution } from '../rt/execution.js';
import type { Deadline } from './deadline.js';

export interface Strategy {
  readonly name: string;
  /** A chooser for the next execution, or null when the search is over. */
  next(): Chooser | null;
  /**
   * Told after each execution. Work here whose cost grows with the execution (race analysis)
   * counts itself on `deadline` and throws DeadlineCut past it; the search then ends there, and
   * the strategy need not be usable after (next() null, exhaustive false, save() refused).
   */
  finished(exec: Execution, deadline?: Deadline): void;
  /** Once next() has returned null: was every execution in scope explored? */
  readonly exhaustive: boolean;
  /**
   * Resumable strategies: the rest of the search as plain JSON (null when nothing is left),
   * asked between executions. The strategy's family (explorer/parallel/family.ts) builds a
   * strategy from it again, and may cut it into parts for workers, shards and checkpoints.
   */
  save?(): unknown;
  /** It reads each execution's per-step threads and ops (ExecOptions.recordOps). */
  readonly recordsOps?: boolean;
}
