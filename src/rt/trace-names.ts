// Names a reader knows objects by, for traces: the runtime labels objects by kind and id
// (group#100003, io_pgtable#10000f, ste[48]); the program (a scenario layer) says which of them
// are its device ep0, its domain D, the group of ep0 and ep1. The runtime only collects the names
// while tracing; the report layer rewrites the texts it prints with them.
import type { Shared } from './op.js';

export class TraceNames {
  /** label (or any exact phrase of a report, e.g. "stream 25") -> the name to print */
  private readonly names = new Map<string, string>();
  private pattern: RegExp | null = null;

  /** Name the object `obj` (a later name replaces an earlier one: membership can grow). */
  name(obj: Shared, name: string): void {
    this.phrase(obj.label, name);
  }

  /** Print `name` wherever the exact phrase `text` stands alone in a report. */
  phrase(text: string, name: string): void {
    if (text === name || this.names.get(text) === name) return;
    this.names.set(text, name);
    this.pattern = null;
  }

  has(obj: Shared): boolean {
    return this.names.has(obj.label);
  }

  get(label: string): string | undefined {
    return this.names.get(label);
  }

  /** label -> name, in the order they were first named */
  entries(): ReadonlyArray<readonly [string, string]> {
    return [...this.names];
  }

  get size(): number {
    return this.names.size;
  }

  /** `text` with every named label replaced by its name (a label only where it stands alone: ste[4] is not in ste[48]) */
  rename(text: string): string {
    if (this.names.size === 0) return text;
    if (this.pattern === null) {
      // longest first, so a label that is a prefix of another never wins over it
      const labels = [...this.names.keys()].sort((a, b) => b.length - a.length).map(escape);
      this.pattern = new RegExp(`(?<![\\w#:.])(?:${labels.join('|')})(?![\\w#])`, 'g');
    }
    return text.replace(this.pattern, (m) => this.names.get(m) ?? m);
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
