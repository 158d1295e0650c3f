// Child process entry of the hardware rows of `npm run bench`: the translation rate of each case
// of hw-cases.ts (pure fast paths), and the DMAs per second a device thread makes in explorer
// steps. Prints a HwBenchResult as JSON.
//   node dist/bench/hw.js [REPS MIN_SAMPLE_MS]
import { runOnce } from '../src/explorer/run-once.js';
import type { Program } from '../src/rt/execution.js';
import type { Gen } from '../src/sync/index.js';
import { atomicDmas, hwCases, PAGES, steppedDmas, steppedSetup } from './hw-cases.js';
import { median } from './stats.js';

export interface HwRow {
  readonly unit: string;
  readonly name: string;
  /** translations per second of wall time (median of samples) */
  readonly perSec: number;
  /** the fastest sample */
  readonly perSecBest: number;
  /** per second of this process's CPU time (median): less sensitive to other load */
  readonly perCpuSec: number;
  readonly nsPerOp: number;
  /** explorer steps per DMA (stepped row only) */
  readonly stepsPerOp?: number;
}

export interface HwBenchResult {
  readonly rows: readonly HwRow[];
  readonly samples: number;
}

function sample(run: (i: number) => void, minMs: number): { perSec: number; perCpuSec: number } {
  let n = 0;
  let batch = 1;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < batch; i++) run(n + i);
    n += batch;
    batch = Math.min(batch * 2, 1 << 20);
    t = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return { perSec: (n / (t - t0)) * 1000, perCpuSec: n / ((cpu.user + cpu.system) / 1e6) };
}

function row(unit: string, name: string, run: (i: number) => void, reps: number, minMs: number): HwRow {
  sample(run, minMs); // warm-up
  const s = Array.from({ length: reps }, () => sample(run, minMs));
  const perSec = median(s.map((x) => x.perSec));
  return {
    unit,
    name,
    perSec,
    perSecBest: Math.max(...s.map((x) => x.perSec)),
    perCpuSec: median(s.map((x) => x.perCpuSec)),
    nsPerOp: 1e9 / perSec,
  };
}

type DmaBody = (w: ReturnType<typeof steppedSetup>, n: number) => Gen<number>;

/** a device thread doing 2,000 DMAs (IOTLB hits) with `body` in one real execution, per DMA */
function stepped(name: string, body: DmaBody, reps: number, minMs: number): HwRow {
  const n = 2000;
  let steps = 0;
  const once = (): void => {
    const program: Program<ReturnType<typeof steppedSetup>> = {
      setup: steppedSetup,
      threads: (w) => [{ name: 'device', body: () => body(w, n) }],
    };
    const exec = runOnce(
      program as Program<unknown>,
      [],
      { faults: { mode: 'none' }, warnFails: true, trace: false, strict: true, maxSteps: 1_000_000 },
    );
    if (exec.threads[0]!.result !== n) throw new Error(`${name}: ${String(exec.threads[0]!.result)} of ${n} succeeded`);
    if (exec.violations.length > 0) throw new Error(`${name}: ${exec.violations[0]!.message}`);
    steps = exec.steps;
  };
  const r = row('smmuv3', name, () => once(), reps, minMs);
  return {
    ...r,
    perSec: r.perSec * n,
    perSecBest: r.perSecBest * n,
    perCpuSec: r.perCpuSec * n,
    nsPerOp: r.nsPerOp / n,
    stepsPerOp: steps / n,
  };
}

function main(): void {
  const [reps = '5', minMs = '200'] = process.argv.slice(2);
  const rows: HwRow[] = [];
  runOnce(
    {
      setup: () => {
        for (const c of hwCases()) rows.push(row(c.unit, c.name, c.run, Number(reps), Number(minMs)));
        return null;
      },
      threads: () => [],
    },
    [],
    { faults: { mode: 'none' }, warnFails: true, trace: false, strict: true },
  );
  rows.push(stepped(`device DMA in explorer steps (S1, IOTLB hit; ${PAGES} pages)`, (w, n) => steppedDmas(w.unit, w.ep, w.sid, n), Number(reps), Number(minMs)));
  rows.push(stepped(`one-step DMA, no check (S1, IOTLB hit; ${PAGES} pages)`, (w, n) => atomicDmas(w.unit, w.ep, w.sid, n, false), Number(reps), Number(minMs)));
  rows.push(stepped(`one-step DMA + H1 checks (S1, IOTLB hit; ${PAGES} pages)`, (w, n) => atomicDmas(w.unit, w.ep, w.sid, n, true), Number(reps), Number(minMs)));
  const out: HwBenchResult = { rows, samples: Number(reps) };
  console.log(JSON.stringify(out));
}

if (process.argv[1]?.endsWith('hw.js') === true) main();
