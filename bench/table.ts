// Plain-text tables: a header, a rule, right-aligned numbers, left-aligned words.
export interface Column {
  readonly title: string;
  readonly left?: boolean;
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (columns[i]!.left === true ? text.padEnd(widths[i]!) : text.padStart(widths[i]!));
  const line = (r: readonly string[]) => columns.map((_, i) => cell(r[i] ?? '', i)).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 1234567 -> "1,234,567"; non-finite -> "-" */
export function int(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US');
}

/** a duration in ms, with a unit that keeps 2-3 significant digits */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (v < 1) return `${(v * 1000).toFixed(0)}us`;
  if (v < 1000) return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}ms`;
  return `${(v / 1000).toFixed(2)}s`;
}
