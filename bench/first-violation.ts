// A strategy wrapper that notes when the first failing execution finished. It adds one call per
// execution (not per step), so it does not change what the per-step figures measure.
import type { Chooser, Execution } from '../src/rt/execution.js';
import type { Strategy } from '../src/explorer/strategy.js';

export class FirstViolationClock implements Strategy {
  /** performance.now() when the first execution with a violation finished, or null */
  at: number | null = null;
  /** 1-based number of that execution */
  execution: number | null = null;
  /** per violation kind: when (performance.now()) and in which execution it first occurred */
  readonly byKind = new Map<string, { readonly at: number; readonly execution: number }>();
  private executions = 0;
  constructor(private readonly inner: Strategy) {}

  get name(): string {
    return this.inner.name;
  }

  get exhaustive(): boolean {
    return this.inner.exhaustive;
  }

  next(): Chooser | null {
    return this.inner.next();
  }

  finished(exec: Execution): void {
    this.executions++;
    if (exec.violations.length > 0) {
      const now = performance.now();
      if (this.at === null) {
        this.at = now;
        this.execution = this.executions;
      }
      for (const v of exec.violations) {
        if (!this.byKind.has(v.kind)) this.byKind.set(v.kind, { at: now, execution: this.executions });
      }
    }
    this.inner.finished(exec);
  }
}
