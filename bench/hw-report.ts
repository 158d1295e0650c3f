// The hardware table of `npm run bench`.
import type { HwBenchResult } from './hw.js';
import { int, renderTable } from './table.js';

export function renderHw(r: HwBenchResult): string {
  const rows = r.rows.map((x) => [
    x.unit,
    x.name,
    int(x.perSec),
    int(x.perSecBest),
    int(x.perCpuSec),
    x.nsPerOp < 10_000 ? x.nsPerOp.toFixed(0) : int(x.nsPerOp),
    x.stepsPerOp === undefined ? '' : x.stepsPerOp.toFixed(1),
  ]);
  const table = renderTable(
    [
      { title: 'model', left: true },
      { title: 'translation', left: true },
      { title: '/s' },
      { title: 'best /s' },
      { title: '/cpu-s' },
      { title: 'ns' },
      { title: 'steps' },
    ],
    rows,
  );
  return `Hardware models (pure fast paths unless noted; medians of ${r.samples} samples)\n${table}`;
}
