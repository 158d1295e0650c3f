// The Spin comparison: each Promela twin is generated (spin -a), compiled (gcc -O2 -DSAFETY,
// with and without -DNOREDUCE) and verified (./pan), and shown beside the iommulab row it
// mirrors. Generation and compilation are timed apart from pan's run: pan is a program made
// for one model, iommulab interprets the model's code. Nothing is installed here: without
// spin or gcc on PATH the comparison is skipped with a message.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RowResult } from '../measure.js';
import { median } from '../stats.js';
import { int, ms, renderTable } from '../table.js';
import { spinModels, type SpinModel } from './models.js';
import { type PanStats, parsePan } from './pan-output.js';

export const spinMissing = 'spin not installed: skipping the Spin comparison (apt-get install spin)';
const gccMissing = 'gcc not installed: skipping the Spin comparison (apt-get install gcc)';
const CFLAGS = ['-O2', '-DSAFETY'];
const PAN_RUNS = 3;
/** a 2^18-slot hash table: plenty for these models, and pan's default 2^24 (128 MB) costs ~100 ms to set up */
const PAN_ARGS = ['-w18'];

export interface PanRun extends PanStats {
  /** median wall time of the pan process (start, hash table, search, report), ms */
  readonly wallMs: number;
}

export interface SpinVariant {
  /** 'por' (Spin's default partial-order reduction) or 'noreduce' (-DNOREDUCE) */
  readonly reduction: 'por' | 'noreduce';
  readonly compileMs: number;
  /** the whole state space (with -E when the model can deadlock) */
  readonly full: PanRun;
  /** default run, which stops at the first error (deadlocking models only) */
  readonly firstError: PanRun | null;
}

export interface SpinResult {
  readonly model: string;
  readonly row: string;
  readonly defines: Readonly<Record<string, number>>;
  readonly generateMs: number;
  readonly variants: readonly SpinVariant[];
}

export interface SpinReport {
  readonly skipped: string | null;
  readonly version: string | null;
  readonly cflags: string;
  readonly results: readonly SpinResult[];
  /** the iommulab rows the models mirror, for the side-by-side table */
  readonly iommulab: readonly RowResult[];
}

function onPath(cmd: string, arg: string): string | null {
  const r = spawnSync(cmd, [arg], { encoding: 'utf8' });
  return r.error === undefined ? `${r.stdout}${r.stderr}`.trim() : null;
}

function timed(cmd: string, args: readonly string[], cwd: string): { ms: number; out: string } {
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 });
  const elapsed = performance.now() - start;
  if (r.error !== undefined || (r.status !== 0 && cmd !== './pan')) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  }
  return { ms: elapsed, out: `${r.stdout}${r.stderr}` };
}

function runPan(dir: string, args: readonly string[]): PanRun {
  const walls: number[] = [];
  let out = '';
  for (let i = 0; i < PAN_RUNS; i++) {
    const r = timed('./pan', args, dir);
    walls.push(r.ms);
    out = r.out;
  }
  return { ...parsePan(out), wallMs: median(walls) };
}

