// `npm run bench`: every benchmark program under every bench strategy, each row measured in its
// own process, then the Spin comparison. A table on stdout, or JSON with --json; progress goes to
// stderr.
//   --only NAME      run only this program (repeatable; a prefix such as "philosophers" works)
//   --iommu          run only the four IOMMU built-ins of the IOMMU table (see report.ts)
//   --strategy NAME  run only this strategy (repeatable)
//   --reps N         timed samples per row (default 5); the median is reported
//   --min-sample-ms  shortest sample, searches are repeated to fill it (default 200)
//   --no-spin        skip the Spin comparison
//   --no-hw          skip the hardware models' translation rates
//   --hw-only        only the hardware models' translation rates
//   --reduction      only DPOR vs DFS on the IOMMU workload, as ratios in one run (bench/reduction.ts)
//   --save FILE      also write the JSON document to FILE (with the table on stdout)
//   --list           print the program names and exit
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.js';
import type { RowResult } from './measure.js';
import { benchPrograms, type BenchProgram, type ClassCount } from './programs/catalogue.js';
import { iommuBenchRows, renderIommuRows, renderRows } from './report.js';
import type { HwBenchResult } from './hw.js';
import { renderHw } from './hw-report.js';
import { runSpinComparison, renderSpin } from './spin/compare.js';
import { benchStrategies } from './strategies.js';

const { values } = parseArgs({
  options: {
    'only': { type: 'string', multiple: true },
    'iommu': { type: 'boolean', default: false },
    'strategy': { type: 'string', multiple: true },
    'reps': { type: 'string', default: '5' },
    'min-sample-ms': { type: 'string', default: '200' },
    'warmup-ms': { type: 'string', default: '200' },
    'json': { type: 'boolean', default: false },
    'no-spin': { type: 'boolean', default: false },
    'no-hw': { type: 'boolean', default: false },
    'hw-only': { type: 'boolean', default: false },
    'reduction': { type: 'boolean', default: false },
    'list': { type: 'boolean', default: false },
    'save': { type: 'string' },
  },
});

function selected(p: BenchProgram, only: readonly string[] | undefined): boolean {
  return only === undefined || only.some((o) => p.name === o || p.name.startsWith(`${o}-`));
}

function main(): number {
  if (values.list) {
    for (const p of benchPrograms) console.log(`${p.name.padEnd(28)} ${p.summary}`);
    return 0;
  }
  if (values.reduction) {
    const args = [fileURLToPath(new URL('./reduction.js', import.meta.url)), ...(values.json ? ['--json'] : [])];
    return spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
  }
  const only = values.iommu ? [...(values.only ?? []), ...iommuBenchRows] : values.only;
  const programs = values['hw-only'] ? [] : benchPrograms.filter((p) => selected(p, only));
  const strategies = benchStrategies.filter((s) => values.strategy === undefined || values.strategy.includes(s.name));
  if (!values['hw-only'] && (programs.length === 0 || strategies.length === 0)) {
    console.error(`bench: nothing selected (${programs.length === 0 ? '--only' : '--strategy'} matches nothing; --list shows the programs)`);
    return 2;
  }
  const machine = describeMachine();
  const rowJs = fileURLToPath(new URL('./row.js', import.meta.url));
  const started = performance.now();
  const rows: RowResult[] = [];
  const counts = new Map<string, ClassCount | null>();
  for (const p of programs) {
    counts.set(p.name, p.count());
    for (const s of strategies) {
      process.stderr.write(`bench: ${p.name} / ${s.name} ...`);
      const child = spawnSync(process.execPath, [rowJs, p.name, s.name, values.reps, values['min-sample-ms'], values['warmup-ms']], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (child.status !== 0) {
        process.stderr.write(` failed\n${child.stderr}`);
        return 1;
      }
      const r = JSON.parse(child.stdout) as RowResult;
      rows.push(r);
      process.stderr.write(` ${Math.round(r.execPerSec)} exec/s\n`);
    }
  }
  const spin = values['no-spin'] || values['hw-only'] ? null : runSpinComparison(programs.map((p) => p.name), rows, (m) => process.stderr.write(m));
  const hw = values['no-hw'] ? null : runHwRows(values.reps, values['min-sample-ms']);
  if (hw === undefined) return 1;
  const elapsedMs = performance.now() - started;
  const loadAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const withCounts = rows.map((r) => ({ ...r, count: counts.get(r.program) ?? null }));
  const json = JSON.stringify({ machine, loadAtEnd, elapsedMs, rows: withCounts, spin, hw }, null, 2);
  if (values.save !== undefined) writeFileSync(values.save, `${json}\n`);
  if (values.json) {
    console.log(json);
  } else {
    if (rows.length > 0) console.log(renderRows(machine, loadAtEnd, rows, counts));
    else console.log(`iommulab bench, ${machine.date}: load average ${machine.loadAvg.join(' ')} at start, ${loadAtEnd.join(' ')} at the end`);
    const iommu = renderIommuRows(rows);
    if (iommu !== null) console.log(`\n${iommu}`);
    if (spin !== null) console.log(`\n${renderSpin(spin)}`);
    if (hw !== null) console.log(`\n${renderHw(hw)}`);
    console.log(`\nbench finished in ${(elapsedMs / 1000).toFixed(1)}s`);
  }
  return 0;
}

/** the hardware rows, measured in their own process; undefined when it failed */
function runHwRows(reps: string, minSampleMs: string): HwBenchResult | undefined {
  process.stderr.write('bench: hardware models ...');
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./hw.js', import.meta.url)), reps, minSampleMs], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) {
    process.stderr.write(` failed\n${child.stderr}`);
    return undefined;
  }
  process.stderr.write(' done\n');
  return JSON.parse(child.stdout) as HwBenchResult;
}

process.exitCode = main();
