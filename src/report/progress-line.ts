// The progress line of a long check on a terminal (stderr): executions, rate, elapsed time,
// distinct violations so far, and an estimate of what is left where one can be made. It shows
// only after a second, only on a TTY, and never with --json; it is redrawn in place and erased
// before anything else is printed, so the report itself reads as without it.
import type { ProgressCounts } from '../check/progress-counts.js';

/** what the line is drawn on: process.stderr, or a test's fake terminal */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Where a check draws its progress: stderr when it is a terminal and the output is text; else nowhere. */
export function progressStream(json: boolean, stream: ProgressStream): ProgressStream | null {
  return !json && stream.isTTY === true ? stream : null;
}

export interface ProgressPlan {
  /** executions the whole check will run, when known ahead (sampling strategies); else null */
  readonly totalExecutions: number | null;
}

export const progressDelayMs = 1000;

export class ProgressLine {
  private shown = false;
  private readonly start: number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly plan: ProgressPlan,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  /** Draw the line (after the first second) with the counts as they stand. */
  update(c: ProgressCounts): void {
    const elapsed = this.now() - this.start;
    if (elapsed < progressDelayMs) return;
    const text = progressText(c, elapsed, this.plan.totalExecutions);
    const columns = this.stream.columns ?? 0;
    const width = Math.max(20, (columns > 0 ? columns : 80) - 1);
    this.stream.write(`\r${text.length > width ? `${text.slice(0, width - 1)}…` : text}\x1b[K`);
    this.shown = true;
  }

  /** Erase the line (before printing anything else, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

/** "[3/25 done] iommu-reset-vs-detach: 12,345 executions, 4,100/s, 3.0s, 2 distinct violations, about 10s left" */
export function progressText(c: ProgressCounts, elapsedMs: number, total: number | null): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const rate = elapsedMs > 0 ? (c.executions * 1000) / elapsedMs : 0;
  const parts = [
    `${n(c.executions)} executions`,
    `${n(rate)}/s`,
    `${(elapsedMs / 1000).toFixed(1)}s`,
    `${c.distinct} distinct violation${c.distinct === 1 ? '' : 's'}`,
  ];
  const left = estimateMs(c, rate, total);
  if (left !== null) parts.push(`about ${duration(left)} left`);
  const where = c.current === null ? '' : ` ${c.current}:`;
  return `[${c.settled}/${c.scenarios} done]${where} ${parts.join(', ')}`;
}

/** What is left, when the work is known ahead (a sampling search's executions); null otherwise. */
function estimateMs(c: ProgressCounts, rate: number, total: number | null): number | null {
  if (total === null || rate <= 0 || c.executions === 0) return null;
  return (Math.max(0, total - c.executions) / rate) * 1000;
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
