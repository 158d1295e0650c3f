// The main table: one row per (program, strategy), then notes for capped rows.
import type { Machine } from './machine.js';
import type { RowResult } from './measure.js';
import type { ClassCount } from './programs/catalogue.js';
import { int, ms, renderTable } from './table.js';

function ratio(r: RowResult, c: ClassCount | null | undefined): string {
  if (c === null || c === undefined) return '-';
  // a capped search has not finished: give the ratio the full search would have
  if (r.capped) return `${(c.interleavings / c.classes).toPrecision(3)}*`;
  return (r.executions / c.classes).toFixed(r.executions % c.classes === 0 ? 1 : 2);
}

function search(r: RowResult): string {
  if (r.capped) return `capped@${int(r.cap)}`;
  return r.exhaustive ? 'exhaustive' : 'partial';
}

function firstViolation(r: RowResult): string {
  if (r.firstViolationMs === null) return '-';
  return `${ms(r.firstViolationMs)} (#${r.firstViolationExecution})`;
}

export function renderRows(
  machine: Machine,
  loadAtEnd: readonly number[],
  rows: readonly RowResult[],
  counts: ReadonlyMap<string, ClassCount | null>,
): string {
  const head =
    `iommulab bench, ${machine.date}: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, ` +
    `load average ${machine.loadAvg.join(' ')} at start, ${loadAtEnd.join(' ')} at the end; ` +
    `medians of ${rows[0]?.samples ?? 0} samples per row`;
  const table = renderTable(
    [
      { title: 'program', left: true },
      { title: 'strategy', left: true },
      { title: 'executions' },
      { title: 'exec/s' },
      { title: 'best' },
      { title: 'exec/cpu-s' },
      { title: 'steps' },
      { title: 'ns/step' },
      { title: 'first violation' },
      { title: 'violations', left: true },
      { title: 'finish' },
      { title: 'maxRSS' },
      { title: 'search', left: true },
      { title: 'classes' },
      { title: 'exec/class' },
    ],
    rows.map((r) => {
      const c = counts.get(r.program);
      return [
        r.program,
        r.strategy,
        int(r.executions),
        int(r.execPerSec),
        int(r.execPerSecBest),
        int(r.execPerCpuSec),
        int(r.steps),
        int(r.nsPerStep),
        firstViolation(r),
        r.violations.map((k) => `${k}#${r.firstByKind[k]?.execution ?? '?'}`).join(',') || '-',
        ms(r.finishMs),
        `${r.maxRssMB.toFixed(0)}MB`,
        search(r),
        c === null || c === undefined ? '-' : int(c.classes),
        ratio(r, c),
      ];
    }),
  );
  const notes: string[] = [
    '',
    'exec/s: executions per wall-clock second (median of the samples); best: the fastest sample, the least disturbed',
    '  by other load; exec/cpu-s: per second of CPU time the row\'s process used. ns/step: wall time / steps.',
    'first violation: time from the start of a search to the end of its first failing execution (#: that execution);',
    '  violations: each kind found, with the execution that first showed it.',
    'maxRSS: peak resident set of the row\'s own node process (a bare node process is ~' +
    `${Math.round(rows[0]?.baseRssMB ?? 0)}MB).`,
    'classes: Mazurkiewicz classes of maximal executions (what an optimal DPOR runs); exec/class = executions / classes.',
  ];
  const capped = rows.filter((r) => r.capped);
  for (const r of capped) {
    const c = counts.get(r.program);
    const full = c === null || c === undefined ? '' : `; the full search is ${int(c.interleavings)} executions (${c.source})`;
    notes.push(`* ${r.program}/${r.strategy}: stopped at the cap of ${int(r.cap)} executions${full}.`);
  }
  const sources = [...new Set([...counts.values()].filter((c) => c !== null).map((c) => c!.source))];
  if (sources.length > 0) notes.push(`class counts from: ${sources.join(', ')} (see docs/PERFORMANCE.md).`);
  return [head, '', table, ...notes].join('\n');
}

/** The IOMMU built-ins whose cost the IOMMU table follows (docs/PERFORMANCE.md). */
export const iommuBenchRows = ['iommu-group-attach-detach', 'iommu-hotadd-into-group', 'iommu-reset-vs-attach', 'iommu-reset-vs-detach'];

/** The IOMMU built-ins under dfs and dpor: executions, exec/s, µs/step; null when none was run. */
export function renderIommuRows(rows: readonly RowResult[]): string | null {
  const picked = rows.filter((r) => iommuBenchRows.includes(r.program) && (r.strategy === 'dfs' || r.strategy === 'dpor'));
  if (picked.length === 0) return null;
  const order = (r: RowResult) => iommuBenchRows.indexOf(r.program);
  picked.sort((a, b) => order(a) - order(b) || a.strategy.localeCompare(b.strategy));
  const table = renderTable(
    [
      { title: 'IOMMU built-in', left: true },
      { title: 'strategy', left: true },
      { title: 'executions' },
      { title: 'exec/s' },
      { title: 'µs/step' },
    ],
    picked.map((r) => [r.program, r.strategy, int(r.executions), int(r.execPerSec), (r.nsPerStep / 1000).toFixed(2)]),
  );
  return `IOMMU built-ins (exec/s: median wall-clock rate; µs/step: wall time / steps)\n\n${table}`;
}