function verify(m: SpinModel, srcDir: string): SpinResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iommulab-spin-'));
  try {
    copyFileSync(path.join(srcDir, m.file), path.join(dir, m.file));
    const defines = Object.entries(m.defines).map(([k, v]) => `-D${k}=${v}`);
    const gen = timed('spin', [...defines, '-a', m.file], dir);
    const variants: SpinVariant[] = [];
    for (const reduction of ['por', 'noreduce'] as const) {
      const flags = reduction === 'por' ? CFLAGS : [...CFLAGS, '-DNOREDUCE'];
      const cc = timed('gcc', [...flags, '-o', 'pan', 'pan.c'], dir);
      variants.push({
        reduction,
        compileMs: cc.ms,
        full: runPan(dir, m.deadlocks ? [...PAN_ARGS, '-E'] : PAN_ARGS),
        firstError: m.deadlocks ? runPan(dir, PAN_ARGS) : null,
      });
    }
    const params = Object.entries(m.defines).map(([k, v]) => ` ${k}=${v}`).join('');
    const model = `${m.file.replace(/\.pml$/, '')}${params}`;
    return { model, row: m.row, defines: m.defines, generateMs: gen.ms, variants };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run the models whose bench rows were selected. Returns null when nothing applies. */
export function runSpinComparison(
  programs: readonly string[],
  rows: readonly RowResult[],
  log: (m: string) => void,
): SpinReport | null {
  const models = spinModels.filter((m) => programs.includes(m.row));
  if (models.length === 0) return null;
  const cflags = CFLAGS.join(' ');
  const version = onPath('spin', '-V');
  const skipped = version === null ? spinMissing : onPath('gcc', '--version') === null ? gccMissing : null;
  if (skipped !== null) {
    log(`bench: ${skipped}\n`);
    return { skipped, version, cflags, results: [], iommulab: [] };
  }
  const srcDir = fileURLToPath(new URL('../../../bench/spin/', import.meta.url));
  const results: SpinResult[] = [];
  for (const m of models) {
    log(`bench: spin ${m.file} ${JSON.stringify(m.defines)} ...`);
    const r = verify(m, srcDir);
    results.push(r);
    log(` ${r.variants[0]!.full.statesStored} states\n`);
  }
  const iommulab = rows.filter((r) => models.some((m) => m.row === r.program));
  return { skipped: null, version: version!.split('\n')[0]!, cflags, results, iommulab };
}

export function renderSpin(s: SpinReport): string {
  if (s.skipped !== null) return s.skipped;
  const head =
    `Spin comparison: ${s.version}; gcc ${s.cflags} (por) and ${s.cflags} -DNOREDUCE (noreduce); ` +
    `pan ${PAN_ARGS.join(' ')} times are medians of ${PAN_RUNS} runs of the compiled verifier; spin -a and gcc are timed apart.`;
  const rows: string[][] = [];
  for (const r of s.results) {
    const por = r.variants.find((v) => v.reduction === 'por')!;
    const nored = r.variants.find((v) => v.reduction === 'noreduce')!;
    const ours = s.iommulab.filter((x) => x.program === r.row);
    const first = por.firstError;
    rows.push([
      r.model,
      ms(r.generateMs + por.compileMs),
      int(por.full.statesStored),
      int(por.full.transitions),
      ms(por.full.wallMs),
      int(nored.full.statesStored),
      int(nored.full.transitions),
      ms(nored.full.wallMs),
      first === null ? '-' : first.errors > 0 ? `${ms(first.wallMs)} (${int(first.statesStored)} st)` : 'none',
      r.row,
      ours.map((o) => `${o.strategy} ${int(o.executions)}`).join(', ') || '-',
      ours.map((o) => `${int(o.steps)}`).join(', ') || '-',
      ours.map((o) => `${ms(o.finishMs)}${o.capped ? ' (capped)' : ''}`).join(', ') || '-',
      ours.map((o) => ms(o.coldMs)).join(', ') || '-',
      ours.map((o) => (o.firstViolationMs === null ? '-' : ms(o.firstViolationMs))).join(', ') || '-',
    ]);
  }
  const table = renderTable(
    [
      { title: 'spin model', left: true },
      { title: 'spin -a+gcc' },
      { title: 'por states' },
      { title: 'transitions' },
      { title: 'pan' },
      { title: 'noreduce states' },
      { title: 'transitions' },
      { title: 'pan' },
      { title: 'pan 1st error' },
      { title: 'iommulab row', left: true },
      { title: 'executions' },
      { title: 'steps' },
      { title: 'time' },
      { title: 'cold' },
      { title: '1st violation' },
    ],
    rows,
  );
  return [
    head,
    '',
    table,
    '',
    'Units differ: Spin stores and merges states (a state reached twice is explored once), iommulab re-executes',
    'every schedule from the start and merges nothing; its "steps" are steps summed over all executions.',
    'pan: wall time of the process (start, hash table, search, report). iommulab time: one search in a warmed-up',
    'process; cold: the first search of a fresh process, before the JIT has warmed up (node start not included).',
  ].join('\n');
}
