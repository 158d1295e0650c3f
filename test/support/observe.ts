// A strategy wrapper that shows the test every finished execution, so a test can collect
// per-execution facts (final states, reports) from a search it does not otherwise change.
import type { Chooser, Execution } from '../../src/rt/execution.js';
import type { Strategy } from '../../src/explorer/strategy.js';

export function observing(inner: Strategy, onExecution: (exec: Execution) => void): Strategy {
  return {
    name: inner.name,
    get exhaustive(): boolean {
      return inner.exhaustive;
    },
    next: (): Chooser | null => inner.next(),
    finished(exec: Execution): void {
      inner.finished(exec);
      onExecution(exec);
    },
  };
}
